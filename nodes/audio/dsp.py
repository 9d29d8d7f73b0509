"""Small signal helpers shared by the audio nodes: seeded noise, cached filters, envelopes,
panning and resampling.

Everything works on whole numpy arrays: the nodes must run far faster than real time, so
nothing here loops over samples in Python. Signals are float32, shaped (N,) or (N, channels).
"""

from __future__ import annotations

import math
import zlib
from functools import lru_cache

import numpy as np

from server.engine.errors import NodeInputError

DENORMAL_GUARD = 1e-15


def rng_for(seed: int, *names: str) -> np.random.Generator:
    """An independent generator per (seed, layer name): adding a layer never shifts another's noise."""
    words = [seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF, *(zlib.crc32(n.encode()) for n in names)]
    return np.random.default_rng(np.random.SeedSequence(words))


def white(rng: np.random.Generator, n: int, channels: int = 0) -> np.ndarray:
    """Uniform white noise in [-1, 1) (RMS ≈ 0.58); shape (n,) or (n, channels)."""
    shape = (n, channels) if channels else (n,)
    out = rng.random(shape, dtype=np.float32)
    out *= 2.0
    out -= 1.0
    return out


@lru_cache(maxsize=512)
def _sos(kind: str, freqs: tuple[float, ...], sr: int, order: int) -> np.ndarray:
    from scipy.signal import butter

    wn = freqs[0] if len(freqs) == 1 else list(freqs)
    sos = butter(order, wn, btype=kind, fs=sr, output="sos")
    # float32 sections keep the output float32; very low corners need float64 to stay stable.
    return sos if min(freqs) < sr / 400 else sos.astype(np.float32)


def filt(
    x: np.ndarray, kind: str, freq: float | tuple[float, float], sr: int, order: int = 2, axis: int = 0
) -> np.ndarray:
    """Butterworth ``lowpass``/``highpass``/``bandpass`` along ``axis``; corners clamped inside (0, Nyquist).

    Filtering along the last axis of a channel-major (channels, n) array avoids the two copies
    scipy makes for a sample-major (n, channels) one. A tiny DC offset (-300 dBFS) rides along
    the input: without it a filter fed silence decays into subnormal floats, which the CPU
    handles some 50× slower (gated babble, cricket pulses and silent stretches all do that)."""
    from scipy.signal import sosfilt

    freqs = (freq,) if np.isscalar(freq) else tuple(freq)  # type: ignore[arg-type]
    nyq = sr / 2
    freqs = tuple(float(min(max(f, 5.0), nyq * 0.95)) for f in freqs)
    if kind == "bandpass" and freqs[0] >= freqs[1] * 0.98:
        freqs = (freqs[1] * 0.7, freqs[1])
    sos = _sos(kind, freqs, sr, order)
    return sosfilt(sos, x + sos.dtype.type(DENORMAL_GUARD), axis=axis).astype(np.float32, copy=False)


def drift(rng: np.random.Generator, n: int, sr: int, rate_hz: float, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    """A slowly wandering curve in [lo, hi]: random points ``rate_hz`` apart, joined by smoothsteps.

    The smooth curve is computed on a control grid (≥ 16 points per knot) and linearly
    interpolated between grid points, which costs two passes over the output instead of fifteen.
    """
    block = max(1, min(64, int(sr / (rate_hz * 16))))
    blocks = -(-n // block)
    points = max(2, math.ceil((blocks * block) / sr * rate_hz) + 2)
    knots = rng.random(points).astype(np.float32)
    pos = np.arange(blocks + 1, dtype=np.float64) * (block * rate_hz / sr)
    i = np.minimum(pos.astype(np.int64), points - 2)
    frac = (pos - i).astype(np.float32)
    frac = frac * frac * (3 - 2 * frac)  # smoothstep: no corners at the knots
    grid = lo + (hi - lo) * (knots[i] + (knots[i + 1] - knots[i]) * frac)
    ramp = np.arange(block, dtype=np.float32) / np.float32(block)
    out = grid[:-1, None] + (grid[1:] - grid[:-1])[:, None] * ramp[None, :]
    return out.reshape(-1)[:n].astype(np.float32, copy=False)


def cycles(freq: np.ndarray | float, sr: int, n: int | None = None) -> np.ndarray:
    """Oscillator phase in cycles, wrapped to [0, 1), for a (possibly varying) frequency in Hz.

    Accumulated in float64 so long notes stay in tune, returned as float32 so that the
    waveform maths after it runs at float32 speed."""
    step = np.full(n, freq / sr) if np.isscalar(freq) else np.asarray(freq, dtype=np.float64) / sr
    ph = np.cumsum(step)
    ph -= np.floor(ph)
    return ph.astype(np.float32)


def decay(n: int, sr: int, tau_s: float, attack_s: float = 0.0) -> np.ndarray:
    """Exponential decay with time constant ``tau_s``, after a linear attack of ``attack_s``."""
    t = np.arange(n, dtype=np.float32) / np.float32(sr)
    env = np.exp(-t / np.float32(max(tau_s, 1e-4)))
    a = int(attack_s * sr)
    if a > 0:
        env[:a] *= np.linspace(0.0, 1.0, a, endpoint=False, dtype=np.float32)
    return env.astype(np.float32, copy=False)


def adsr(n: int, sr: int, attack: float, decay_s: float, sustain: float, release: float, held: int) -> np.ndarray:
    """Attack-decay-sustain-release: a linear attack, an exponential fall to ``sustain`` while the
    note is held for ``held`` samples, then an exponential release (≈ -35 dB after ``release`` s)."""
    env = np.empty(n, np.float32)
    a, h = min(max(int(attack * sr), 1), n), min(max(held, 0), n)
    env[:a] = np.arange(a, dtype=np.float32) / np.float32(a)
    if h > a:
        t = np.arange(h - a, dtype=np.float32) / np.float32(sr)
        env[a:h] = sustain + (1 - sustain) * np.exp(-t / np.float32(max(decay_s, 1e-3)))
    if n > h:
        level = env[h - 1] if h > 0 else np.float32(0.0)
        t = np.arange(n - h, dtype=np.float32) / np.float32(sr)
        env[h:] = level * np.exp(-t / np.float32(max(release / 4, 1e-3)))
    return env


def pan_gains(pan: float) -> tuple[float, float]:
    """Equal-power gains for ``pan`` in [-1 (left), 1 (right)]."""
    angle = (min(max(pan, -1.0), 1.0) + 1.0) * math.pi / 4
    return math.cos(angle), math.sin(angle)


def add_at(buf: np.ndarray, clip: np.ndarray, start: int) -> None:
    """Mix ``clip`` into ``buf`` starting at sample ``start``, cropping whatever falls outside."""
    a, b = max(start, 0), min(start + len(clip), len(buf))
    if b > a:
        buf[a:b] += clip[a - start : b - start]


def gain(db: float) -> float:
    return 10.0 ** (db / 20.0)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x), dtype=np.float64))) if x.size else 0.0


