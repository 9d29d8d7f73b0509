"""From scene entities to actors: what each thing is drawn as, how big, in which colours.

An entity's ``type`` picks the drawing (person, quadruped, car, flying car, bird, plant,
light, or a generic labelled shape for anything else); its label refines it (a lion gets a
mane, a taxi is yellow); its attributes and the clothing it wears give the colours. A plural
entity ("many people") becomes a group of member actors with varied looks and motion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nodes.scene.model import Scene

from .look import RGB, named_colour
from .motion import Motion, resolve_motion
from .shapes import shape_of

PERSON_WORDS = {
    "person",
    "woman",
    "man",
    "girl",
    "boy",
    "child",
    "kid",
    "lady",
    "gentleman",
    "people",
    "crowd",
    "pedestrian",
    "pedestrians",
    "dancer",
    "walker",
    "runner",
    "stranger",
    "figure",
    "tourist",
    "commuter",
}
FEMININE = {"woman", "girl", "lady", "female", "mother", "queen", "actress", "ballerina", "bride", "princess", "women"}
CHILD = {"child", "kid", "boy", "girl", "children", "kids", "toddler"}
BIRD_WORDS = {
    "bird",
    "birds",
    "eagle",
    "crow",
    "raven",
    "pigeon",
    "seagull",
    "gull",
    "hawk",
    "owl",
    "bat",
    "sparrow",
    "butterfly",
    "swallow",
    "dove",
    "parrot",
    "flamingo",
    "heron",
    "vulture",
    "falcon",
}
FLYING_WORDS = {
    "flying",
    "hover",
    "hovercar",
    "aircar",
    "drone",
    "spaceship",
    "airship",
    "jet",
    "plane",
    "airplane",
    "aircraft",
    "helicopter",
    "ufo",
    "spacecraft",
    "shuttle",
    "futuristic",
}
PLANT_WORDS = {"tree", "trees", "palm", "bush", "flower", "flowers", "grass", "plant", "acacia", "pine", "oak"}

# Clothing label → slot on the figure.
SLOTS: dict[str, str] = {
    **dict.fromkeys(("jacket", "coat", "blazer", "parka", "trench", "raincoat", "overcoat", "cardigan"), "outer"),
    **dict.fromkeys(("hoodie", "sweater", "shirt", "blouse", "top", "t-shirt", "tshirt", "tee", "vest", "tank"), "top"),
    **dict.fromkeys(("dress", "gown", "robe", "kimono", "skirt", "sundress"), "dress"),
    **dict.fromkeys(("pants", "trousers", "jeans", "shorts", "leggings", "slacks"), "legs"),
    **dict.fromkeys(("boots", "boot", "shoes", "shoe", "sneakers", "heels", "sandals", "trainers", "loafers"), "feet"),
    **dict.fromkeys(("sunglasses", "glasses", "shades", "goggles", "spectacles"), "eyes"),
    **dict.fromkeys(("hat", "cap", "beanie", "helmet", "hood", "beret", "fedora"), "head"),
    **dict.fromkeys(("scarf", "necklace", "tie"), "neck"),
    **dict.fromkeys(("lipstick", "lips"), "lips"),
    **dict.fromkeys(("bag", "handbag", "purse", "backpack", "briefcase", "umbrella"), "carry"),
}

# Quadruped species: coat, belly, height at the shoulder (m), body length (m), extras.
SPECIES: dict[str, dict[str, Any]] = {
    "lion": {
        "coat": (200, 146, 66),
        "belly": (228, 190, 128),
        "shoulder": 1.05,
        "length": 1.9,
        "mane": (118, 66, 28),
        "tuft": True,
    },
    "lioness": {"coat": (204, 152, 74), "belly": (230, 196, 136), "shoulder": 0.95, "length": 1.7, "tuft": True},
    "tiger": {
        "coat": (222, 120, 30),
        "belly": (240, 225, 200),
        "shoulder": 1.0,
        "length": 1.9,
        "stripes": (30, 20, 15),
    },
    "leopard": {
        "coat": (214, 168, 90),
        "belly": (236, 214, 170),
        "shoulder": 0.7,
        "length": 1.4,
        "spots": (50, 35, 20),
    },
    "cheetah": {
        "coat": (222, 180, 100),
        "belly": (240, 222, 180),
        "shoulder": 0.8,
        "length": 1.3,
        "spots": (35, 25, 15),
    },
    "zebra": {
        "coat": (235, 235, 230),
        "belly": (240, 240, 236),
        "shoulder": 1.35,
        "length": 2.2,
        "stripes": (25, 25, 25),
    },
    "horse": {"coat": (120, 72, 40), "belly": (130, 80, 46), "shoulder": 1.6, "length": 2.3, "mane": (40, 26, 18)},
    "elephant": {"coat": (128, 124, 120), "belly": (118, 114, 110), "shoulder": 3.0, "length": 4.5, "trunk": True},
    "giraffe": {
        "coat": (222, 176, 96),
        "belly": (235, 210, 160),
        "shoulder": 3.0,
        "length": 2.6,
        "spots": (120, 70, 30),
        "neck": 2.0,
    },
    "dog": {"coat": (150, 100, 55), "belly": (200, 160, 110), "shoulder": 0.55, "length": 0.9},
    "wolf": {"coat": (125, 120, 115), "belly": (190, 185, 175), "shoulder": 0.8, "length": 1.3},
    "fox": {"coat": (210, 100, 40), "belly": (240, 230, 215), "shoulder": 0.4, "length": 0.7, "tuft": False},
    "cat": {"coat": (90, 84, 80), "belly": (150, 145, 140), "shoulder": 0.25, "length": 0.45},
    "deer": {"coat": (160, 110, 65), "belly": (220, 200, 170), "shoulder": 1.0, "length": 1.6, "horns": True},
    "cow": {"coat": (60, 50, 45), "belly": (235, 230, 225), "shoulder": 1.4, "length": 2.3},
    "bear": {"coat": (80, 55, 35), "belly": (90, 62, 40), "shoulder": 1.1, "length": 1.9},
}
ALIASES = {
    "antelope": "deer",
    "gazelle": "deer",
    "impala": "deer",
    "prey": "deer",
    "elk": "deer",
    "stag": "deer",
    "puppy": "dog",
    "hound": "dog",
    "kitten": "cat",
    "pony": "horse",
    "lions": "lion",
    "wildebeest": "cow",
    "buffalo": "cow",
    "cattle": "cow",
    "panther": "leopard",
    "jaguar": "leopard",
    "coyote": "wolf",
}
GENERIC_ANIMAL = {"coat": (140, 105, 70), "belly": (190, 160, 120), "shoulder": 0.8, "length": 1.3}

GROUP_CAP = {"person": 26, "flying_car": 14, "bird": 12, "quadruped": 6, "car": 8, "plant": 10, "generic": 6}


@dataclass
class Actor:
    """One drawable thing. ``id`` is the layout id: the entity id, or ``"e3.7"`` for a group member."""

    id: str
    entity: str
    name: str
    kind: str
    height: float
    width: float
    motion: Motion
    phase: float = 0.0
    role: str = "extra"
    look: dict[str, Any] = field(default_factory=dict)
    altitude: float = 0.0


def entity_colour(scene: Scene, entity_id: str) -> RGB | None:
    for attr in scene.attributes(entity_id):
        if attr.get("category") == "colour":
            rgb = attr.get("rgb")
            if rgb and len(rgb) == 3:
                return tuple(int(c) for c in rgb)  # type: ignore[return-value]
            named = named_colour(attr.get("value"))
            if named:
                return named
    return None


def attribute_words(scene: Scene, entity_id: str) -> set[str]:
    return {str(a.get("value", "")).lower() for a in scene.attributes(entity_id)}


def outfit(scene: Scene, entity_id: str) -> dict[str, dict[str, Any]]:
    """Worn items by slot, each with ``label``, ``colour`` and its attribute words."""
    worn: dict[str, dict[str, Any]] = {}
    for _, target, data in scene.graph.out_edges(entity_id, data=True):
        if data.get("kind") not in ("wear", "possession"):
            continue
        item = scene.graph.nodes[target]
        label = str(item.get("label", "")).lower()
        slot = SLOTS.get(label) or SLOTS.get(label.rstrip("s"))
        if slot and slot not in worn:
            worn[slot] = {
                "label": label,
                "colour": entity_colour(scene, target),
                "words": attribute_words(scene, target),
            }
    return worn


def actor_kind(scene: Scene, entity_id: str, data: dict[str, Any]) -> str | None:
    """The drawing for an entity, or None when it is not drawn as an actor (clothing, places)."""
    etype = str(data.get("type", "")).lower()
    label = str(data.get("label", "")).lower()
    words = attribute_words(scene, entity_id) | set(label.replace("-", " ").split())
    verbs = {str(m.get("verb", "")).lower() for m in data.get("motions") or ()}
    if etype in ("clothing", "place", "structure"):
        return None
    if is_abstract(data):
        return None
    if etype == "person" or (etype not in ("animal", "vehicle", "bird") and label in PERSON_WORDS):
        return "person"
    if etype == "bird" or label in BIRD_WORDS:
        return "bird"
    if etype == "animal":
        return "quadruped"
    if etype == "vehicle" and shape_of(label) is not None:
        return "generic"  # boats and balloons by their silhouettes
    if etype == "vehicle":
        return "flying_car" if words & FLYING_WORDS or verbs & {"fly", "soar", "hover", "zoom"} else "car"
    if etype == "light":
        return "light"
    if etype == "plant" or label in PLANT_WORDS:
        return "plant"
    return "generic"


def is_abstract(data: dict[str, Any]) -> bool:
    """A noun in none of the vocabularies that does nothing ("freedom", "serenity"): nothing to draw."""
    return data.get("known") is False and str(data.get("type")) == "object" and not data.get("motions")


COUNT_WORDS = {"many": 12, "lots": 12, "crowd": 16, "several": 5, "some": 4, "few": 3, "couple": 2, "pair": 2}


def group_size(kind: str, count: Any, density: float) -> int:
    """How many members to draw for an entity's count (an int, or a word such as "many")."""
    try:
        n = int(count)
    except (TypeError, ValueError):
        n = COUNT_WORDS.get(str(count).lower(), 1)
    if n <= 1:
        return 1
    cap = GROUP_CAP.get(kind, 6)
    wanted = n if n < 8 else round(n * (0.9 + 1.4 * density))
    return max(2, min(cap, wanted))


