"""Band-limited wavetable oscillators for the music synth.

One cycle per (shape, frequency, rate) is built from its harmonics below Nyquist (an inverse
FFT of 2048 points, cached), so nothing aliases; it is then read with an integer phase
accumulator, which is both exact over long notes and cheaper than computing a waveform per
sample (one gather instead of a sine or a PolyBLEP correction).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

TABLE_BITS = 11
TABLE = 1 << TABLE_BITS
PHASE_BITS = 32


def _amplitudes(shape: str, k: np.ndarray) -> np.ndarray:
    """Sine-series amplitude of harmonic ``k`` for each shape."""
    if shape == "sine":
        return (k == 1).astype(np.float64)
    if shape in ("saw", "bass"):
        saw = 2 / (math.pi * k)
        return saw if shape == "saw" else 0.3 * saw + (k == 1)
    if shape == "soft":  # 0.7 triangle + sine: a round pad
        odd = k % 2 == 1
        triangle = np.where(odd, 8 / math.pi**2 * (-1.0) ** ((k - 1) // 2) / k.astype(np.float64) ** 2, 0.0)
        return 0.7 * triangle + (k == 1)
    if shape == "pluck":
        return np.select([k == 1, k == 2, k == 3], [1.0, 0.4, 0.15], 0.0)
    raise ValueError(f"unknown oscillator shape {shape!r}")


@lru_cache(maxsize=512)
def table(shape: str, freq: float, sr: int) -> np.ndarray:
    """One cycle of ``shape`` at ``freq`` with every harmonic under 0.45 × ``sr``."""
    top = max(1, min(int(0.45 * sr / max(freq, 1e-3)), TABLE // 2 - 1))
    k = np.arange(1, top + 1)
    spectrum = np.zeros(TABLE // 2 + 1, np.complex128)
    spectrum[k] = -0.5j * TABLE * _amplitudes(shape, k)
    cycle = np.fft.irfft(spectrum, TABLE)
    if shape == "bass":
        cycle = np.tanh(2.0 * cycle)  # warm saturation, applied once to the cycle
    return cycle.astype(np.float32)


def osc(shape: str, freq: float, sr: int, n: int) -> np.ndarray:
    """``n`` samples of ``shape`` at ``freq`` Hz, starting at phase 0."""
    step = round(freq / sr * (1 << PHASE_BITS))
    index = (np.arange(n, dtype=np.int64) * step >> (PHASE_BITS - TABLE_BITS)) & (TABLE - 1)
    return table(shape, round(freq, 4), sr)[index]
