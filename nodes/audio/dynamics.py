"""Dynamics for the mixer: a ducking envelope that follows speech, and a lookahead limiter.

Both work offline on whole arrays, which allows what a live processor cannot: the duck can
begin before the first word (lookahead), and the limiter's gain reaches its target exactly
at the peak without overshoot.
"""

from __future__ import annotations

import numpy as np

from .dsp import gain

FRAME_S = 0.01
# Half-band interpolator taps (windowed sinc at the midpoints between samples): a cheap
# estimate of the inter-sample ("true") peaks that a DAC would reconstruct.
_MID = (np.sinc(np.arange(8) - 3.5) * np.kaiser(8, 4.0)).astype(np.float32)
_MID /= _MID.sum()


def speech_activity(speech: np.ndarray, sr: int) -> tuple[np.ndarray, int]:
    """Per 10 ms frame, whether someone is talking: louder than -55 dBFS and within 30 dB of the
    loudest frame. Returns (bool per frame, samples per frame)."""
    hop = max(1, int(FRAME_S * sr))
    mono = np.abs(speech[:, 0]) if speech.ndim == 2 else np.abs(speech)
    for ch in range(1, speech.shape[1] if speech.ndim == 2 else 1):
        np.maximum(mono, np.abs(speech[:, ch]), out=mono)
    frames = -(-len(mono) // hop)
    padded = np.zeros(frames * hop, np.float32)
    padded[: len(mono)] = mono
    level = np.sqrt(np.mean(np.square(padded.reshape(frames, hop)), axis=1))
    loudest = float(level.max()) if frames else 0.0
    return (level > max(gain(-55.0), loudest * gain(-30.0))), hop


def duck_envelope(speech: np.ndarray, sr: int, n: int, attack: float, release: float) -> np.ndarray:
    """0..1 per sample: 1 while speech is present, ramping in ``attack`` s *before* each phrase
    and out over ``release`` s after it (short pauses between words stay ducked)."""
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    active, hop = speech_activity(speech, sr)
    if not active.any():
        return np.zeros(n, np.float32)
    a = max(1, round(attack / FRAME_S))
    r = max(1, round(release / FRAME_S))
    size = a + r + 1  # frame j is ducked if speech is within [j - r, j + a]
    held = maximum_filter1d(active.astype(np.float32), size=size, origin=r - size // 2, mode="constant")
    smooth = uniform_filter1d(held, size=a, mode="nearest") if a > 1 else held
    centres = (np.arange(len(smooth)) + 0.5) * hop
    return np.interp(np.arange(n), centres, smooth).astype(np.float32)


def peak_envelope(x: np.ndarray) -> np.ndarray:
    """Per sample, the larger of the sample peak and the interpolated peak just after it, over channels."""
    n = len(x)
    out = np.zeros(n, np.float32)
    for ch in range(x.shape[1]):
        col = np.ascontiguousarray(x[:, ch])
        mid = np.convolve(col, _MID)[4 : 4 + n]  # halfway between sample n and n + 1
        np.maximum(out, np.abs(col), out=out)
        np.maximum(out, np.abs(mid), out=out)
    return out


def limit(x: np.ndarray, sr: int, ceiling_db: float, lookahead: float = 0.005, hold: float = 0.05) -> np.ndarray:
    """Keep (true-)peaks under ``ceiling_db`` dBFS with a lookahead limiter.

    The needed gain per sample is min'd over [n - hold, n + lookahead] and averaged over the
    ``lookahead`` before n: the gain falls smoothly into every peak and is at or under the
    needed value at the peak itself. A final clip catches float rounding only."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = gain(ceiling_db)
    peaks = peak_envelope(x)
    if float(peaks.max(initial=0.0)) <= ceiling:
        return x
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12)).astype(np.float32)
    la, h = max(1, int(lookahead * sr)), max(1, int(hold * sr))
    size = la + h + 1
    floor = minimum_filter1d(need, size=size, origin=h - size // 2, mode="nearest")
    smooth = uniform_filter1d(floor, size=la + 1, origin=la - (la + 1) // 2, mode="nearest")
    out = x * smooth[:, None]
    return np.clip(out, -ceiling, ceiling).astype(np.float32)
