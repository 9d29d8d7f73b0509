"""Instruments that play a score onto a :class:`Canvas`: pad, bass, arpeggio/bells, a lead
voice and a drum kit.

Tones come from band-limited wavetables (:mod:`.oscillators`). Notes of the same pitch and
length sound the same, so each distinct note is synthesised once and then added wherever it
is played. Pad, bass and arpeggio live on the low bus; only the
drums, which need their top end, on the full-rate bus.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from .canvas import Canvas
from .compose import Mood, Note
from .dsp import add_at, adsr, cycles, decay, filt, gain, pan_gains, white
from .oscillators import osc

TWO_PI = np.float32(2 * math.pi)


def hz(pitch: float) -> float:
    return 440.0 * 2 ** ((pitch - 69) / 12)


def pad(c: Canvas, mood: Mood, notes: list[Note], rng: np.random.Generator) -> None:
    """Two detuned oscillators per chord tone, one per side, with slow swells; low-passed by brightness."""
    sr = c.low_sr
    out = np.zeros((2, c.n_low), np.float32)  # channel-major: contiguous accumulation
    release = 1.2
    for note in notes:
        held = int(note.length * sr)
        n = held + int(release * sr)
        env = adsr(n, sr, min(0.35 * note.length, 1.5), 1.0, 0.8, release, held) * np.float32(note.velocity)
        for ch, cents in ((0, -7.0), (1, 7.0)):
            add_at(out[ch], osc(mood.pad, hz(note.pitch + cents / 100), sr, n) * env, int(note.time * sr))
    cutoff = 500.0 + 2500.0 * mood.brightness
    c.low += filt(out.T, "lowpass", cutoff, sr) * np.float32(gain(-12.0))


def bass(c: Canvas, mood: Mood, notes: list[Note], rng: np.random.Generator) -> None:
    """A round sine bass with a little saturated edge, centred."""
    sr = c.low_sr
    out = np.zeros(c.n_low, np.float32)
    cache: dict[tuple[int, int], np.ndarray] = {}
    for note in notes:
        held = int(note.length * sr)
        key = (note.pitch, held)
        if key not in cache:
            n = held + int(0.15 * sr)
            cache[key] = osc("bass", hz(note.pitch), sr, n) * adsr(n, sr, 0.008, 0.25, 0.6, 0.15, held)
        add_at(out, cache[key] * np.float32(note.velocity), int(note.time * sr))
    c.low += (filt(out, "lowpass", 500.0, sr) * np.float32(gain(-14.0)))[:, None]


def pluck(pitch: int, sr: int, bell: bool) -> np.ndarray:
    """A synth pluck (harmonic partials, short decay) or a bell (inharmonic partial, long decay)."""
    f = hz(pitch)
    tau = 0.6 if bell else 0.18
    n = int(4 * tau * sr)
    tone = osc("sine", f, sr, n) + 0.3 * osc("sine", 2.76 * f, sr, n) if bell else osc("pluck", f, sr, n)
    return (tone * decay(n, sr, tau, attack_s=0.002)).astype(np.float32)


def arp(c: Canvas, mood: Mood, notes: list[Note], rng: np.random.Generator) -> None:
    """Ping-pong arpeggio with a two-tap echo a dotted eighth later. On the low bus: even the
    top note's third partial stays under 4 kHz."""
    sr = c.low_sr
    out = np.zeros_like(c.low)
    cache: dict[int, np.ndarray] = {}
    for i, note in enumerate(notes):
        if note.pitch not in cache:
            cache[note.pitch] = pluck(note.pitch, sr, mood.bell)
        gl, gr = pan_gains(0.4 if i % 2 else -0.4)
        clip, at = cache[note.pitch] * np.float32(note.velocity), int(note.time * sr)
        add_at(out[:, 0], clip * np.float32(gl), at)
        add_at(out[:, 1], clip * np.float32(gr), at)
    delay = int(0.75 * 60.0 / mood.tempo * sr)
    wet = np.zeros_like(out)
    wet[delay:] += out[:-delay, ::-1] * np.float32(0.35)
    wet[2 * delay :] += out[: -2 * delay] * np.float32(0.12)
    c.low += (out + wet) * np.float32(gain(-20.0 + 8.0 * mood.arp))