def species(label: str) -> dict[str, Any]:
    label = label.lower()
    key = label if label in SPECIES else ALIASES.get(label, label.rstrip("s"))
    return {"species": key, **SPECIES.get(key, GENERIC_ANIMAL)}


def main_motion(data: dict[str, Any]) -> dict[str, Any] | None:
    motions = [m for m in data.get("motions") or () if isinstance(m, dict)]
    return motions[0] if motions else None


def person_look(scene: Scene, entity_id: str, label: str, rng: np.random.Generator) -> dict[str, Any]:
    """Colours of a person's figure: clothing worn in the scene graph, sensible defaults otherwise."""
    worn = outfit(scene, entity_id)
    feminine = label in FEMININE
    own = entity_colour(scene, entity_id)

    def colour(slot: str, default: RGB) -> RGB:
        item = worn.get(slot)
        return item["colour"] if item and item["colour"] else default

    dress = worn.get("dress")
    look: dict[str, Any] = {
        "feminine": feminine,
        "skin": SKINS[int(rng.integers(len(SKINS)))],
        "hair": (200, 200, 196)
        if attribute_words(scene, entity_id) & OLD_WORDS
        else (28, 20, 16)
        if feminine
        else (40, 30, 22),
        "hair_long": feminine,
        "top": colour(
            "top",
            (colour("dress", (0, 0, 0)) if dress else None) or own or ((150, 40, 60) if feminine else (70, 80, 100)),
        ),
        "outer": colour("outer", (0, 0, 0)) if "outer" in worn else None,
        "outer_words": worn.get("outer", {}).get("words", set()),
        "dress": colour("dress", (160, 30, 40)) if dress else None,
        "dress_length": 0.55 if dress and "short" in dress["words"] else 0.84,  # long: boots still show
        "legs": colour("legs", (40, 42, 55)),
        "feet": colour("feet", (30, 26, 24)),
        "boots": "boot" in worn.get("feet", {}).get("label", ""),
        "sunglasses": colour("eyes", (12, 12, 14)) if "eyes" in worn else None,
        "hat": colour("head", (40, 40, 40)) if "head" in worn else None,
        "lips": colour("lips", (190, 20, 40)) if "lips" in worn else None,
        "carry": worn.get("carry", {}).get("label"),
        "carry_colour": colour("carry", (30, 30, 34)),
    }
    return look


