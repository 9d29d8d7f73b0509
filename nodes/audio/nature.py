"""Nature layers: waves, birds, insects, running water, fire, an animal's growl."""

from __future__ import annotations

import math

import numpy as np

from nodes.datatypes import TimelineEvent

from .canvas import Canvas
from .cues import SoundPlan
from .dsp import (
    add_at,
    convolve,
    cycles,
    decay,
    drift,
    filt,
    gain,
    impulses,
    normalise_rms,
    pan_gains,
    sparse_hits,
    white,
)

BIRD_RATE = {"forest": 0.8, "savanna": 0.35, "beach": 0.25, "city_street": 0.15, "skyline": 0.1}


def put(buf: np.ndarray, clip: np.ndarray, start: int, pan: float) -> None:
    gl, gr = pan_gains(pan)
    add_at(buf[:, 0], clip * np.float32(gl), start)
    add_at(buf[:, 1], clip * np.float32(gr), start)


def waves(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """Swells that build, crash and wash back: a low roar and a brighter foam, each with its envelope."""
    sr, n = c.low_sr, c.n_low
    roar_env, wash_env = np.full(n, 0.15, np.float32), np.full(n, 0.1, np.float32)
    period = float(rng.uniform(6.0, 10.0))
    t = float(rng.uniform(0.5, period))
    while t < c.duration + period:
        up, down = int(0.45 * period * sr), int(0.9 * period * sr)
        build = np.linspace(0.0, 1.0, up, dtype=np.float32) ** 2
        strength = float(rng.uniform(0.6, 1.0))
        add_at(roar_env, np.concatenate([build, decay(down, sr, 1.4)]) * strength, int(t * sr) - up)
        add_at(wash_env, decay(down, sr, 2.2, attack_s=0.3) * strength, int((t + 0.3) * sr))
        t += period * float(rng.uniform(0.8, 1.2))
    roar = filt(white(rng, n, 2), "lowpass", 500.0, sr) * roar_env[:, None]
    wash = filt(white(rng, n, 2), "bandpass", (900.0, 5000.0), sr) * wash_env[:, None]
    c.low += normalise_rms(normalise_rms(roar, -20.0) + normalise_rms(wash, -24.0), -26.0)


def tone(sr: int, freqs: np.ndarray, shape: np.ndarray) -> np.ndarray:
    return (np.sin(2 * math.pi * np.cumsum(freqs) / sr) * shape).astype(np.float32)


def bird_phrase(rng: np.random.Generator, sr: int) -> np.ndarray:
    """One phrase of one of three songs: a run of rising chirps, a trill, or a two-note whistle."""
    kind = int(rng.integers(3))
    if kind == 0:
        notes = []
        f = float(rng.uniform(2800, 4800))
        for _ in range(int(rng.integers(3, 8))):
            m = int(float(rng.uniform(0.04, 0.09)) * sr)
            notes.append(tone(sr, np.linspace(f, f * float(rng.uniform(1.2, 1.45)), m), np.hanning(m)))
            notes.append(np.zeros(int(float(rng.uniform(0.03, 0.08)) * sr), np.float32))
        return np.concatenate(notes)
    if kind == 1:
        m = int(float(rng.uniform(0.3, 0.6)) * sr)
        t = np.arange(m) / sr
        am = 0.5 + 0.5 * np.sin(2 * math.pi * float(rng.uniform(20, 35)) * t)
        return tone(sr, np.full(m, float(rng.uniform(3500, 5000))), np.hanning(m) * am)
    m = int(0.25 * sr)
    lo, hi = float(rng.uniform(1800, 2400)), float(rng.uniform(2600, 3400))
    gap = np.zeros(int(0.06 * sr), np.float32)
    return np.concatenate([tone(sr, np.linspace(lo, hi, m), np.hanning(m)), gap,
                           tone(sr, np.linspace(hi, lo, m), np.hanning(m))])  # fmt: skip


def birds(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """Phrases at random times and places; rarer at night, denser in forests."""
    rate = BIRD_RATE.get(plan.setting, 0.4) * (0.15 if plan.night else 1.0)
    count = max(1, int(rng.poisson(rate * c.duration)))
    for start in np.sort(rng.uniform(0, c.duration, size=count)):
        phrase = bird_phrase(rng, c.sr) * np.float32(gain(-22.0 - float(rng.uniform(0, 12))))
        put(c.full, phrase, int(start * c.sr), float(rng.uniform(-0.9, 0.9)))


def insects(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """Crickets at night (pulsed tones in chirps), a cicada-like drone by day."""
    sr, n = c.low_sr, c.n_low
    out = np.zeros((n, 2), np.float32)
    if plan.night or plan.setting == "forest":
        for _ in range(int(rng.integers(3, 7))):
            period, pulses = float(rng.uniform(0.4, 0.9)), int(rng.integers(3, 5))
            into = cycles(1.0 / period, sr, n) * np.float32(period)
            gate = ((into < pulses * 0.032) & (np.fmod(into, np.float32(0.032)) < 0.014)).astype(np.float32)
            gate = filt(np.roll(gate, int(rng.integers(n))), "lowpass", 300.0, sr)
            chirp = np.sin(np.float32(2 * math.pi) * cycles(float(rng.uniform(3800, 4500)), sr, n)) * gate
            gl, gr = pan_gains(float(rng.uniform(-0.9, 0.9)))
            out += chirp[:, None] * np.array([gl, gr], np.float32) * np.float32(rng.uniform(0.3, 1.0))
    else:
        buzz = filt(white(rng, n, 2), "bandpass", (3800.0, 5200.0), sr)
        flutter = 0.6 + 0.4 * np.sin(np.float32(2 * math.pi) * cycles(90.0, sr, n))
        out += buzz * (flutter * drift(rng, n, sr, 0.1, 0.3, 1.0))[:, None]
    c.low += normalise_rms(out, -38.0)


def water(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """A stream: gurgling band noise plus bubbles (short rising pings)."""
    sr, n = c.low_sr, c.n_low
    flow = filt(white(rng, n, 2), "bandpass", (300.0, 3000.0), sr) * drift(rng, n, sr, 12.0, 0.4, 1.0)[:, None]
    out = normalise_rms(flow, -32.0)
    for f in (500.0, 900.0, 1400.0):
        m = int(0.03 * sr)
        tt = np.arange(m) / sr
        bubble = np.sin(2 * math.pi * np.cumsum(f * (1 + 3 * tt / 0.03)) / sr) * decay(m, sr, 0.008)
        for ch in range(2):
            pos, amp = sparse_hits(rng, n, sr, 15.0, spread=1.2)
            out[:, ch] += convolve(impulses(n, pos, amp), bubble.astype(np.float32)) * np.float32(gain(-34.0))
    c.low += out


def fire(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """A soft low roar with crackles (heavy-tailed clicks) and the odd pop."""
    c.low += normalise_rms(filt(white(rng, c.n_low, 2), "lowpass", 220.0, c.low_sr), -36.0)
    m = int(0.004 * c.sr)
    click = filt(white(rng, m) * decay(m, c.sr, 0.0008), "highpass", 1500.0, c.sr)
    for ch in range(2):
        pos, amp = sparse_hits(rng, c.n, c.sr, 14.0, spread=2.2)
        c.full[:, ch] += convolve(impulses(c.n, pos, amp), click) * np.float32(gain(-30.0))


def animal(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """A big cat's growl every few seconds: a rough low voice through an open throat."""
    sr = c.low_sr
    t0 = float(rng.uniform(0.8, 3.0))
    while t0 < c.duration:
        m = int(float(rng.uniform(1.2, 2.5)) * sr)
        pitch = float(rng.uniform(60, 110)) * (0.85 + 0.3 * drift(rng, m, sr, 2.0))
        saw = 2 * cycles(pitch, sr) - 1
        rough = 0.6 + 0.4 * np.sin(2 * math.pi * float(rng.uniform(25, 35)) * np.arange(m) / sr)
        env = np.sin(np.linspace(0, math.pi, m)) ** 0.7
        growl = filt((saw * rough * env).astype(np.float32), "bandpass", (180.0, 900.0), sr)
        growl = growl * np.float32(gain(-14.0) / max(float(np.abs(growl).max()), 1e-9))
        put(c.low, growl, int(t0 * sr), float(rng.uniform(-0.5, 0.5)))
        t0 += float(rng.uniform(5.0, 9.0))
