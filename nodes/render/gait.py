"""Leg cycles for walking things: one phase drives the feet, the pose and the footsteps.

The cycle phase is distance travelled divided by the stride, so planted feet do not slide
and a footstep is exactly the moment a foot comes down. A leg's own phase ``q`` (cycle
phase minus the leg's contact offset) runs a stance half (foot planted while the body passes
over it) and a swing half (foot lifted and carried forward). The foot touches down at
``q = 0``; that is the contact the timeline reports. Knees are placed by two-bone inverse
kinematics from hip to foot in the drawing modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BIPED_CONTACTS: dict[str, float] = {"left": 0.0, "right": 0.5}
# Lateral-sequence walk: left hind, left fore, right hind, right fore.
QUADRUPED_CONTACTS: dict[str, float] = {
    "left_hind": 0.0,
    "left_front": 0.25,
    "right_hind": 0.5,
    "right_front": 0.75,
}

# Per gait: stride (metres per full cycle) per metre of leg length, foot lift per metre of leg.
GAITS: dict[str, tuple[float, float]] = {
    "walk": (1.55, 0.14),
    "stalk": (1.0, 0.08),
    "run": (2.8, 0.3),
}


@dataclass(frozen=True)
class Foot:
    forward: float  # metres ahead of the hip along the heading
    lift: float  # metres above the ground


def stride_length(gait: str, leg: float) -> float:
    return GAITS.get(gait, GAITS["walk"])[0] * leg


def leg_phase(phase: float, offset: float) -> float:
    return (phase - offset) % 1.0


def foot_at(q: float, stride: float, lift: float) -> Foot:
    """Where a foot is at leg phase ``q`` relative to the hip."""
    reach = stride / 4.0
    if q < 0.5:
        return Foot(reach * (1.0 - 4.0 * q), 0.0)
    u = (q - 0.5) / 0.5
    return Foot(-reach + 2.0 * reach * u * u * (3.0 - 2.0 * u), lift * float(np.sin(np.pi * u)))


def feet(phase: float, offsets: dict[str, float], stride: float, leg: float, gait: str) -> tuple[float, dict]:
    """Hip height and every foot at cycle ``phase``.

    The hip rides on the planted feet like an inverted pendulum, which gives the body its bob.
    """
    lift = GAITS.get(gait, GAITS["walk"])[1] * leg
    out = {k: foot_at(leg_phase(phase, off), stride, lift) for k, off in offsets.items()}
    planted = [f.forward for f in out.values() if f.lift == 0.0] or [stride / 4.0]
    reach = max(abs(x) for x in planted)
    hip = float(np.sqrt(max(leg * leg - reach * reach, 0.25 * leg * leg)))
    return hip, out


def contact_times(phase0: float, cycles_per_s: float, t0: float, t1: float, offset: float) -> np.ndarray:
    """Times in ``[t0, t1)`` when a leg with contact ``offset`` touches down.

    The cycle phase is ``phase0 + cycles_per_s * t``; a contact is where it crosses ``offset + k``.
    """
    if cycles_per_s <= 0 or t1 <= t0:
        return np.zeros(0)
    k0 = np.ceil(phase0 + cycles_per_s * t0 - offset)
    k1 = np.ceil(phase0 + cycles_per_s * t1 - offset)
    ks = np.arange(k0, k1)
    return (ks + offset - phase0) / cycles_per_s


def feet_batch(phase: np.ndarray, offset: float, stride: np.ndarray, lift: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`foot_at` for many walkers at once: (forward, lift) arrays."""
    q = (phase - offset) % 1.0
    reach = stride / 4.0
    u = np.clip((q - 0.5) / 0.5, 0.0, 1.0)
    stance = q < 0.5
    forward = np.where(stance, reach * (1.0 - 4.0 * q), -reach + 2.0 * reach * u * u * (3.0 - 2.0 * u))
    return forward, np.where(stance, 0.0, lift * np.sin(np.pi * u))


def lift_height(gait: str, leg: float) -> float:
    return GAITS.get(gait, GAITS["walk"])[1] * leg