OLD_WORDS = frozenset({"old", "elderly", "aged", "grey-haired", "gray-haired", "white-haired"})
SKINS: tuple[RGB, ...] = ((232, 190, 160), (214, 168, 130), (176, 122, 88), (120, 80, 56), (240, 205, 180))
CROWD_CLOTHES: tuple[RGB, ...] = (
    (40, 40, 46),
    (70, 72, 80),
    (30, 36, 60),
    (120, 110, 96),
    (90, 40, 40),
    (200, 196, 188),
    (60, 80, 70),
    (150, 130, 110),
    (26, 26, 28),
    (110, 120, 140),
)
UMBRELLAS: tuple[RGB, ...] = ((20, 20, 24), (230, 230, 235), (40, 60, 140), (180, 30, 40), (60, 60, 66))


def member_person(rng: np.random.Generator, rain: bool) -> dict[str, Any]:
    feminine = bool(rng.random() < 0.5)
    pick = lambda pal: pal[int(rng.integers(len(pal)))]
    return {
        "feminine": feminine,
        "skin": pick(SKINS),
        "hair": pick(((25, 20, 18), (60, 40, 25), (120, 90, 60), (20, 20, 20))),
        "hair_long": feminine and rng.random() < 0.7,
        "top": pick(CROWD_CLOTHES),
        "outer": pick(CROWD_CLOTHES) if rng.random() < 0.6 else None,
        "outer_words": set(),
        "dress": pick(CROWD_CLOTHES) if feminine and rng.random() < 0.3 else None,
        "dress_length": 0.6,
        "legs": pick(((30, 30, 36), (50, 55, 70), (70, 66, 60), (25, 30, 50))),
        "feet": (30, 28, 26),
        "boots": False,
        "sunglasses": None,
        "hat": None,
        "lips": None,
        "carry": "umbrella" if rain and rng.random() < 0.6 else None,
        "carry_colour": pick(UMBRELLAS),
    }