def normalise_rms(x: np.ndarray, target_db: float) -> np.ndarray:
    """Scale to an RMS of ``target_db`` dBFS (silence stays silence)."""
    level = rms(x)
    return x if level < 1e-9 else (x * np.float32(gain(target_db) / level)).astype(np.float32, copy=False)


def normalise_peak(x: np.ndarray, target_db: float) -> np.ndarray:
    peak = float(np.abs(x).max()) if x.size else 0.0
    return x if peak < 1e-9 else (x * np.float32(gain(target_db) / peak)).astype(np.float32, copy=False)


def resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Polyphase resampling along axis 0 (scipy), exact for any pair of integer rates."""
    if src == dst:
        return x
    from scipy.signal import resample_poly

    g = math.gcd(src, dst)
    return resample_poly(x, dst // g, src // g, axis=0).astype(np.float32, copy=False)


@lru_cache(maxsize=8)
def _interpolator(factor: int) -> np.ndarray:
    from scipy.signal import firwin

    return firwin(12 * factor + 1, 0.9 / factor, window=("kaiser", 7.0)).astype(np.float32)


def upsample(x: np.ndarray, factor: int) -> np.ndarray:
    """Integer-factor upsampling along axis 0 with a short polyphase FIR (12 taps per phase).

    Used for the low bus, whose content sits well under its Nyquist, so a shorter filter than
    ``resample``'s default (20 taps per phase) loses nothing audible and halves the cost."""
    from scipy.signal import resample_poly

    return resample_poly(x, factor, 1, axis=0, window=_interpolator(factor)).astype(np.float32, copy=False)


def fit(x: np.ndarray, n: int) -> np.ndarray:
    """Crop or zero-pad along axis 0 to exactly ``n`` samples."""
    if len(x) >= n:
        return x[:n]
    pad = np.zeros((n - len(x), *x.shape[1:]), dtype=x.dtype)
    return np.concatenate([x, pad])


def low_rate(sr: int) -> int:
    """The rate of the 'low bus' for sounds with nothing above ~5 kHz (an integer fraction of ``sr``)."""
    return sr // 4 if sr >= 44100 else sr // 2


def check_finite(name: str, samples: np.ndarray, sr: int) -> None:
    """Refuse NaN/inf samples, naming the input and where the first bad sample is."""
    bad = ~np.isfinite(samples)
    if bad.any():
        first = int(np.argmax(bad.any(axis=1) if bad.ndim == 2 else bad))
        raise NodeInputError(
            name,
            f"audio contains NaN or infinite samples (first at sample {first}, t={first / sr:.3f} s); "
            "fix the node that produced it: every sample must be a finite number in [-1, 1]",
        )


def sparse_hits(
    rng: np.random.Generator, n: int, sr: int, rate_hz: float, spread: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson event positions (samples) at ``rate_hz`` with log-normal amplitudes (heavy tail when ``spread`` > 1)."""
    count = int(rng.poisson(rate_hz * n / sr))
    pos = np.sort(rng.integers(0, max(n, 1), size=count))
    amp = np.exp(rng.normal(0.0, 0.5 * spread, size=count)).astype(np.float32)
    return pos, amp


def impulses(n: int, pos: np.ndarray, amp: np.ndarray) -> np.ndarray:
    """An impulse train: ``amp`` at sample positions ``pos`` (coincident hits add)."""
    out = np.zeros(n, np.float32)
    np.add.at(out, pos, amp)
    return out


def convolve(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Linear convolution truncated to ``len(x)`` (overlap-add, fast for short kernels)."""
    from scipy.signal import oaconvolve

    if not x.any():
        return np.zeros_like(x)
    return oaconvolve(x, kernel)[: len(x)].astype(np.float32, copy=False)