def lead_tone(pitch: int, length: float, sr: int) -> np.ndarray:
    """A soft flute-like voice: a round tone whose vibrato grows in after the attack."""
    n = int((length + 0.25) * sr)
    t = np.arange(n, dtype=np.float32) / np.float32(sr)
    depth = np.clip((t - 0.15) / 0.4, 0.0, 1.0) * np.float32(0.004)  # ±0.4 % once the note has settled
    wobble = 1.0 + depth * np.sin(TWO_PI * 5.2 * t)
    phase = TWO_PI * cycles(np.float32(hz(pitch)) * wobble, sr)
    tone = np.sin(phase) + 0.22 * np.sin(2 * phase) + 0.07 * np.sin(3 * phase)
    return (tone * adsr(n, sr, 0.04, 0.2, 0.85, 0.25, int(length * sr))).astype(np.float32)


def lead(c: Canvas, mood: Mood, notes: list[Note], rng: np.random.Generator) -> None:
    """The melody, a little right of centre, with a short room echo so it sits in the mix."""
    sr = c.low_sr
    out = np.zeros(c.n_low, np.float32)
    cache: dict[tuple[int, int], np.ndarray] = {}
    for note in notes:
        key = (note.pitch, int(note.length * 1000))
        if key not in cache:
            cache[key] = lead_tone(note.pitch, note.length, sr)
        add_at(out, cache[key] * np.float32(note.velocity), int(note.time * sr))
    delay = int(0.11 * sr)
    out[delay:] += out[:-delay] * np.float32(0.25)
    gl, gr = pan_gains(0.15)
    c.low += out[:, None] * np.array([gl, gr], np.float32) * np.float32(gain(-12.0 + 5.0 * mood.lead))


def drum_hit(part: str, sr: int, rng: np.random.Generator) -> np.ndarray:
    if part == "kick":
        n = int(0.35 * sr)
        t = np.arange(n, dtype=np.float32) / np.float32(sr)
        sweep = 45 + 75 * np.exp(-t / 0.03)
        body = np.sin(TWO_PI * cycles(sweep, sr)) * decay(n, sr, 0.12, attack_s=0.001)
        click = filt(white(rng, n) * decay(n, sr, 0.003), "highpass", 2000.0, sr)
        return body + 0.3 * click
    if part == "snare":
        n = int(0.25 * sr)
        t = np.arange(n, dtype=np.float32) / np.float32(sr)
        noise = filt(white(rng, n), "bandpass", (1200.0, 6000.0), sr) * decay(n, sr, 0.06, attack_s=0.001)
        return noise + 0.5 * np.sin(TWO_PI * 185 * t) * decay(n, sr, 0.04)
    n = int(0.08 * sr)
    return filt(white(rng, n) * decay(n, sr, 0.015, attack_s=0.0005), "highpass", 7000.0, sr)


def kit(c: Canvas, mood: Mood, notes: list[Note], rng: np.random.Generator) -> None:
    """Kick, snare and hats from one-shot samples synthesised per run."""
    out = np.zeros_like(c.full)
    hits = {part: drum_hit(part, c.sr, rng) for part in ("kick", "snare", "hat")}
    pans = {"kick": 0.0, "snare": 0.1, "hat": 0.3}
    for note in notes:
        gl, gr = pan_gains(pans[note.part])
        clip, at = hits[note.part] * np.float32(note.velocity), int(note.time * c.sr)
        add_at(out[:, 0], clip * np.float32(gl), at)
        add_at(out[:, 1], clip * np.float32(gr), at)
    c.full += out * np.float32(gain(-16.0 + 6.0 * mood.drums))


def perform(
    c: Canvas,
    mood: Mood,
    notes: list[Note],
    rng: np.random.Generator,
    progress: Callable[[float, float], None] | None = None,
) -> None:
    """Play every part of the score onto the canvas."""
    parts: dict[str, list[Note]] = defaultdict(list)
    for note in notes:
        parts["kit" if note.part in ("kick", "snare", "hat") else note.part].append(note)
    players = {"pad": pad, "bass": bass, "arp": arp, "lead": lead, "kit": kit}
    for i, (name, player) in enumerate(players.items()):
        if progress:
            progress(i, len(players) + 1)
        if parts[name]:
            player(c, mood, parts[name], rng)
