"""Telephone audio: G.711 µ-law and A-law, resampling, and WAV files, in numpy.

Audio inside the gateway is 16-bit signed little-endian PCM (``bytes``) at 8 kHz, the telephone
rate; speech to text wants 16 kHz floats. G.711 is done here with lookup tables rather than the
standard library's ``audioop``, which Python 3.13 removes.
"""

from __future__ import annotations

import io
import wave

import numpy as np

RATE = 8000
FRAME_MS = 20
FRAME_SAMPLES = RATE * FRAME_MS // 1000  # 160 samples, 320 bytes of PCM, 160 bytes of G.711
FRAME_BYTES = FRAME_SAMPLES * 2


def _ulaw_decode_table() -> np.ndarray:
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


def _alaw_decode_table() -> np.ndarray:
    codes = np.arange(256, dtype=np.int32) ^ 0x55
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = np.where(
        exponent == 0, (mantissa << 4) + 8, ((mantissa << 4) + 0x108) << np.maximum(exponent - 1, 0)
    )
    return np.where(sign != 0, magnitude, -magnitude).astype(np.int16)


_ULAW_DECODE = _ulaw_decode_table()
_ALAW_DECODE = _alaw_decode_table()


def _encode_table(decode: np.ndarray) -> np.ndarray:
    """For every 16-bit sample (offset by 32768), the G.711 code whose value is nearest."""
    order = np.argsort(decode, kind="stable")
    values = decode[order].astype(np.int32)
    samples = np.arange(-32768, 32768, dtype=np.int32)
    right = np.clip(np.searchsorted(values, samples), 1, len(values) - 1)
    left = right - 1
    nearer_left = (samples - values[left]) <= (values[right] - samples)
    return order[np.where(nearer_left, left, right)].astype(np.uint8)


_ULAW_ENCODE = _encode_table(_ULAW_DECODE)
_ALAW_ENCODE = _encode_table(_ALAW_DECODE)


def ulaw_to_pcm(data: bytes) -> bytes:
    return _ULAW_DECODE[np.frombuffer(data, dtype=np.uint8)].tobytes()


def alaw_to_pcm(data: bytes) -> bytes:
    return _ALAW_DECODE[np.frombuffer(data, dtype=np.uint8)].tobytes()


def pcm_to_ulaw(pcm: bytes) -> bytes:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.int32) + 32768
    return _ULAW_ENCODE[samples].tobytes()


def pcm_to_alaw(pcm: bytes) -> bytes:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.int32) + 32768
    return _ALAW_ENCODE[samples].tobytes()


def to_float(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def to_pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def _lowpass(samples: np.ndarray, cutoff: float) -> np.ndarray:
    """A 63-tap windowed-sinc low-pass at ``cutoff`` cycles per sample."""
    n = np.arange(63) - 31
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(63)
    return np.convolve(samples, kernel / kernel.sum(), mode="same")


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Band-limited resampling: a low-pass below the lower rate's Nyquist frequency and linear
    interpolation (good enough for speech; numpy only)."""
    if rate_in == rate_out or samples.size == 0:
        return samples.astype(np.float32)
    if rate_out < rate_in:
        samples = _lowpass(samples, 0.45 * rate_out / rate_in)
    length = int(round(samples.size * rate_out / rate_in))
    out = np.interp(np.arange(length) * (rate_in / rate_out), np.arange(samples.size), samples)
    if rate_out > rate_in:
        out = _lowpass(out, 0.45 * rate_in / rate_out)
    return out.astype(np.float32)


def wav_bytes(pcm: bytes, rate: int = RATE) -> bytes:
    """A mono 16-bit WAV file of ``pcm``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def read_wav(data: bytes | str) -> tuple[bytes, int]:
    """The PCM (mono, 16-bit) and rate of a WAV file given as bytes or a path."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with wave.open(source, "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError("only 16-bit WAV files are supported")
        pcm = wav.readframes(wav.getnframes())
        channels = wav.getnchannels()
        rate = wav.getframerate()
    if channels > 1:
        pcm = np.frombuffer(pcm, dtype="<i2")[::channels].tobytes()
    return pcm, rate


def level_db(pcm: bytes) -> float:
    """The loudness of a stretch of audio in dBFS (-100 for silence)."""
    samples = to_float(pcm)
    if samples.size == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(samples * samples)))
    return 20 * np.log10(rms) if rms > 1e-5 else -100.0
