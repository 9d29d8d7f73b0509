"""From a STYLE to a score: the mood (mode, tempo, instruments) and the notes that realise it.

Warm, golden, pastel and nature styles lean major and slower; noir, night, neon and rain lean
minor; futuristic and neon bring arpeggiated synths and a beat; noir brings seventh chords.
A lead line sings over the chords, most in warm and gentle styles, least under a driving beat.
The score is plain data (note events), so what is played can be tested apart from how it sounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from server.engine.errors import NodeInputError

NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLATS = {"Db": "C#", "Eb": "D#", "Gb": "F#", "Ab": "G#", "Bb": "A#"}
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
PROGRESSIONS = {  # scale degrees from 0, one chord per bar
    "major": ((0, 4, 5, 3), (0, 5, 3, 4), (0, 3, 5, 4), (0, 3, 0, 4)),
    "minor": ((0, 5, 2, 6), (0, 3, 5, 4), (0, 6, 5, 6), (0, 5, 3, 4)),
}
MAJOR_KEYS = ("C", "D", "F", "G", "A", "A#")
MINOR_KEYS = ("A", "D", "E", "C", "F#", "G")


@dataclass(frozen=True)
class Mood:
    mode: str  # "major" | "minor"
    root: int  # pitch class, 0 = C
    tempo: float  # beats per minute
    progression: tuple[int, ...]
    sevenths: bool
    pad: str  # oscillator shape: "saw" (synth pad) | "soft" (triangle + sine)
    brightness: float  # 0..1, opens the pad filter
    arp: float  # 0..1 presence of the arpeggio
    bell: bool  # arpeggio as sparse bells instead of a synth pluck
    drums: float  # 0..1 presence of the beat
    lead: float  # 0..1 presence of the melody

    @property
    def key(self) -> str:
        return f"{NOTE_NAMES[self.root]} {self.mode}"


@dataclass(frozen=True)
class Note:
    time: float  # seconds
    length: float  # seconds held
    pitch: int  # MIDI
    velocity: float  # 0..1
    part: str  # "pad" | "bass" | "arp" | "lead" | "kick" | "snare" | "hat"


def parse_key(key: str) -> tuple[int | None, str | None]:
    """'auto' → (None, None); 'A minor', 'F#', 'Bb major', 'c#m' → (pitch class, mode or None)."""
    text = key.strip()
    if text.lower() in ("", "auto"):
        return None, None
    parts = text.replace("m", " minor", 1).split() if text.lower().endswith("m") and " " not in text else text.split()
    name = parts[0][0].upper() + parts[0][1:]
    name = FLATS.get(name, name)
    mode = parts[1].lower() if len(parts) > 1 else None
    if name not in NOTE_NAMES or mode not in (None, "major", "minor"):
        raise NodeInputError("key", f"cannot read key {key!r}; write e.g. 'auto', 'A minor', 'F# major' or 'Bb'")
    return NOTE_NAMES.index(name), mode


def mood_from_style(style: Any, scene: Any, rng: np.random.Generator, tempo: float, key: str) -> Mood:
    """The mood a style (and, when given, the scene's time of day and setting) asks for."""

    def ax(name: str) -> float:
        return float(style.axis(name, 0.0)) if style is not None else 0.0

    tags = {str(t).lower() for t in getattr(style, "tags", ())}
    settings = scene.settings if scene is not None else {}
    night = settings.get("time_of_day") in ("night", "dusk") or "night" in tags
    dark = ax("noir") + 0.6 * ax("night") + 0.4 * ax("neon") + 0.3 * ax("rain") + (0.4 if night else 0.0)
    bright = ax("warmth") + ax("golden_hour") + 0.8 * ax("pastel") + 0.4 * ax("nature")
    if settings.get("setting") in ("forest", "savanna", "beach", "mountain"):
        bright += 0.2
    root, mode = parse_key(key)
    mode = mode or ("major" if bright >= dark else "minor")
    if root is None:
        root = NOTE_NAMES.index(str(rng.choice(MAJOR_KEYS if mode == "major" else MINOR_KEYS)))
    synthetic = ax("neon") + ax("futuristic") + 0.5 * ax("night")
    organic = ax("nature") + ax("pastel") + ax("warmth")
    auto_tempo = (
        88 + 30 * ax("futuristic") + 12 * ax("neon") - 14 * ax("noir") - 10 * ax("golden_hour")
        - 8 * ax("nature") - 6 * ax("pastel") + float(rng.uniform(-3, 3))
    )  # fmt: skip
    return Mood(
        mode=mode,
        root=root,
        tempo=float(tempo) if tempo > 0 else float(np.clip(auto_tempo, 60, 132)),
        progression=PROGRESSIONS[mode][int(rng.integers(len(PROGRESSIONS[mode])))],
        sevenths=ax("noir") > 0.3 or "jazz" in tags,
        pad="saw" if synthetic > 0.8 * organic else "soft",
        brightness=float(np.clip(0.25 + 0.35 * (ax("neon") + ax("futuristic")) + 0.2 * ax("pastel"), 0, 1)),
        arp=float(np.clip(0.25 + 0.8 * ax("futuristic") + 0.4 * ax("neon") - 0.3 * ax("noir"), 0, 1)),
        bell=organic > synthetic,
        drums=float(np.clip(0.7 * ax("futuristic") + 0.4 * ax("neon") - 0.4 * ax("nature") - 0.3 * ax("noir"), 0, 1)),
        lead=float(np.clip(0.6 + 0.3 * (ax("warmth") + ax("pastel") + ax("noir")) - 0.4 * ax("futuristic"), 0, 1)),
    )


def chord(mood: Mood, degree: int) -> list[int]:
    """MIDI notes of the chord on ``degree``, voiced into the octave around middle C."""
    scale = SCALES[mood.mode]
    notes = []
    for k in range(4 if mood.sevenths else 3):
        step = degree + 2 * k
        pitch = mood.root + scale[step % 7] + 12 * (step // 7)
        if mood.mode == "minor" and degree == 4 and k == 1:
            pitch += 1  # the raised leading tone makes V a major chord: a real cadence
        notes.append(pitch)
    base = 48 + ((notes[0] - 48) % 12)
    return [base + (p - notes[0]) for p in notes]


def score(mood: Mood, duration: float, rng: np.random.Generator) -> list[Note]:
    """Every note of the piece: one chord per bar, bass, arpeggio and drums as the mood asks."""
    beat = 60.0 / mood.tempo
    bar = 4 * beat
    notes: list[Note] = []
    for b in range(math.ceil(duration / bar) + 1):
        t0 = b * bar
        tones = chord(mood, mood.progression[b % len(mood.progression)])
        notes += [Note(t0, bar, p, 0.7, "pad") for p in tones]
        bass = tones[0] - 12 if tones[0] - 12 >= 36 else tones[0]
        hits = 8 if mood.drums > 0.5 else 2
        notes += [Note(t0 + i * bar / hits, bar / hits * 0.9, bass, 0.8, "bass") for i in range(hits)]
        notes += arpeggio(mood, tones, t0, beat, rng)
        notes += drums(mood, t0, beat, rng)
    notes += melody(mood, duration, rng)
    return [n for n in notes if n.time < duration]


def arpeggio(mood: Mood, tones: list[int], t0: float, beat: float, rng: np.random.Generator) -> list[Note]:
    if mood.arp < 0.15:
        return []
    step = beat / 4 if mood.arp > 0.6 and not mood.bell else beat / 2
    up = [p + 12 for p in tones] + [p + 24 for p in tones]
    pattern = up + up[-2:0:-1]
    out = []
    for i in range(round(4 * beat / step)):
        if mood.bell and rng.random() > 0.45:
            continue
        out.append(Note(t0 + i * step, step * 2, pattern[i % len(pattern)], 0.5 + 0.3 * (i % 2 == 0), "arp"))
    return out


def drums(mood: Mood, t0: float, beat: float, rng: np.random.Generator) -> list[Note]:
    if mood.drums < 0.2:
        return []
    out = []
    kicks = range(4) if mood.drums > 0.7 else (0, 2)
    out += [Note(t0 + k * beat, 0.3, 36, 1.0, "kick") for k in kicks]
    if mood.drums > 0.45:
        out += [Note(t0 + k * beat, 0.2, 38, 0.7, "snare") for k in (1, 3)]
    out += [Note(t0 + i * beat / 2, 0.05, 42, 0.6 if i % 2 else 0.35, "hat") for i in range(8)]
    return out


LEAD_RANGE = (62, 84)  # D4..C6: above the pad, under the arpeggio's top
RHYTHMS = (  # one bar each, in beats; the slow ones suit slow tempi
    (1.0, 1.0, 2.0),
    (0.5, 0.5, 1.0, 2.0),
    (1.5, 0.5, 2.0),
    (2.0, 1.0, 1.0),
    (1.0, 0.5, 0.5, 1.0, 1.0),
    (3.0, 1.0),
)


def melody(mood: Mood, duration: float, rng: np.random.Generator) -> list[Note]:
    """A lead line in four-bar phrases: a two-bar rhythm, the same rhythm again in bar three,
    a held note to breathe in bar four. Strong beats land on the bar's chord tones, the notes
    between move by step through the scale, so the line follows the harmony it sits on.
    It enters after the first bar and leaves the last bar to the fade."""
    beat = 60.0 / mood.tempo
    bar = 4 * beat
    bars = int(duration / bar)
    if mood.lead < 0.2 or bars < 3:
        return []
    slow = mood.tempo < 84
    choices = [r for r in RHYTHMS if slow or len(r) > 2]
    notes: list[Note] = []
    pitch = _nearest(_chord_pcs(mood, mood.progression[1 % len(mood.progression)]), 72, rng)
    for b in range(1, bars - 1):
        place = (b - 1) % 4
        if place == 0:
            motif = [choices[int(rng.integers(len(choices)))] for _ in range(2)]
        rhythm = (4.0,) if place == 3 else motif[place % 2]
        pcs = _chord_pcs(mood, mood.progression[b % len(mood.progression)])
        at = 0.0
        for length in rhythm:
            strong = at in (0.0, 2.0)
            pitch = _nearest(pcs, pitch, rng) if strong else _step(mood, pitch, rng)
            held = length * (0.5 if place == 3 else 0.92)  # the phrase's last note breathes
            accent = 0.75 if at == 0.0 else 0.6
            notes.append(Note(b * bar + at * beat, held * beat, pitch, accent * (0.6 + 0.4 * mood.lead), "lead"))
            at += length
    return notes


def _chord_pcs(mood: Mood, degree: int) -> set[int]:
    return {p % 12 for p in chord(mood, degree)}


def _nearest(pcs: set[int], previous: int, rng: np.random.Generator) -> int:
    """The chord tone nearest the previous note (a near tie goes either way), inside the lead's range."""
    low, high = LEAD_RANGE
    candidates = sorted(
        (abs(p - previous) + float(rng.uniform(0, 0.5)), p) for p in range(low, high + 1) if p % 12 in pcs
    )
    return candidates[0][1]


def _step(mood: Mood, previous: int, rng: np.random.Generator) -> int:
    """A scale step up or down from the previous note, turning back at the range's edges."""
    scale = {(mood.root + s) % 12 for s in SCALES[mood.mode]}
    low, high = LEAD_RANGE
    direction = 1 if rng.random() < 0.5 else -1
    if previous + 2 > high:
        direction = -1
    elif previous - 2 < low:
        direction = 1
    pitch = previous + direction
    while pitch % 12 not in scale:
        pitch += direction
    return pitch
