"""Mouth shapes for a speaking figure: how open the mouth is (0 shut … 1 wide) and when.

From eSpeak NG's phoneme events when the speech is ours (exact timing, per phoneme), else
from the sound's loudness envelope (a file, a VITS voice): loud syllables open the mouth.
Both give ``viseme`` TIMELINE events: ``data.open`` (0..1) and, from eSpeak, ``phoneme``.
"""

from __future__ import annotations

import numpy as np

from nodes.datatypes import TimelineEvent

# eSpeak's ASCII phoneme mnemonics (stress marks stripped) → mouth opening
OPEN_VOWELS = ("a", "A", "aI", "aU", "O", "0", "V", "&")
MID_VOWELS = ("e", "E", "3", "@", "o", "oU", "OI", "eI", "e@")
CLOSE_VOWELS = ("i", "I", "u", "U", "i@", "U@", "j", "w")
LIPS_SHUT = ("m", "b", "p")
LIPS_TEETH = ("f", "v")
ENVELOPE_RATE = 25.0  # mouth updates per second when following the envelope


def openness(phoneme: str) -> float:
    """How open the mouth is for one eSpeak phoneme (pauses and unknown sounds: closed or half)."""
    p = phoneme.strip("'\",%=:").strip()
    if not p or p.startswith("_"):
        return 0.0
    if p in LIPS_SHUT:
        return 0.0
    if p in LIPS_TEETH:
        return 0.15
    if p in OPEN_VOWELS or p[0] in "aAO":
        return 1.0
    if p in MID_VOWELS or p[0] in "eE3@o":
        return 0.6
    if p in CLOSE_VOWELS or p[0] in "iIuU":
        return 0.35
    return 0.25  # other consonants: the jaw half closed


def from_phonemes(phonemes: list[tuple[int, str]], rate: int, offset: float) -> list[TimelineEvent]:
    """One event per phoneme at its sample position (seconds after ``offset``)."""
    events = [
        TimelineEvent(offset + sample / rate, "viseme", None, {"phoneme": name, "open": openness(name)})
        for sample, name in phonemes
    ]
    if events and events[-1].data["open"] > 0:
        end = offset + max(s for s, _ in phonemes) / rate + 0.08
        events.append(TimelineEvent(end, "viseme", None, {"phoneme": "_", "open": 0.0}))
    return events


def from_envelope(samples: np.ndarray, rate: int, offset: float) -> list[TimelineEvent]:
    """Events at ``ENVELOPE_RATE`` Hz: the RMS level of each slice (−40 dB … peak) as openness."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    hop = max(1, int(rate / ENVELOPE_RATE))
    n = len(mono) // hop
    if n == 0:
        return []
    rms = np.sqrt(np.mean(mono[: n * hop].reshape(n, hop).astype(np.float64) ** 2, axis=1))
    db = 20 * np.log10(np.maximum(rms, 1e-6) / max(float(rms.max()), 1e-6))
    level = np.clip((db + 40.0) / 40.0, 0.0, 1.0)
    return [
        TimelineEvent(offset + k * hop / rate, "viseme", None, {"open": round(float(v), 3)})
        for k, v in enumerate(level)
    ]


def mouth_track(events: list[TimelineEvent], times: np.ndarray) -> np.ndarray:
    """Openness at ``times``: each viseme held until the next, eased over 40 ms so lips do not snap."""
    visemes = sorted((e.time, float(e.data.get("open", 0.0))) for e in events if e.kind == "viseme")
    if not visemes:
        return np.zeros_like(times)
    at = np.array([t for t, _ in visemes])
    value = np.array([v for _, v in visemes])
    k = np.searchsorted(at, times, side="right") - 1
    now = np.where(k >= 0, value[np.maximum(k, 0)], 0.0)
    before = np.where(k >= 1, value[np.maximum(k - 1, 0)], 0.0)
    blend = np.clip((times - at[np.maximum(k, 0)]) / 0.04, 0.0, 1.0)
    return np.where(k >= 0, before + (now - before) * blend, 0.0)
