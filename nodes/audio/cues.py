"""From a scene graph to a sound plan: which effect layers to play, how strong, and on what ground.

The scene names some sounds outright (``audio_cues``); the rest is inferred from the setting,
weather, lighting, crowd and the entities and their motions. Missing optional fields are
treated as absent, because the scene producers fill them unevenly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from server.engine.errors import NodeInputError

CUES = (
    "rain", "thunder", "footsteps", "crowd", "city", "neon", "wind",
    "waves", "birds", "insects", "engine", "water", "fire", "animal",
)  # fmt: skip

ALIASES = {
    "footstep": "footsteps", "steps": "footsteps", "walking": "footsteps", "walk": "footsteps",
    "people": "crowd", "chatter": "crowd", "murmur": "crowd", "voices": "crowd",
    "traffic": "city", "street": "city", "urban": "city", "hum": "city",
    "buzz": "neon", "neon_buzz": "neon", "sign": "neon",
    "breeze": "wind", "gust": "wind", "gusts": "wind",
    "ocean": "waves", "sea": "waves", "surf": "waves", "wave": "waves",
    "bird": "birds", "birdsong": "birds", "gulls": "birds", "seagulls": "birds",
    "car": "engine", "cars": "engine", "motor": "engine", "vehicle": "engine", "engines": "engine",
    "storm": "thunder", "crickets": "insects", "cicadas": "insects",
    "stream": "water", "river": "water", "fountain": "water", "waterfall": "water",
    "crackle": "fire", "campfire": "fire",
    "roar": "animal", "growl": "animal", "lion": "animal",
}  # fmt: skip

SURFACES = ("concrete", "wet", "gravel", "wood", "grass", "sand", "snow", "dirt")
SETTING_SURFACE = {
    "city_street": "concrete", "skyline": "concrete", "interior": "wood", "forest": "grass",
    "savanna": "dirt", "beach": "sand", "mountain": "gravel", "generic": "concrete",
}  # fmt: skip
WALK_VERBS = {
    "walk", "stroll", "run", "jog", "stride", "wander", "march", "hike", "step", "pace",
    "stalk", "sprint", "dash", "trot", "amble", "saunter", "strut", "stomp", "creep",
}  # fmt: skip
ANIMAL_VOICE_VERBS = {"roar", "growl", "snarl", "howl", "bark"}
WATER_WORDS = {"river", "stream", "fountain", "waterfall", "creek", "brook"}
SEA_WORDS = {"ocean", "sea", "wave", "surf", "shore"}
FIRE_WORDS = {"fire", "campfire", "bonfire", "fireplace", "torch", "candle"}


@dataclass(frozen=True)
class Walker:
    """An entity whose steps we hear: ``speed`` is one of the scene's SPEEDS."""

    entity: str
    type: str
    speed: str
    salience: float


@dataclass(frozen=True)
class SoundPlan:
    cues: tuple[str, ...]
    setting: str = "generic"
    time_of_day: str | None = None
    rain: float = 0.6  # intensity 0..1
    wind: float = 0.5
    crowd: float = 0.0
    surface: str = "concrete"
    walkers: tuple[Walker, ...] = ()
    vehicles: tuple[tuple[str, bool], ...] = ()  # (entity id, moving)
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → {"type", "salience"}
    ignored: tuple[str, ...] = ()  # cues the scene named that no layer synthesises

    @property
    def night(self) -> bool:
        return self.time_of_day in ("night", "dusk")


def canonical(word: str) -> str | None:
    w = word.strip().lower().replace(" ", "_").replace("-", "_")
    w = ALIASES.get(w, w)
    return w if w in CUES else None


def _words(values: Any) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [str(v).lower() for v in (values or []) if v]


def _intensity(weather: list[str]) -> float:
    text = " ".join(weather)
    if re.search(r"heavy|downpour|storm|pour|torrential", text):
        return 0.9
    if re.search(r"drizzle|light|mist|sprinkl", text):
        return 0.35
    return 0.6


def infer_cues(settings: dict[str, Any], entities: list[tuple[str, dict[str, Any]]]) -> tuple[set[str], list[str]]:
    """Cues the scene implies, plus the named cues nothing synthesises (to be logged, not fatal)."""
    cues: set[str] = set()
    ignored = []
    for word in _words(settings.get("audio_cues")):
        cue = canonical(word)
        if cue:
            cues.add(cue)
        else:
            ignored.append(word)
    weather = " ".join(_words(settings.get("weather")))
    if re.search(r"rain|drizzle|storm|shower|downpour", weather):
        cues.add("rain")
    if re.search(r"storm|thunder|lightning", weather):
        cues.add("thunder")
    if re.search(r"wind|breez|gust|snow|blizzard", weather):
        cues.add("wind")
    if any("neon" in w for w in _words(settings.get("lighting"))):
        cues.add("neon")
    setting, night = settings.get("setting") or "generic", settings.get("time_of_day") in ("night", "dusk")
    cues |= {
        "city_street": {"city"}, "skyline": {"city", "wind"}, "beach": {"waves", "wind"},
        "forest": {"insects" if night else "birds", "wind"}, "savanna": {"wind", "insects"},
        "mountain": {"wind"},
    }.get(setting, set())  # fmt: skip
    if float(settings.get("crowd_density") or 0.0) > 0.15:
        cues.add("crowd")
    for _, ent in entities:
        label, kind = str(ent.get("label", "")).lower(), ent.get("type")
        verbs = {str(m.get("verb", "")).lower() for m in ent.get("motions") or [] if isinstance(m, dict)}
        if kind == "vehicle":
            cues.add("engine")
        if kind == "bird" and not night:
            cues.add("birds")
        if kind == "person" and int(ent.get("count") or 1) >= 8:
            cues.add("crowd")
        if kind in ("person", "animal") and verbs & WALK_VERBS:
            cues.add("footsteps")
        if kind == "animal" and verbs & ANIMAL_VOICE_VERBS:
            cues.add("animal")
        if label in WATER_WORDS:
            cues.add("water")
        if label in SEA_WORDS:
            cues.add("waves")
        if label in FIRE_WORDS:
            cues.add("fire")
    return cues, ignored


