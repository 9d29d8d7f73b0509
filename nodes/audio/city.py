"""Urban layers on the low bus: city hum and traffic, crowd murmur, neon buzz, engines."""

from __future__ import annotations

import math

import numpy as np

from nodes.datatypes import TimelineEvent

from .canvas import Canvas
from .cues import SoundPlan
from .dsp import add_at, cycles, decay, drift, filt, gain, normalise_peak, normalise_rms, pan_gains, white
from .footsteps import event_pan


def passby(n: int, sr: int, centre: float, width: float, direction: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Left/right gain envelopes of something passing: a bump that pans across, and where it starts."""
    half = int(2.5 * width * sr)
    start = int(centre * sr) - half
    t = (np.arange(2 * half, dtype=np.float32) - half) / np.float32(width * sr)
    bump = np.exp(-0.5 * t * t * 4)
    angle = (np.clip(t * direction * 0.5, -1, 1) + 1) * (math.pi / 4)
    return bump * np.cos(angle), bump * np.sin(angle), start


def city(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """A low drone, a distant traffic bed with cars passing through it, and the odd far horn."""
    sr, n = c.low_sr, c.n_low
    out = normalise_rms(filt(white(rng, n, 2), "lowpass", 90.0, sr), -38.0)
    hum = np.sin(np.float32(2 * math.pi) * cycles(float(rng.choice([50.0, 60.0])), sr, n))
    out += hum[:, None] * np.float32(gain(-52.0))
    traffic = filt(white(rng, n), "bandpass", (150.0, 900.0), sr)
    env = np.full((n, 2), 0.35, np.float32)
    rate = 0.2 if plan.night else 0.35
    for _ in range(int(rng.poisson(rate * c.duration + 1))):
        el, er, start = passby(n, sr, float(rng.uniform(-1, c.duration + 1)), float(rng.uniform(1.2, 2.5)), 1.0)
        loud = float(rng.uniform(0.4, 1.0)) * (1 if rng.random() < 0.5 else -1)
        add_at(env[:, 0], (el if loud > 0 else er) * abs(loud), start)
        add_at(env[:, 1], (er if loud > 0 else el) * abs(loud), start)
    out += normalise_rms(traffic[:, None] * env, -33.0 if plan.night else -30.0)
    if rng.random() < 0.6 * c.duration / 10:
        m = int(0.35 * sr)
        t = np.arange(m, dtype=np.float32) / np.float32(sr)
        horn = np.tanh(3 * (np.sin(2 * math.pi * 349 * t) + np.sin(2 * math.pi * 440 * t))) * decay(m, sr, 0.3, 0.02)
        horn = filt(horn, "lowpass", 1500.0, sr) * np.float32(gain(-44.0))
        gl, gr = pan_gains(float(rng.uniform(-0.8, 0.8)))
        at = int(float(rng.uniform(0, max(c.duration - 0.5, 0.1))) * sr)
        add_at(out[:, 0], horn * np.float32(gl), at)
        add_at(out[:, 1], horn * np.float32(gr), at)
    c.low += out


def voice(rng: np.random.Generator, n: int, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """One distant talker: a buzzy glottal source with intonation, chopped into syllables and
    utterances, plus a vowel colour curve that steers it between the formant bands."""
    f0 = float(rng.uniform(95, 230))
    pitch = f0 * (0.9 + 0.2 * drift(rng, n, sr, 2.0))
    source = 2.0 * cycles(pitch, sr) - 1.0
    syllables = np.sin(np.float32(2 * math.pi) * cycles(drift(rng, n, sr, 1.0, 3.0, 6.0), sr))
    talking = np.clip((drift(rng, n, sr, 0.5) - 0.35) * 5, 0, 1)
    amp = np.maximum(syllables, 0) * talking * np.float32(rng.uniform(0.3, 1.0))
    return source * amp, drift(rng, n, sr, 4.0)


def crowd(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """Babble: a few nearer voices through three formant bands over speech-shaped noise."""
    sr, n = c.low_sr, c.n_low
    formants = ((300.0, 900.0), (900.0, 2200.0), (2200.0, 3300.0))
    bands = np.zeros((len(formants), 2, n), np.float32)  # channel-major: contiguous accumulation
    for _ in range(3 + round(5 * plan.crowd)):
        src, vowel = voice(rng, n, sr)
        gl, gr = pan_gains(float(rng.uniform(-0.9, 0.9)))
        for band, weight in zip(bands, (1.0 - 0.7 * vowel, 0.3 + 0.7 * vowel, 0.35)):
            part = src * weight
            band[0] += part * np.float32(gl)
            band[1] += part * np.float32(gr)
    out = sum(filt(b.T, "bandpass", f, sr) for b, f in zip(bands, formants))
    bed = filt(white(rng, n, 2), "bandpass", (250.0, 2500.0), sr) * drift(rng, n, sr, 4.0, 0.4, 1.0)[:, None]
    out = normalise_rms(out, -34.0) + normalise_rms(bed, -36.0 + 4.0 * plan.crowd)
    c.low += normalise_rms(out, -33.0 + 7.0 * plan.crowd)


def flicker_gate(n: int, sr: int, events: list[TimelineEvent], rng: np.random.Generator) -> np.ndarray:
    """1 while the tube burns; dips towards 0 for each 'flicker' event, with a ballast tick at each edge."""
    gate = np.ones(n, np.float32)
    for ev in events:
        if ev.kind != "flicker":
            continue
        dur = (ev.data or {}).get("duration")
        dur = float(dur) if isinstance(dur, (int, float)) and dur > 0 else float(rng.uniform(0.05, 0.15))
        a, b = int(ev.time * sr), int((ev.time + dur) * sr)
        gate[max(a, 0) : max(min(b, n), 0)] = 0.08
        for edge in (a, b):
            tick = white(rng, int(0.01 * sr)) * decay(int(0.01 * sr), sr, 0.002) * 4
            add_at(gate, tick, edge)
    return gate


def neon(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """Mains hum and its harmonics from a saturated sine, with sizzle locked to the mains cycle;
    it drops out and ticks on every 'flicker' event."""
    sr, n = c.low_sr, c.n_low
    mains = float(rng.choice([50.0, 60.0]))
    phase = 2 * math.pi * np.arange(n, dtype=np.float64) * (mains / sr)
    hum = (np.tanh(2.5 * np.sin(phase)) + 0.35 * np.sin(2 * phase + 0.7)).astype(np.float32)
    hum = filt(hum, "highpass", 90.0, sr)
    sizzle = filt(white(rng, n), "bandpass", (2000.0, 5000.0), sr) * (np.abs(np.sin(phase)) ** 8).astype(np.float32)
    tone = normalise_rms(hum, -42.0) + normalise_rms(sizzle, -50.0)
    tone *= flicker_gate(n, sr, events, rng) * drift(rng, n, sr, 0.5, 0.85, 1.0)
    flickers = [e for e in events if e.kind == "flicker"]
    pan = float(np.mean([event_pan(e) for e in flickers])) if flickers else float(rng.uniform(-0.4, 0.4))
    gl, gr = pan_gains(pan)
    c.low[:, 0] += tone * np.float32(gl)
    c.low[:, 1] += tone * np.float32(gr)


def engine_tone(rng: np.random.Generator, n: int, sr: int, moving: bool) -> np.ndarray:
    """A four-stroke engine: sharp firing pulses at rpm/30 Hz, low-passed, with combustion noise."""
    rpm = float(rng.uniform(1800, 2800)) if moving else float(rng.uniform(700, 900))
    firing = rpm / 30.0 * (0.93 + 0.14 * drift(rng, n, sr, 0.3))
    cycle = cycles(firing, sr)
    pulses = np.exp(-cycle * 9.0)
    tone = (
        filt(pulses - pulses.mean(), "lowpass", 500.0, sr) + filt(white(rng, n) * pulses, "lowpass", 1500.0, sr) * 0.5
    )
    return tone.astype(np.float32)


def engine(c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent]) -> None:
    """One engine per vehicle (up to three), idling or driving past; the renderer's 'pass_by'
    actions, when present, put each pass at the moment the vehicle crosses the frame."""
    sr, n = c.low_sr, c.n_low
    passes = [e for e in events if e.kind == "action" and (e.data or {}).get("verb") == "pass_by"]
    out = np.zeros((n, 2), np.float32)
    for ev in passes[:6]:
        tone = engine_tone(rng, n, sr, True)
        direction = 1.0 if rng.random() < 0.5 else -1.0
        el, er, start = passby(n, sr, ev.time, float(rng.uniform(1.0, 2.0)), direction)
        loud = float((ev.data or {}).get("gain", 1.0))
        env = np.zeros((n, 2), np.float32)
        add_at(env[:, 0], el * loud, start)
        add_at(env[:, 1], er * loud, start)
        out += tone[:, None] * env
    for _, moving in (plan.vehicles[:3] or (("engine", False),)) if not passes else ():
        tone = engine_tone(rng, n, sr, moving)
        if moving:
            el, er, start = passby(n, sr, float(rng.uniform(0.25, 0.75)) * c.duration, c.duration / 4, 1.0)
            env = np.full((n, 2), 0.15, np.float32)
            add_at(env[:, 0], el, start)
            add_at(env[:, 1], er, start)
            out += tone[:, None] * env
        else:
            gl, gr = pan_gains(float(rng.uniform(-0.5, 0.5)))
            out += tone[:, None] * np.array([gl, gr], np.float32)
    c.low += normalise_peak(out, -12.0) if passes else normalise_rms(out, -31.0)
