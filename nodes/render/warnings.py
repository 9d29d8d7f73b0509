"""What the animatic could not draw as the words say, in words a user can act on.

The render plan collects these and ``render.animatic`` puts them in its LAYOUT (and the log):
things drawn by a generic silhouette, places with no painter of their own, contradictory
colours, entities left out because there were too many, and prompts with nothing to draw.
"""

from __future__ import annotations

from nodes.scene.model import Scene

from .cast import ALIASES, SPECIES, Actor, actor_kind, is_abstract
from .look import NAMED_COLOURS

CAR_LIKE = ("car", "taxi", "cab", "bus", "truck", "van", "jeep", "suv", "limousine", "tram", "convertible", "racecar")


def approximations(actors: list[Actor]) -> list[str]:
    """One line per entity drawn by a stand-in rather than a drawing of its own."""
    out: dict[str, str] = {}
    for a in actors:
        if a.entity in out:
            continue
        if a.look.get("approx"):
            out[a.entity] = a.look["approx"]
        elif (
            a.kind == "quadruped"
            and a.name not in SPECIES
            and a.name not in ALIASES
            and a.name.rstrip("s") not in SPECIES
        ):
            out[a.entity] = f"'{a.name}' has no drawing of its own; drawn as a generic four-legged animal"
        elif a.kind == "car" and not any(w in a.name for w in CAR_LIKE):
            out[a.entity] = f"'{a.name}' has no drawing of its own; drawn as a car"
    return list(out.values())


def place_warning(scene: Scene, setting: str, painted: bool) -> list[str]:
    location = scene.settings.get("location")
    if painted and setting != "generic":
        return []
    where = f"the place '{location}'" if location else "no place named"
    return [f"{where}: no background of its own; drawn on a neutral stage"]


def colour_conflicts(scene: Scene) -> list[str]:
    """ "a red blue car": two plain colours on one thing; the first named wins."""
    out = []
    for entity_id, data in scene.entities():
        colours = [
            str(a.get("value"))
            for a in scene.attributes(entity_id)
            if a.get("category") == "colour" and str(a.get("value")) in NAMED_COLOURS and not a.get("multicolour")
        ]
        if len(set(colours)) > 1:
            out.append(f"'{data.get('label')}' is named {' and '.join(colours)}; drawn {colours[0]}")
    return out


def abstract_words(scene: Scene) -> list[str]:
    words = [str(d.get("label")) for _, d in scene.entities() if is_abstract(d)]
    if not words:
        return []
    return [f"{', '.join(repr(w) for w in words)}: nothing visible to draw; left out"]


def nothing_drawn(scene: Scene, actors: list[Actor]) -> list[str]:
    if actors:
        return []
    if any(actor_kind(scene, n, d) is not None for n, d in scene.entities()):
        return []
    return ["nothing in the prompt names a person, animal, vehicle or thing to draw; showing the place alone"]


def dropped(kept: int, total: int) -> list[str]:
    if total <= kept:
        return []
    return [
        f"{total} different things named; the {kept} most important are drawn, {total - kept} left out to stay readable"
    ]
