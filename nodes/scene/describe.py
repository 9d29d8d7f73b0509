"""Words back from the graph: noun phrases, actions and per-shot prompts for diffusion models.

The per-shot prompt is composed from the scene graph, not copied from the user's sentence,
so that every shot carries the subject's look, the place, the time and the light even when
its sentence does not repeat them ("She walks confidently" -> "... stylish woman in a black
leather jacket ... walking confidently down a wet Tokyo street ... at night, neon lighting").
"""

from __future__ import annotations

import re

from nodes.text import lexicon

from .model import Scene

ORDER = {"size": 0, "state": 1, "style": 2, "shape": 3, "light": 4, "colour": 5, "material": 6}
NUMBER_NAMES = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}
_CVC = re.compile(r"^[^aeiou]*[aeiou][^aeiouwxy]$")


def ing_form(verb: str) -> str:
    """walk -> walking, run -> running, ride -> riding, lie -> lying."""
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"
    if _CVC.match(verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun if noun.endswith("s") else noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def noun_phrase(scene: Scene, eid: str, *, article: bool = True, with_place: bool = True) -> str:
    """'a stylish woman', 'many flying cars', 'a wet Tokyo street'."""
    e = scene.entity(eid)
    attrs = sorted(scene.attributes(eid), key=lambda a: ORDER.get(a["category"], 9))
    words = [a["value"] for a in attrs]
    if with_place:
        names = e.get("place_names") or []
        if not names and e["label"] == scene.settings.get("location"):
            names = scene.settings.get("place_names", [])[:1]  # "a busy intersection in Tokyo" -> Tokyo
        words += names
    label = e["label"]
    count = int(e.get("count", 1))
    if count > 1 and not label.endswith("s") and label not in ("people", "deer", "sheep", "fish"):
        label = plural(label)
    pair = e.get("name", "") in lexicon.PAIR_NOUNS
    if pair:
        label = e["name"]
    head = " ".join(words + [label])
    if not article or pair:
        return head
    if count > 1:
        return f"{NUMBER_NAMES.get(count, 'many')} {head}"
    return f"{'an' if head[:1].lower() in 'aeiou' else 'a'} {head}"


def worn_items(scene: Scene, eid: str, limit: int = 4) -> list[str]:
    return [
        noun_phrase(scene, target, with_place=False)
        for _, target, data in scene.graph.out_edges(eid, data=True)
        if data.get("kind") == "wear"
    ][:limit]


def join_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def subject_description(scene: Scene, eid: str) -> str:
    phrase = noun_phrase(scene, eid)
    worn = worn_items(scene, eid)
    return f"{phrase} wearing {join_list(worn)}" if worn else phrase


def action_phrase(scene: Scene, eid: str, sentence: int | None) -> str:
    """'walking confidently down a wet Tokyo street' from the subject's motion or relations."""
    e = scene.entity(eid)
    motions = e.get("motions", [])
    motion = next((m for m in motions if m.get("sentence") == sentence), motions[0] if motions else None)
    if motion:
        words = [ing_form(motion["verb"])] + list(motion.get("manner", []))[:1]
        if motion.get("path_prep") and motion.get("path_target") in scene.graph:
            words += [motion["path_prep"], noun_phrase(scene, motion["path_target"])]
        return " ".join(words)
    for _, target, data in scene.graph.out_edges(eid, data=True):
        if data.get("kind") == "action" and data.get("verb"):
            return f"{ing_form(data['verb'])} {noun_phrase(scene, target, with_place=False)}"
    return ""


def place_phrase(scene: Scene, subject: str | None) -> str:
    s = scene.settings
    location = scene.find(s["location"]) if s.get("location") else None
    if not location or location == subject:
        return ""
    e = scene.entity(location)
    on = "on" if e["label"] in ("street", "road", "highway", "beach", "bridge", "stage", "field") else "in"
    return f"{on} {noun_phrase(scene, location)}"


def context_phrase(scene: Scene) -> str:
    s = scene.settings
    parts = []
    time = s.get("time_of_day")
    if time:
        parts.append({"day": "in daylight"}.get(time, f"at {time}"))
    light = [w for w in s.get("lighting", []) if w not in ("night", "daylight")]
    if light:
        parts.append(" ".join(light) + " lighting")
    parts += [w for w in s.get("weather", [])]
    if s.get("crowd_density", 0) >= 0.5:
        parts.append("busy crowd")
    said = " ".join(parts)
    parts += [t for t in s.get("style_tags", []) if t not in said and t.rstrip("y") not in said]
    return ", ".join(p for p in parts if p.strip())
