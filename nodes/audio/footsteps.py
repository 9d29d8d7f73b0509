"""Footsteps: short heel+toe transients shaped by the ground, placed sample-accurately on the
TIMELINE's foot contacts so that what you hear lands on the frame where the foot lands.

Each step is drawn from a handful of pre-rendered variants per surface (different noise,
slightly different band), so a walk never sounds like one sample on repeat, yet rendering
hundreds of steps costs only array additions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nodes.datatypes import TimelineEvent

from .canvas import Canvas
from .cues import SURFACES, SoundPlan
from .dsp import add_at, decay, filt, gain, pan_gains, white

VARIANTS = 6
STEP_SECONDS = 0.4
STEPS_PER_SECOND = {"still": 0.0, "slow": 1.5, "walk": 1.9, "run": 2.9, "fast": 3.2}


@dataclass(frozen=True)
class Ground:
    band: tuple[float, float]  # heel noise band (Hz)
    tau: float  # heel noise decay (s)
    thump_hz: float  # low body of the heel strike; 0 = none
    thump: float
    toe: float  # toe-off level relative to the heel
    grit: float  # 0..1 granular crunch (gravel, snow, leaves)
    splash: float  # wet splash level
    ring: tuple[float, ...] = ()  # board resonances (wood)


GROUNDS = {
    "concrete": Ground((350, 5000), 0.016, 95, 0.5, 0.55, 0.0, 0.0),
    "wet": Ground((300, 4500), 0.018, 90, 0.45, 0.5, 0.0, 0.7),
    "gravel": Ground((700, 7000), 0.045, 80, 0.25, 0.7, 1.0, 0.0),
    "wood": Ground((250, 3000), 0.02, 140, 0.7, 0.5, 0.0, 0.0, ring=(180.0, 410.0, 760.0)),
    "grass": Ground((1200, 7000), 0.05, 0, 0.0, 0.6, 0.6, 0.0),
    "sand": Ground((250, 2000), 0.045, 70, 0.3, 0.4, 0.5, 0.0),
    "snow": Ground((400, 3500), 0.06, 60, 0.2, 0.6, 0.9, 0.0),
    "dirt": Ground((200, 2500), 0.028, 75, 0.45, 0.5, 0.3, 0.0),
    "paw": Ground((150, 1200), 0.02, 70, 0.5, 0.0, 0.2, 0.0),
}
assert set(SURFACES) <= set(GROUNDS)


def burst(rng: np.random.Generator, n: int, sr: int, g: Ground, tau: float, shift: float) -> np.ndarray:
    """One contact: band-passed noise with a 1 ms attack, roughened into grains for loose ground."""
    noise = white(rng, n)
    if g.grit:
        grains = (rng.random(n, dtype=np.float32) < 0.03).astype(np.float32) * rng.random(n, dtype=np.float32) * 6
        noise = noise * (1 - g.grit) + grains * noise * g.grit
    lo, hi = g.band
    return filt(noise * decay(n, sr, tau, attack_s=0.001), "bandpass", (lo * shift, hi * shift), sr)


def step_kernel(rng: np.random.Generator, sr: int, g: Ground, toe_delay: float) -> np.ndarray:
    """A whole step, peak 1: heel strike (+ thump, board ring, splash) then a softer toe-off."""
    n = int(STEP_SECONDS * sr)
    t = np.arange(n, dtype=np.float32) / np.float32(sr)
    shift = float(rng.uniform(0.85, 1.15))
    out = burst(rng, n, sr, g, g.tau, shift)
    if g.thump:
        out += g.thump * np.sin(2 * math.pi * g.thump_hz * shift * t) * decay(n, sr, 0.025, attack_s=0.002)
    for f in g.ring:
        out += 0.25 * np.sin(2 * math.pi * f * shift * t + rng.uniform(0, 6.28)) * decay(n, sr, 0.05, 0.001)
    if g.splash:
        wet = filt(white(rng, n) * decay(n, sr, 0.07, attack_s=0.004), "highpass", 2500, sr)
        out += g.splash * wet
    if g.toe:
        d = int(toe_delay * sr)
        toe = burst(rng, n - d, sr, g, g.tau * 0.7, shift * 1.1) * g.toe
        out[d:] += toe
    return (out / max(float(np.abs(out).max()), 1e-9)).astype(np.float32)


def event_pan(event: TimelineEvent) -> float:
    """Pan from the event's data: ``pan`` in [-1, 1], or ``x`` as a fraction of frame width."""
    data = event.data or {}
    if isinstance(data.get("pan"), (int, float)):
        return float(data["pan"])
    if isinstance(data.get("x"), (int, float)):
        return 2.0 * float(data["x"]) - 1.0
    return 0.0


