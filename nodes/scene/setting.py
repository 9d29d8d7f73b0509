"""The scene node's settings: where, when, weather, light, crowd, style and sound.

Explicit words win ("at sunset" is sunset); otherwise the scene is inferred from cues and
says so (``time_of_day_source: "inferred"``): glowing neon signs suggest night.
"""

from __future__ import annotations

from typing import Any

from nodes.text import lexicon
from nodes.text.doc import Doc

from . import vocab
from .entities import EntityInfo, Resolution
from .facts import Relation


def _ordered(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def scene_settings(doc: Doc, res: Resolution, relations: list[Relation], salience: dict[str, float]) -> dict[str, Any]:
    words = [t.text.lower() for t in doc.tokens]
    lemmas = [t.lemma.lower() for t in doc.tokens]
    vocabulary = set(words) | set(lemmas)
    location, setting = _location(doc, res, relations, salience, lemmas)
    time_of_day, source = _time_of_day(doc, vocabulary)
    weather = _weather(doc)
    lighting = _lighting(res, vocabulary, time_of_day)
    crowd = _crowd(res, salience, vocabulary)
    return {
        "setting": setting,
        "location": location,
        "place_names": _place_names(doc, res),
        "time_of_day": time_of_day,
        "time_of_day_source": source,
        "weather": weather,
        "lighting": lighting,
        "crowd_density": crowd,
        "style_tags": _style_tags(vocabulary, weather, lighting, time_of_day, setting),
        "audio_cues": _audio(res, vocabulary, weather, crowd, setting),
    }


def _location(
    doc: Doc, res: Resolution, relations: list[Relation], salience: dict[str, float], lemmas: list[str]
) -> tuple[str | None, str]:
    main = max(salience, key=salience.get) if salience else None
    scores: dict[str, float] = {}
    for e in res.entities.values():
        if e.type != "place" and e.lemma not in lexicon.SETTING_OF_PLACE:
            continue
        score = 1.0 + 0.3 * len(e.mentions) + (0.5 if e.sentence == 0 else 0.0)
        score += sum(1.5 if r.source == main else 0.5 for r in relations if r.target == e.id and r.kind == "spatial")
        # a place inside another ("a waterfall in a jungle"): the container is the location
        score -= sum(
            1.0
            for r in relations
            if r.source == e.id
            and r.kind == "spatial"
            and r.prep in ("in", "inside", "within", "on", "at")
            and res.entities[r.target].type == "place"
        )
        score += sum(2.0 for m in res.entities[main].motions if m.get("path_target") == e.id) if main else 0.0
        if any(doc.tokens[m.token].dep == "ROOT" for m in e.mentions):
            score += 2.0
        scores[e.id] = score
    if scores:
        best = res.entities[max(scores, key=scores.get)]
        setting = lexicon.SETTING_OF_PLACE.get(best.lemma) or _setting_from_words(lemmas)
        return best.lemma, setting
    return None, _setting_from_words(lemmas)


def _setting_from_words(lemmas: list[str]) -> str:
    for lemma in lemmas:
        if lemma in lexicon.SETTING_OF_PLACE:
            return lexicon.SETTING_OF_PLACE[lemma]
    hints = {
        "wave": "beach",
        "lighthouse": "beach",
        "tree": "forest",
        "building": "city_street",
        "car": "city_street",
        "skyscraper": "skyline",
        "snow": "snowfield",
        "dune": "desert",
        "cloud": "sky",
        "star": "space",
        "fish": "underwater",
        "boat": "lake",
    }
    return next((hints[lemma] for lemma in lemmas if lemma in hints), "generic")


def _place_names(doc: Doc, res: Resolution) -> list[str]:
    names = [p for e in res.entities.values() for p in e.place_names]
    names += [t.text for t in doc.tokens if t.pos == "PROPN" and (t.text in lexicon.PLACE_NAMES or t.ent == "GPE")]
    return _ordered(names)


def _time_of_day(doc: Doc, vocabulary: set[str]) -> tuple[str | None, str | None]:
    text = " ".join(t.text.lower() for t in doc.tokens)
    for phrase, time in lexicon.TIME_WORDS.items():
        if " " in phrase and phrase in text:
            return time, "text"
    for t in doc.tokens:
        time = lexicon.TIME_WORDS.get(t.lemma.lower()) or lexicon.TIME_WORDS.get(t.text.lower())
        if time and t.pos in ("NOUN", "PROPN", "ADV"):
            return time, "text"
    if vocabulary & vocab.NIGHT_CUES:
        return "night", "inferred"
    if vocabulary & vocab.DAY_CUES:
        return "day", "inferred"
    return None, None


def _weather(doc: Doc) -> list[str]:
    found = []
    for t in doc.tokens:
        w = t.text.lower()
        lemma = t.lemma.lower()
        if t.pos in ("NOUN", "PROPN") and (lemma in lexicon.WEATHER_NOUNS or w in lexicon.WEATHER_NOUNS):
            found.append(lexicon.WEATHER_NOUNS.get(lemma) or lexicon.WEATHER_NOUNS[w])
        elif t.pos == "ADJ" and w in lexicon.WEATHER_ADJECTIVES:
            found.append(lexicon.WEATHER_ADJECTIVES[w])
        elif (
            t.pos == "VERB"
            and lemma in lexicon.WEATHER_VERBS
            and not any(c.dep in ("dobj",) for c in doc.children(t.i))
        ):
            found.append(lexicon.WEATHER_VERBS[lemma])
    return _ordered(found)


def _lighting(res: Resolution, vocabulary: set[str], time_of_day: str | None) -> list[str]:
    out = []
    if "neon" in vocabulary:
        out.append("neon")
    for e in res.entities.values():
        if e.type == "light":
            out += [a.value for a in e.attrs if a.category in ("light", "colour") and a.value in lexicon.LIGHT_WORDS]
    for word in ("moonlight", "candlelight", "sunlight", "firelight", "lamplight", "spotlight"):
        if word in vocabulary:
            out.append(word)
    if vocabulary & {"cold", "cool", "icy"}:
        out.append("cool")
    out += {
        "sunset": ["golden"],
        "dawn": ["golden"],
        "night": ["night"],
        "dusk": ["twilight"],
        "day": ["daylight"],
    }.get(time_of_day or "", [])
    return _ordered(out)


def _crowd(res: Resolution, salience: dict[str, float], vocabulary: set[str]) -> float:
    main = max(salience, key=salience.get) if salience else None
    people = sum(e.count for e in res.entities.values() if e.type == "person" and e.id != main)
    density = min(1.0, people / 30.0)
    if vocabulary & {"crowd", "crowded", "busy", "bustling", "packed", "throng", "lots"}:
        density = max(density, 0.7)
    elif vocabulary & vocab.EMPTY_WORDS:
        density = min(density, 0.1)
    return round(density, 3)


def _style_tags(
    vocabulary: set[str], weather: list[str], lighting: list[str], time: str | None, setting: str
) -> list[str]:
    tags = sorted(vocabulary & lexicon.STYLE_WORDS)
    if "neon" in lighting:
        tags.append("neon")
    if "rain" in weather:
        tags.append("rainy")
    if time == "night" and setting in ("city_street", "skyline"):
        tags.append("night city")
    if time in ("sunset", "dawn"):
        tags.append("golden hour")
    return _ordered(tags)


def _audio(res: Resolution, vocabulary: set[str], weather: list[str], crowd: float, setting: str) -> list[str]:
    cues = [w for w in ("rain", "wind") if w in weather]
    if "storm" in weather:
        cues.append("thunder")
    walkers = [e for e in res.entities.values() if e.type in ("person", "animal")]
    if any(m["verb"] in vocab.FOOTSTEP_VERBS or m["speed"] in ("walk", "run") for e in walkers for m in e.motions):
        cues.append("footsteps")
    people = sum(e.count for e in res.entities.values() if e.type == "person")
    if people >= vocab.CROWD_AUDIO_THRESHOLD or crowd >= 0.5:
        cues.append("crowd")
    cues += [cue for cue, words in vocab.AUDIO_WORDS.items() if vocabulary & words]
    cues += vocab.AMBIENCE_OF_SETTING.get(setting, [])
    return _ordered(cues)


def entity_weights(e: EntityInfo) -> float:
    return {
        "person": 1.0,
        "animal": 0.95,
        "bird": 0.6,
        "vehicle": 0.7,
        "structure": 0.5,
        "place": 0.35,
        "light": 0.45,
        "object": 0.45,
        "plant": 0.35,
        "clothing": 0.3,
    }.get(e.type, 0.4)
