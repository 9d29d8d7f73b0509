"""Sound for a video: resampled to a rate the codec takes, trimmed or padded to the picture.

The picture decides the length: the track is cut, or padded with silence, to exactly
``round(duration * rate)`` samples, so that players show video and audio ending together.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from nodes.datatypes import Audio

LAYOUTS = {1: "mono", 2: "stereo"}


def codec_rate(audio_rate: int, supported: list[int] | tuple[int, ...] | None) -> int:
    """The source rate when the codec takes it, otherwise 48 kHz (or the highest it takes)."""
    if not supported or audio_rate in supported:
        return audio_rate
    return 48000 if 48000 in supported else max(supported)


def fit_audio(audio: Audio, duration: float, rate: int) -> np.ndarray:
    """(N, C) float32 at ``rate`` with N = round(duration × rate), clipped to [-1, 1]."""
    samples = audio.samples
    if rate != audio.sample_rate and samples.shape[0]:
        from scipy.signal import resample_poly

        ratio = Fraction(rate, audio.sample_rate)
        samples = resample_poly(samples, ratio.numerator, ratio.denominator, axis=0).astype(np.float32)
    n = round(duration * rate)
    out = np.zeros((n, audio.channels), np.float32)
    take = min(n, samples.shape[0])
    np.clip(samples[:take], -1.0, 1.0, out=out[:take])
    return out