def cadence(plan: SoundPlan, duration: float, rng: np.random.Generator) -> list[TimelineEvent]:
    """Foot contacts for the scene's walkers when no TIMELINE is connected: a steady gait."""
    events = []
    for w in plan.walkers[:3]:
        rate = STEPS_PER_SECOND.get(w.speed, 1.9)
        if rate <= 0:
            continue
        start = float(rng.uniform(0.1, 0.1 + 1 / rate))
        times = start + np.arange(int((duration - start) * rate) + 1) / rate
        times += rng.normal(0, 0.006, size=len(times))
        for i, t in enumerate(times):
            if 0 <= t < duration:
                events.append(TimelineEvent(float(t), "footstep", w.entity, {"foot": "left" if i % 2 else "right"}))
    return events


def base_entity(entity: str | None) -> str:
    """Scene entity id of a timeline actor: crowd members are '<entity>.<k>'."""
    return (entity or "").split(".")[0]


def step_level(ev: TimelineEvent, plan: SoundPlan, main: str | None, rng: np.random.Generator) -> float:
    """Peak dBFS of one step: from the renderer's on-screen ``gain`` (0..1) when it gives one,
    else by salience (the main walker loudest); ±1 dB of human unevenness either way."""
    data = ev.data or {}
    if isinstance(data.get("gain"), (int, float)) and data["gain"] > 0:
        level = -8.0 + 12.0 * math.log10(min(float(data["gain"]), 1.0))
    else:
        level = -8.0 if base_entity(ev.entity) in (main, "") else -15.0
    if data.get("gait") in ("stalk", "creep", "sneak"):
        level -= 6.0
    return level + float(rng.normal(0, 1.0))


LEAD_CLEARANCE = (0.035, 0.01)  # s before and after a lead step in which crowd steps are left out


def clear_for_lead(events: list[TimelineEvent], main: str | None) -> list[TimelineEvent]:
    """Leave out crowd steps that land just before or on the lead walker's steps, as a foley
    editor clears the lead's track: a quieter step a few milliseconds earlier would blur the
    lead's attack, and with a crowd of twenty that happens to several steps in ten seconds."""
    if main is None:
        return events
    lead = np.array(sorted(e.time for e in events if e.entity == main))
    if lead.size == 0:
        return events
    before, after = LEAD_CLEARANCE

    def masks(ev: TimelineEvent) -> bool:
        if "." not in (ev.entity or ""):
            return False
        k = int(np.searchsorted(lead, ev.time - after))
        return k < lead.size and lead[k] - before <= ev.time <= lead[k] + after

    return [e for e in events if not masks(e)]


def footsteps(
    c: Canvas, rng: np.random.Generator, plan: SoundPlan, events: list[TimelineEvent], gain_db: float = 0.0
) -> None:
    """Draw every footstep event onto the full-rate bus (peak about -8 dBFS + ``gain_db`` for the main walker)."""
    kernels: dict[str, list[np.ndarray]] = {}
    walkers = {base_entity(e.entity) for e in events} & set(plan.entities)
    main = max(walkers, key=lambda eid: plan.entities[eid]["salience"], default=None)
    events = clear_for_lead(events, main)
    for ev in sorted(events, key=lambda e: (e.time, e.entity or "")):
        data = ev.data or {}
        kind = plan.entities.get(base_entity(ev.entity), {}).get("type")
        ground = data.get("surface") if data.get("surface") in GROUNDS else plan.surface
        ground = "paw" if kind == "animal" or "limb" in data else ground
        if ground not in kernels:
            toe = 0.07 if ground != "paw" else 0.05
            kernels[ground] = [step_kernel(rng, c.sr, GROUNDS[ground], toe + 0.01 * i) for i in range(VARIANTS)]
        right = data.get("foot") == "right"
        variant = kernels[ground][int(rng.integers(VARIANTS // 2)) * 2 + right]
        gl, gr = pan_gains(event_pan(ev) + (0.04 if right else -0.04))
        start = round(ev.time * c.sr)
        clip = variant * np.float32(gain(step_level(ev, plan, main, rng) + gain_db))
        add_at(c.full[:, 0], clip * np.float32(gl), start)
        add_at(c.full[:, 1], clip * np.float32(gr), start)