def vehicle_look(kind: str, label: str, own: RGB | None, rng: np.random.Generator) -> dict[str, Any]:
    if kind == "flying_car":
        body = (
            own or ((200, 205, 215), (40, 44, 52), (235, 235, 240), (150, 30, 60), (30, 60, 110))[int(rng.integers(5))]
        )
        glow = ((40, 230, 255), (255, 60, 180), (255, 150, 40), (120, 255, 200))[int(rng.integers(4))]
        return {"body": body, "glow": glow, "length": 5.2, "tall": 1.7}
    taxi = "taxi" in label or "cab" in label
    body = own or (
        (235, 190, 30)
        if taxi
        else ((180, 30, 36), (30, 50, 110), (210, 210, 214), (30, 30, 34), (90, 95, 100))[int(rng.integers(5))]
    )
    big = any(w in label for w in ("bus", "truck", "tram", "van"))
    return {"body": body, "length": 10.0 if big else 4.4, "tall": 3.0 if big else 1.45, "big": big}


def cast_scene(scene: Scene, setting: str, rain: bool, density: float, rng: np.random.Generator) -> list[Actor]:
    """Every drawable actor of the scene, the main subject first."""
    actors: list[Actor] = []
    subject_taken = False
    for entity_id, data in scene.entities():
        kind = actor_kind(scene, entity_id, data)
        if kind is None:
            continue
        label = str(data.get("label", "thing")).lower()
        size = group_size(kind, data.get("count", 1), density)
        spec = main_motion(data)
        movable = kind in ("person", "quadruped", "car", "flying_car", "bird", "generic")
        role = "subject" if movable and size == 1 and not subject_taken else "extra"
        subject_taken = subject_taken or role == "subject"
        for i in range(size):
            sub = np.random.default_rng([int(rng.integers(2**31)), i])
            actor = make_actor(scene, entity_id, label, kind, spec, setting, sub, rain, member=size > 1)
            actor.id = entity_id if size == 1 else f"{entity_id}.{i}"
            actor.role = role if size == 1 else "member"
            actors.append(actor)
    return actors