def apply_override(auto: set[str], override: str) -> set[str]:
    """``override``: 'auto', a list that replaces the inferred cues ('rain, footsteps'), or
    edits to them ('auto, +birds, -neon')."""
    tokens = [t for t in re.split(r"[,\s]+", override.strip().lower()) if t]
    replace = [t for t in tokens if t != "auto" and t[0] not in "+-"]
    cues = set() if replace else set(auto)
    for token in tokens:
        if token == "auto":
            continue
        sign, word = (token[0], token[1:]) if token[0] in "+-" else ("+", token)
        cue = canonical(word)
        if cue is None:
            raise NodeInputError("cues", f"unknown sound {word!r}; known: {', '.join(CUES)} (and 'auto', +name, -name)")
        if sign == "+":
            cues.add(cue)
        else:
            cues.discard(cue)
    return cues


def timeline_cues(events: list[Any]) -> set[str]:
    """Sounds the picture shows: rain or snow in view, vehicles crossing the frame, walkers' steps."""
    cues = set()
    for ev in events:
        data = ev.data or {}
        if ev.kind == "weather" and data.get("kind") == "rain":
            cues.add("rain")
        elif ev.kind == "action" and data.get("verb") == "pass_by":
            cues.add("engine")
        elif ev.kind == "footstep":
            cues.add("footsteps")
        elif ev.kind == "flicker":
            cues.add("neon")
    return cues


def cast(entities: list[tuple[str, dict[str, Any]]]) -> tuple[list[Walker], list[tuple[str, bool]], dict]:
    """Who walks (heard as footsteps), which vehicles move, and each entity's type and salience."""
    walkers, vehicles, info = [], [], {}
    for eid, ent in entities:
        kind = ent.get("type", "object")
        info[eid] = {"type": kind, "salience": float(ent.get("salience") or 0.0), "label": ent.get("label")}
        motions = [m for m in ent.get("motions") or [] if isinstance(m, dict)]
        moving = [
            m for m in motions if str(m.get("verb", "")).lower() in WALK_VERBS or m.get("speed") in ("walk", "run")
        ]
        if kind in ("person", "animal") and moving:
            walkers.append(Walker(eid, kind, str(moving[0].get("speed") or "walk"), info[eid]["salience"]))
        if kind == "vehicle":
            vehicles.append((eid, any(m.get("speed") not in (None, "still") for m in motions)))
    return walkers, vehicles, info


def plan_sounds(scene: Any, override: str = "auto", surface: str = "auto", events: list[Any] = ()) -> SoundPlan:
    """The sound plan for ``scene`` (a ``nodes.scene.model.Scene``, or None) and the TIMELINE's
    ``events``; ``override`` edits or replaces the inferred cues."""
    settings = scene.settings if scene is not None else {}
    entities = scene.entities() if scene is not None else []
    auto, ignored = infer_cues(settings, entities)
    auto |= timeline_cues(list(events))
    cues = apply_override(auto, override) if override.strip().lower() != "auto" else auto
    weather = _words(settings.get("weather"))
    walkers, vehicles, info = cast(entities)
    ground = surface
    if ground == "auto":
        joined = " ".join(weather)
        ground = "snow" if "snow" in joined else "wet" if "rain" in cues or "wet" in joined else None
        ground = ground or SETTING_SURFACE.get(settings.get("setting") or "generic", "concrete")
    density = float(settings.get("crowd_density") or 0.0)
    return SoundPlan(
        cues=tuple(c for c in CUES if c in cues),
        setting=settings.get("setting") or "generic",
        time_of_day=settings.get("time_of_day"),
        rain=_intensity(weather),
        wind=0.8 if any(re.search(r"storm|gale|strong|blizzard", w) for w in weather) else 0.5,
        crowd=max(density, 0.5 if "crowd" in cues else 0.0),
        surface=ground,
        walkers=tuple(sorted(walkers, key=lambda w: -w.salience)),
        vehicles=tuple(vehicles),
        entities=info,
        ignored=tuple(ignored),
    )
