"""The shot planner: scene graph + sentence order -> a timed shot list.

1. beats: one per sentence (subject, verb, camera cue, kind: action/detail/environment/
   crowd/camera), a camera-only sentence aimed at clothing frames the wearer;
2. merge beats until there are at most ``max_shots`` and each lasts ``min_shot`` seconds;
3. durations in proportion to each beat's weight, summing exactly to the total;
4. a camera per beat: the prompt's own camera language first, else a move that suits the beat
   (track a moving subject, tilt down an outfit, pan an environment), never three alike in a row;
5. a prompt per shot for diffusion models (``describe.py``).

Stage convention for ``Framing.center`` (normalised, y down): the shot's subject stands at the
horizontal centre of the stage; a standing figure spans y 0.30-0.90 (head ~0.36, torso ~0.52,
legs ~0.70, feet ~0.86); the horizon is near y 0.45. ``zoom`` 1.0 shows the whole stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .describe import action_phrase, context_phrase, noun_phrase, place_phrase, subject_description
from .model import Scene
from .shots import Camera, Framing, Shot, ShotPlan
from .vocab import BODY_PART_Y as BODY_Y_PARTS
from .vocab import COMPANION_VERBS, POSSESSION_VERBS, WEAR_VERBS

# where on a standing figure each kind of worn thing sits (y on the stage)
BODY_Y = {
    "sunglasses": 0.35,
    "glasses": 0.35,
    "hat": 0.31,
    "cap": 0.31,
    "helmet": 0.31,
    "lipstick": 0.38,
    "mask": 0.37,
    "scarf": 0.43,
    "necklace": 0.44,
    "jacket": 0.5,
    "coat": 0.52,
    "shirt": 0.5,
    "dress": 0.6,
    "skirt": 0.64,
    "pants": 0.7,
    "trousers": 0.7,
    "jeans": 0.7,
    "shorts": 0.64,
    "boot": 0.84,
    "boots": 0.84,
    "shoe": 0.86,
    "shoes": 0.86,
    "sneakers": 0.86,
    "heels": 0.86,
    "sandals": 0.86,
    "gloves": 0.6,
}
HEAD_Y, TORSO_Y, FEET_Y = 0.36, 0.52, 0.86
# verbs that are no action of their own: being, having, wearing ("She's rocking a jacket" is an outfit shot)
NOT_ACTIONS = frozenset({"be", "have", "add"}) | WEAR_VERBS | POSSESSION_VERBS
MIN_SHOT = 1.5


@dataclass
class Beat:
    sentences: list[int]
    subject: str | None
    verb: str | None
    kind: str
    weight: float
    cue: dict | None = None
    focus: str | None = None  # an entity the camera singles out (a jacket on the subject)
    texts: list[str] = field(default_factory=list)


def plan_shots(scene: Scene, duration: float, max_shots: int = 6, min_shot: float = MIN_SHOT) -> ShotPlan:
    beats = make_beats(scene)
    beats = merge_beats(beats, max(1, min(max_shots, int(duration // min_shot) or 1)))
    times = allocate(duration, [b.weight for b in beats])
    while len(beats) > 1 and min(length for _, length in times) < min(min_shot, duration):
        k = min(range(len(beats)), key=lambda i: times[i][1])
        pair = k - 1 if k == len(beats) - 1 or (k > 0 and beats[k - 1].weight < beats[k + 1].weight) else k
        beats = merge_beats(beats, len(beats) - 1, only=pair)
        times = allocate(duration, [b.weight for b in beats])
    shots = []
    previous: list[str] = []
    for index, (beat, (start, length)) in enumerate(zip(beats, times)):
        camera = choose_camera(scene, beat, index, previous)
        previous.append(camera.move)
        shots.append(
            Shot(
                index=index,
                start=start,
                duration=length,
                subject=beat.subject,
                action=beat_action(scene, beat),
                camera=camera,
                prompt=shot_prompt(scene, beat, camera),
                sentence=beat.sentences[0],
                subject_name=subject_name(scene, beat.subject),
            )
        )
    return ShotPlan(duration=float(duration), shots=tuple(shots))


def subject_name(scene: Scene, eid: str | None) -> str | None:
    """The subject as the prompt names it ("fox", "boots"), never an internal id."""
    if eid is None or eid not in scene.graph:
        return None
    data = scene.entity(eid)
    return str(data.get("name") or data.get("label") or "") or None


# -- 1. beats ------------------------------------------------------------------------------
def make_beats(scene: Scene) -> list[Beat]:
    """One beat per sentence; a single-sentence prompt is opened up into an establishing shot,
    its action, and a closer look at the subject (its outfit when it wears something named)."""
    beats = sentence_beats(scene)
    if len(beats) == 1 and beats[0].subject is not None and beats[0].cue is None:
        beats = expand_single(scene, beats[0])
    return beats


def expand_single(scene: Scene, beat: Beat) -> list[Beat]:
    subject = beat.subject
    assert subject is not None
    entity = scene.entity(subject)
    wears = [t for _, t, d in scene.graph.out_edges(subject, data=True) if d.get("kind") == "wear"]
    opening = replace(beat, kind="environment", weight=0.9, verb=None)
    if entity["type"] in ("place", "structure", "light", "plant"):
        return [opening, replace(beat, kind="environment", weight=0.9)]
    close_kind = "detail" if wears and entity["type"] == "person" else "close"
    close = replace(beat, kind=close_kind, weight=0.9, focus=wears[0] if wears else None)
    main = replace(beat, weight=1.3)
    return [opening, main, close]


def sentence_beats(scene: Scene) -> list[Beat]:
    main = scene.entities()[0][0] if scene.entities() else None
    cues = scene.settings.get("camera_cues", [])
    beats = []
    for record in scene.settings.get("sentences", []):
        cue = cues[record["camera_cue"]] if record.get("camera_cue") is not None else None
        subject, focus = record.get("subject"), None
        if cue and cue.get("target") in scene.graph:
            subject, focus = cue["target"], cue["target"]
        if subject is None or subject not in scene.graph:
            subject = main
        if subject is not None and scene.entity(subject)["type"] == "clothing":
            subject, focus = _wearer(scene, subject) or subject, subject
        kind = _beat_kind(scene, subject, record, cue)
        weight = {"action": 1.3, "camera": 1.1, "detail": 0.9, "environment": 1.0, "crowd": 1.0}.get(kind, 1.0)
        beats.append(Beat([record["index"]], subject, record.get("verb"), kind, weight, cue, focus, [record["text"]]))
    if not beats:
        beats.append(Beat([0], main, None, "environment", 1.0))
    beats[0].weight += 0.3  # the opening establishes the scene
    return beats


def _wearer(scene: Scene, eid: str) -> str | None:
    for source, _, data in scene.graph.in_edges(eid, data=True):
        if data.get("kind") == "wear":
            return source
    return None


def _beat_kind(scene: Scene, subject: str | None, record: dict, cue: dict | None) -> str:
    if cue and cue.get("move"):
        return "camera"
    if subject is None:
        return "environment"
    e = scene.entity(subject)
    k = record["index"]
    if e["type"] == "person" and e.get("count", 1) >= 6:
        return "crowd"
    if any(m.get("sentence") == k for m in e.get("motions", [])):
        return "action"
    wears = [
        d for _, _, d in scene.graph.out_edges(subject, data=True) if d.get("kind") == "wear" and d.get("sentence") == k
    ]
    if wears:
        return "detail"
    if e["type"] in ("place", "structure", "light", "plant"):
        return "environment"
    return "action" if record.get("verb") else "environment"


# -- 2. merging ----------------------------------------------------------------------------
def merge_beats(beats: list[Beat], limit: int, only: int | None = None) -> list[Beat]:
    """Merge neighbours (the cheapest pair, or pair ``only``) until at most ``limit`` remain."""
    beats = list(beats)
    while len(beats) > limit:
        k = only if only is not None else min(range(len(beats) - 1), key=lambda i: _merge_cost(beats[i], beats[i + 1]))
        only = None
        a, b = beats[k], beats[k + 1]
        keep = a if (a.cue is not None or a.weight >= b.weight) and b.cue is None else b
        # two looks at one outfit are one longer look, not a shot twice as long
        weight = max(a.weight, b.weight) + 0.3 if _alike(a, b) else a.weight + b.weight
        merged = replace(keep, sentences=a.sentences + b.sentences, weight=weight, texts=a.texts + b.texts)
        beats[k : k + 2] = [merged]
    return beats


def _alike(a: Beat, b: Beat) -> bool:
    return a.subject == b.subject and a.kind == b.kind and a.cue is None and b.cue is None


def _merge_cost(a: Beat, b: Beat) -> float:
    cost = a.weight + b.weight
    cost += 0.0 if a.subject == b.subject else 1.0
    cost -= 1.0 if _alike(a, b) else 0.0
    cost += 2.0 if a.cue is not None and b.cue is not None else 0.0
    return cost


# -- 3. timing -----------------------------------------------------------------------------
def allocate(duration: float, weights: list[float]) -> list[tuple[float, float]]:
    """(start, length) per beat; lengths are proportional and sum exactly to ``duration``."""
    total = sum(weights) or 1.0
    out, start = [], 0.0
    for k, w in enumerate(weights):
        length = duration - start if k == len(weights) - 1 else round(duration * w / total, 3)
        out.append((round(start, 3), round(length, 3)))
        start += length
    return out


# -- 4. camera -----------------------------------------------------------------------------
def choose_camera(scene: Scene, beat: Beat, index: int, previous: list[str]) -> Camera:
    if beat.cue is not None and (beat.cue.get("move") or beat.cue.get("close_up") or beat.cue.get("aerial")):
        return cue_camera(scene, beat)
    camera = default_camera(scene, beat, index)
    if len(previous) >= 2 and previous[-1] == previous[-2] == camera.move:
        camera = Camera("dolly_in", Framing((0.5, TORSO_Y), 1.2), Framing((0.5, HEAD_Y + 0.04), 1.7))
    return camera


def cue_camera(scene: Scene, beat: Beat) -> Camera:
    cue = beat.cue or {}
    move = cue.get("move") or "static"
    focus_y = _focus_y(scene, beat)
    if cue.get("aerial"):
        return Camera("dolly_in", Framing((0.5, 0.4), 1.0), Framing((0.5, 0.45), 1.3), "linear")
    if cue.get("close_up") and move == "static":
        return Camera("static", Framing((0.5, focus_y), 2.5), Framing((0.5, focus_y), 2.6))
    if cue.get("wide") and move == "static":
        return Camera("static", Framing((0.5, 0.5), 1.0), Framing((0.5, 0.5), 1.0))
    toward_left = cue.get("direction") == "left"
    if move in ("zoom_in", "dolly_in"):
        return Camera(move, Framing((0.5, 0.5), 1.0), Framing((0.5, focus_y), 2.4 if move == "zoom_in" else 1.8))
    if move in ("zoom_out", "dolly_out"):
        return Camera(move, Framing((0.5, focus_y), 2.2), Framing((0.5, 0.5), 1.0))
    if move == "pan":
        xs = (0.75, 0.25) if toward_left else (0.25, 0.75)
        return Camera("pan", Framing((xs[0], 0.5), 1.4), Framing((xs[1], 0.5), 1.4), "linear")
    if move == "tilt":
        ys = (0.7, 0.35) if cue.get("direction") == "up" else (0.35, 0.7)
        return Camera("tilt", Framing((0.5, ys[0]), 1.5), Framing((0.5, ys[1]), 1.5))
    if move == "track":
        return _track(scene, beat)
    return Camera("static", Framing((0.5, 0.5), 1.3), Framing((0.5, 0.5), 1.3))


def default_camera(scene: Scene, beat: Beat, index: int) -> Camera:
    if beat.kind == "action" and _moving(scene, beat.subject):
        return _track(scene, beat, wide=index == 0)
    if beat.kind == "detail":
        return Camera("tilt", Framing((0.5, HEAD_Y), 2.0), Framing((0.5, FEET_Y - 0.06), 2.0))
    if beat.kind == "close" and _moving(scene, beat.subject):  # follow it, closer
        return Camera("track", Framing((0.5, TORSO_Y), 1.35), Framing((0.5, TORSO_Y), 1.8), "linear")
    if beat.kind == "close":
        return Camera("dolly_in", Framing((0.5, 0.5), 1.3), Framing((0.5, _focus_y(scene, beat)), 1.9))
    if beat.kind == "crowd":
        return Camera("pan", Framing((0.3, 0.5), 1.0), Framing((0.7, 0.5), 1.1), "linear")
    if beat.kind == "environment" and index == 0 and beat.subject and _moving(scene, beat.subject):
        return Camera("pan", Framing((0.4, 0.5), 1.0), Framing((0.6, 0.5), 1.05), "linear")  # establishing
    if beat.kind == "environment":
        if _mentions(beat, ("wet", "reflect", "puddle", "ground", "floor", "water")):
            return Camera("tilt", Framing((0.5, 0.45), 1.3), Framing((0.5, 0.72), 1.3))
        return Camera("pan", Framing((0.3, 0.5), 1.2), Framing((0.7, 0.5), 1.2), "linear")
    if index == 0:
        return Camera("dolly_in", Framing((0.5, 0.5), 1.0), Framing((0.5, TORSO_Y), 1.3))
    return Camera("dolly_in", Framing((0.5, TORSO_Y), 1.2), Framing((0.5, HEAD_Y + 0.04), 1.8))


def _has_companion(scene: Scene, eid: str | None) -> bool:
    """Something goes along with the subject (a dog on a leash, a kite on a string): frame both."""
    return bool(eid) and any(
        d.get("kind") == "action" and d.get("verb") in COMPANION_VERBS and scene.entity(t).get("type") != "clothing"
        for _, t, d in scene.graph.out_edges(eid, data=True)
    )


def _track(scene: Scene, beat: Beat, wide: bool = False) -> Camera:
    wide = wide or _has_companion(scene, beat.subject)
    motion = _motion(scene, beat)
    direction = (motion or {}).get("direction")
    dx = -0.15 if direction == "left" else 0.15
    if direction in ("toward", "away", "up", "down", "around"):
        dx = 0.0
    zoom = 1.1 if wide else 1.5
    y = 0.5 if wide else TORSO_Y
    end_zoom = zoom * (1.15 if direction == "toward" else 0.9 if direction == "away" else 1.0)
    return Camera("track", Framing((0.5 - dx, y), zoom), Framing((0.5 + dx, y), round(end_zoom, 3)), "linear")


def _motion(scene: Scene, beat: Beat) -> dict | None:
    if beat.subject is None:
        return None
    motions = scene.entity(beat.subject).get("motions", [])
    return next((m for m in motions if m.get("sentence") in beat.sentences), motions[0] if motions else None)


def _moving(scene: Scene, eid: str | None) -> bool:
    return bool(eid) and any(m.get("speed") != "still" for m in scene.entity(eid).get("motions", []))


def _focus_y(scene: Scene, beat: Beat) -> float:
    part = (beat.cue or {}).get("body_part")
    if part:
        return BODY_Y_PARTS.get(part, HEAD_Y)
    if beat.focus and beat.focus != beat.subject:
        return BODY_Y.get(scene.entity(beat.focus)["label"], TORSO_Y)
    return TORSO_Y if beat.subject and scene.entity(beat.subject)["type"] == "person" else 0.5


def _mentions(beat: Beat, words: tuple[str, ...]) -> bool:
    text = " ".join(beat.texts).lower()
    return any(w in text for w in words)


def beat_action(scene: Scene, beat: Beat) -> str | None:
    """The subject's own action in this beat (a motion verb first), never the camera's verb."""
    if beat.kind == "environment" and beat.verb is None or beat.kind == "detail":
        return None  # an establishing shot shows the place; a detail shot the outfit, not a verb like "rock"
    motion = _motion(scene, beat)
    if motion is not None and motion.get("sentence") in beat.sentences:
        return motion["verb"]
    if beat.verb and beat.verb not in NOT_ACTIONS and not (beat.cue and beat.cue.get("move")):
        return beat.verb
    return motion["verb"] if motion else None


# -- 5. prompt -----------------------------------------------------------------------------
CAMERA_WORDS = {
    "static": "still shot",
    "pan": "slow panning shot",
    "tilt": "tilting shot",
    "zoom_in": "slow zoom in",
    "zoom_out": "zoom out",
    "dolly_in": "dolly in",
    "dolly_out": "dolly out",
    "track": "tracking shot",
}


def shot_prompt(scene: Scene, beat: Beat, camera: Camera) -> str:
    cue = beat.cue or {}
    aerial = "aerial drone shot" if "drone" in cue.get("text", "").lower() else "aerial shot"
    shot = aerial if cue.get("aerial") else "close-up" if cue.get("close_up") else CAMERA_WORDS[camera.move]
    if beat.kind == "detail" and not cue:
        shot = "close-up tilting down the outfit"
    elif beat.kind == "close" and not cue:
        shot = f"closer {shot}"
    if camera.move in ("zoom_in", "dolly_in") and beat.focus and beat.focus != beat.subject:
        shot += f" on the {noun_phrase(scene, beat.focus, article=False, with_place=False)}"
    elif (beat.cue or {}).get("body_part"):
        shot += f" on the {beat.cue['body_part']}"
    parts = [f"cinematic {shot}"]
    if beat.subject and beat.kind in ("environment",) and scene.entity(beat.subject)["type"] in ("place", "structure"):
        parts.append(f"of {noun_phrase(scene, beat.subject)}")
    elif beat.subject:
        zooming = camera.move in ("zoom_in", "dolly_in") and not cue.get("aerial")
        connector = "on" if zooming and " on " not in shot else "of"
        parts.append(f"{connector} {subject_description(scene, beat.subject)}")
        action = action_phrase(scene, beat.subject, beat.sentences[0])
        if action:
            parts.append(action)
    place = place_phrase(scene, beat.subject)
    if place and place.split(" ", 1)[-1] not in " ".join(parts):
        parts.append(place)
    if cue.get("slow_motion"):
        parts.append("slow motion")
    context = context_phrase(scene)
    return ", ".join([" ".join(parts)] + ([context] if context else []))
