"""The synthetic prompt grammar: objects × colours × motions × settings × times of day.

A caption names one attribute of each kind ("a red car moving left in a city at night"), so a
clip's labels can be read back from its caption. Compositions (object, colour, motion) are
split so that every pair of attributes is seen in training but some triples never are: the
held-out split asks the generator for combinations it has only seen in parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "object": ("car", "ball", "bird", "boat"),
    "colour": ("red", "green", "blue", "yellow"),
    "motion": ("left", "right", "up", "down"),
    "setting": ("city", "field", "beach"),
    "time": ("day", "night"),
}
# The attributes the evaluator reads back from a clip (time of day is in the picture but not scored).
SCORED = ("object", "colour", "motion", "setting")
WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Composition:
    """One caption's attributes."""

    object: str
    colour: str
    motion: str
    setting: str
    time: str

    @property
    def caption(self) -> str:
        return f"a {self.colour} {self.object} moving {self.motion} in a {self.setting} at {self.time}"

    def label(self, kind: str) -> int:
        return ATTRIBUTES[kind].index(getattr(self, kind))


def held_out(obj: str, colour: str, motion: str) -> bool:
    """A Latin-square split: a quarter of the (object, colour, motion) triples are held out,
    yet every pair of them appears in training with the other two values of the third."""
    o = ATTRIBUTES["object"].index(obj)
    c = ATTRIBUTES["colour"].index(colour)
    m = ATTRIBUTES["motion"].index(motion)
    return (o + c + m) % 4 == 0


def triples(split: str) -> list[tuple[str, str, str]]:
    """The (object, colour, motion) triples of ``split`` ('train' or 'heldout'), in a fixed order."""
    out = []
    for o in ATTRIBUTES["object"]:
        for c in ATTRIBUTES["colour"]:
            for m in ATTRIBUTES["motion"]:
                if held_out(o, c, m) == (split == "heldout"):
                    out.append((o, c, m))
    return out


def parse_caption(caption: str) -> Composition | None:
    """The composition a grammar caption names, or None for free text (e.g. a folder's captions)."""
    words = set(WORD.findall(caption.lower()))
    found = {}
    for kind, values in ATTRIBUTES.items():
        hits = [v for v in values if v in words]
        if len(hits) != 1:
            return None
        found[kind] = hits[0]
    return Composition(**found)


def vocabulary() -> list[str]:
    """Every word the grammar can produce, so a synthetic model knows all of them from step 0."""
    words: set[str] = {"a", "moving", "in", "at"}
    for values in ATTRIBUTES.values():
        words.update(values)
    return sorted(words)
