"""Weather layers: rain (hiss + droplets), thunder, wind. Each draws onto a :class:`Canvas`."""

from __future__ import annotations

import math

import numpy as np

from nodes.datatypes import TimelineEvent

from .canvas import Canvas
from .cues import SoundPlan
from .dsp import (
    add_at,
    convolve,
    decay,
    drift,
    filt,
    gain,
    impulses,
    normalise_rms,
    pan_gains,
    rms,
    sparse_hits,
    white,
)


def droplet(sr: int, freq: float, tau: float) -> np.ndarray:
    """One drop: a falling resonant ping (a bubble's pitch sweeps up, a tick on a hard surface down)."""
    n = int(6 * tau * sr)
    t = np.arange(n, dtype=np.float32) / np.float32(sr)
    sweep = freq * (1 + 0.35 * np.exp(-t / tau))
    phase = 2 * math.pi * np.cumsum(sweep) / sr
    return (np.sin(phase) * decay(n, sr, tau, attack_s=0.0003)).astype(np.float32)


def rain(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """Stereo-decorrelated band-limited hiss with slow swells at full rate; droplets (pure pings
    below 5 kHz) and, for heavy rain, a low roar of water on the low bus."""
    k = plan.rain
    bed = filt(white(rng, 2 * c.n).reshape(2, c.n), "bandpass", (400.0, 3500.0 + 6000.0 * k), c.sr, axis=-1)
    swell = drift(rng, c.n, c.sr, 0.3, 0.7, 1.0)
    swell *= np.float32(gain(-34.0 + 10.0 * k) / max(rms(bed) * rms(swell), 1e-9))  # ≈ target RMS, one pass
    c.full += (bed * swell).T
    rate = 80.0 + 500.0 * k
    for freq, tau, share in ((2800.0, 0.004, 0.45), (4300.0, 0.0025, 0.35), (1600.0, 0.006, 0.2)):
        kernel = droplet(c.low_sr, freq * float(rng.uniform(0.9, 1.1)), tau)
        for ch in range(2):
            pos, amp = sparse_hits(rng, c.n_low, c.low_sr, rate * share / 2, spread=1.6)
            c.low[:, ch] += convolve(impulses(c.n_low, pos, amp), kernel) * np.float32(gain(-36 + 8 * k))
    if k > 0.5:
        roar = filt(white(rng, c.n_low, 2), "lowpass", 350.0, c.low_sr)
        c.low += normalise_rms(roar, -40.0 + 10.0 * k)


def thunder_times(c: Canvas, rng: np.random.Generator, events: list[TimelineEvent]) -> list[float]:
    """After each lightning flash in the TIMELINE (sound travels), else every 6–14 s."""
    flashes = [e.time + float(rng.uniform(0.3, 2.0)) for e in events if e.kind in ("lightning", "flash")]
    if flashes:
        return flashes
    times, t = [], float(rng.uniform(0.5, min(4.0, max(c.duration - 1.0, 0.6))))
    while t < c.duration:
        times.append(t)
        t += float(rng.uniform(6.0, 14.0))
    return times


def thunder(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """A crack then a long rolling rumble, on the low bus."""
    sr = c.low_sr
    for t0 in thunder_times(c, rng, events):
        n = int(float(rng.uniform(4.0, 7.0)) * sr)
        body = filt(white(rng, n), "lowpass", 140.0, sr, order=2) * 6
        crack = filt(white(rng, n), "bandpass", (300.0, 2500.0), sr) * decay(n, sr, 0.12, attack_s=0.01)
        roll = decay(n, sr, float(rng.uniform(1.0, 2.2)), attack_s=0.15) * drift(rng, n, sr, 3.0, 0.3, 1.0)
        clap = (body * roll + 0.6 * crack).astype(np.float32)
        clap *= np.float32(gain(-10.0 - float(rng.uniform(0, 8))) / max(float(np.abs(clap).max()), 1e-9))
        gl, gr = pan_gains(float(rng.uniform(-0.6, 0.6)))
        start = int(t0 * sr)
        add_at(c.low[:, 0], clap * np.float32(gl), start)
        add_at(c.low[:, 1], clap * np.float32(gr), start)


def wind(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """Three resonant bands of noise, each with its own gust envelope, over a low rumble."""
    sr, n = c.low_sr, c.n_low
    out = np.zeros((n, 2), np.float32)
    for centre in (220.0, 480.0, 950.0):
        f = centre * float(rng.uniform(0.8, 1.25))
        band = filt(white(rng, n, 2), "bandpass", (f * 0.8, f * 1.25), sr)
        gust = drift(rng, n, sr, 0.18, 0.05, 1.0) ** 2
        out += band * gust[:, None]
    out += filt(white(rng, n, 2), "lowpass", 110.0, sr) * drift(rng, n, sr, 0.12, 0.2, 1.0)[:, None] * 2
    c.low += normalise_rms(out, -36.0 + 8.0 * plan.wind)