def make_actor(
    scene: Scene,
    entity_id: str,
    label: str,
    kind: str,
    spec: dict[str, Any] | None,
    setting: str,
    rng: np.random.Generator,
    rain: bool,
    member: bool,
) -> Actor:
    sign = 1.0 if not member else float(rng.choice([-1.0, 1.0]))
    motion = resolve_motion(
        kind if kind in ("person", "quadruped", "car", "flying_car", "bird") else "generic", spec, sign, setting
    )
    own = entity_colour(scene, entity_id)
    phase = float(rng.random())
    if kind == "person":
        look = member_person(rng, rain) if member else person_look(scene, entity_id, label, rng)
        height = (1.25 if label in CHILD else 1.68 if look["feminine"] else 1.78) * float(rng.uniform(0.94, 1.05))
        return Actor(entity_id, entity_id, label, kind, height, 0.5 * height / 1.7, motion, phase, look=look)
    if kind == "quadruped":
        look = species(label)
        if own:
            look["coat"] = own
        height = look["shoulder"] * 1.3 * (float(rng.uniform(0.9, 1.1)) if member else 1.0)
        return Actor(entity_id, entity_id, label, kind, height, look["length"] * 1.3, motion, phase, look=look)
    if kind in ("car", "flying_car"):
        look = vehicle_look(kind, label, own, rng)
        altitude = 0.0 if kind == "car" else float(rng.uniform(8, 60))
        return Actor(
            entity_id, entity_id, label, kind, look["tall"], look["length"], motion, phase, look=look, altitude=altitude
        )
    if kind == "bird":
        span = 1.9 if label in ("eagle", "vulture", "heron", "flamingo") else 0.9
        look = {"colour": own or (30, 28, 30), "span": span}
        return Actor(
            entity_id,
            entity_id,
            label,
            kind,
            span * 0.4,
            span,
            motion,
            phase,
            look=look,
            altitude=float(rng.uniform(6, 25)),
        )
    if kind == "plant":
        tall = {"bush": 1.2, "flower": 0.4, "flowers": 0.4, "grass": 0.5, "palm": 9.0}.get(label, 6.5)
        look = {"colour": own or (46, 96, 48), "species": label}
        return Actor(entity_id, entity_id, label, kind, tall, tall * 0.7, motion, phase, look=look)
    if kind == "light":
        look = {"colour": own or (255, 170, 90), "words": attribute_words(scene, entity_id)}
        return Actor(entity_id, entity_id, label, kind, 0.5, 0.5, motion, phase, look=look, altitude=3.0)
    shape = shape_of(label)
    look = {"colour": own or (170, 150, 200), "label": label}
    if shape is None:
        look["approx"] = f"'{label}' has no drawing of its own; drawn as a labelled box"
        return Actor(entity_id, entity_id, label, "generic", 1.0, 1.2, motion, phase, look=look)
    look["shape"] = shape[0]
    return Actor(entity_id, entity_id, label, "generic", shape[1], shape[2], motion, phase, look=look)
