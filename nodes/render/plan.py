"""The render plan: frame timing, shots, and where every actor is in every shot.

Built once per node call from SCENE + SHOTS + STYLE and the params, without drawing
anything, so LAYOUT and TIMELINE come cheap and the frames can be produced lazily in any
order. Each shot has its own virtual stage: the shot's subject is placed so that it is in
view at the middle of the shot (the shot planner knows nothing of where things stand),
while crowds, traffic and scenery keep their places from shot to shot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from nodes.scene.model import Scene
from nodes.scene.shots import Shot, ShotPlan

from . import warnings as warn
from .backgrounds import PAINTERS
from .camera import View, view_at
from .cast import Actor, cast_scene, entity_colour
from .gait import stride_length
from .lens import MARGIN, Lens, StageGeometry
from .lights import FACADE_X, ROAD_X, Sign, city_signs
from .look import Look, resolve_look
from .motion import FALL_ACCEL, Route

# How tall the shot's subject is, as a fraction of the wide view's height.
SUBJECT_FRACTION = {"person": 0.46, "quadruped": 0.3, "car": 0.2, "flying_car": 0.14, "bird": 0.2, "generic": 0.28}
MAX_ACTORS = 80  # beyond this a frame is clutter and a render slows; the most salient are kept
MAX_ENTITIES = 24  # different things named; more would not read in one frame
MAX_TRACK_MARGIN = 6.0  # a tracking shot's stage is at most this many wide views across
GROUND_KINDS = ("person", "quadruped", "car", "generic", "plant", "light")


@dataclass(frozen=True)
class Placed:
    actor: Actor
    route: Route
    tether: tuple[float, float, float] | None = None  # from this thing to its holder's hand (a kite's string)

    def cycles_per_s(self) -> float:
        """Gait cycles per second: speed over stride, so that planted feet do not slide."""
        if not self.actor.motion.legged:
            return 0.0
        speed = math.hypot(self.route.velocity[0], self.route.velocity[2])
        return speed / stride_length(self.actor.motion.gait, leg_length(self.actor))

    def phase(self, t: float) -> float:
        """Gait cycle phase at time ``t``; continuous across shots."""
        return (self.actor.phase + self.cycles_per_s() * t) % 1.0


def leg_length(actor: Actor) -> float:
    return actor.height * (0.5 if actor.kind == "person" else 0.45)


@dataclass(frozen=True)
class ShotSetup:
    shot: Shot
    placed: tuple[Placed, ...]
    subject: Placed | None
    resolution: float
    geometry: StageGeometry  # this shot's stage at resolution 1 (wider when the camera tracks)

    @property
    def lens(self) -> Lens:
        return self.geometry.lens


class RenderPlan:
    """Everything decided before drawing. Frame ``i`` shows time ``i * keyframe_every / fps``."""

    def __init__(
        self,
        scene: Scene,
        shots: ShotPlan,
        style,
        *,
        width: int,
        height: int,
        fps: float,
        keyframe_every: int,
        seed: int,
    ) -> None:
        self.scene, self.shots, self.style = scene, shots, style
        self.width, self.height, self.base_fps, self.keyframe_every, self.seed = (
            width,
            height,
            fps,
            keyframe_every,
            seed,
        )
        settings = scene.settings
        self.setting = str(settings.get("setting") or "generic")
        self.duration = float(shots.duration) if shots.shots else 0.0
        self.fps = fps / keyframe_every
        self.count = max(1, math.ceil(round(self.duration * fps, 6) / keyframe_every))
        states, light_words = scene_words(scene)
        self.look: Look = resolve_look(settings, style, states, light_words, thing_colours(scene))
        density = float(settings.get("crowd_density") or 0.5)
        rng = np.random.default_rng([seed, 1])
        actors = cast_scene(scene, self.setting, bool(self.look.rain), density, rng)
        named = list(dict.fromkeys(a.entity for a in actors))  # most salient first
        kept = set(named[:MAX_ENTITIES])
        self.actors = [a for a in actors if a.entity in kept][:MAX_ACTORS]
        self.warnings: list[str] = [
            *scene.settings.get("warnings", []),
            *warn.approximations(self.actors),
            *warn.place_warning(scene, self.setting, self.setting in PAINTERS),
            *warn.colour_conflicts(scene),
            *warn.abstract_words(scene),
            *warn.nothing_drawn(scene, self.actors),
            *warn.dropped(len(kept), len(named)),
        ]
        self.geometry = StageGeometry(width, height, self.setting, cam_height=eye_level(self.actors, self.setting))
        self.lens = self.geometry.lens
        self.companions = companions_of(scene, self.actors)
        self.scenery = scenery_of(scene)
        self.light_entity = next((a for a in self.actors if a.kind == "light"), None)
        city = self.setting == "city_street"
        self.signs: list[Sign] = city_signs(seed, self.duration, self.look.warm_lights, self.look.neon) if city else []
        self.mains = {shot.index: self.place_subject(shot) for shot in shots.shots}
        self.span_margin = max([MARGIN] + [g.margin_x for _, g in self.mains.values()])
        self.shared = {a.id: self.place_member(a, i) for i, a in enumerate(self.actors) if a.role != "subject"}
        self.setups = [self.setup(shot) for shot in shots.shots]

    # --- timing -------------------------------------------------------------------------
    def time_of(self, index: int) -> float:
        return index * self.keyframe_every / self.base_fps

    @cached_property
    def frame_shots(self) -> np.ndarray:
        """The shot of every output frame: the first shot that ends after the frame's time."""
        ends = np.array([s.end for s in self.shots.shots])
        times = np.arange(self.count) * self.keyframe_every / self.base_fps + 1e-9
        return np.minimum(np.searchsorted(ends, times, side="right"), len(ends) - 1)

    def shot_index(self, index: int) -> int:
        return int(self.frame_shots[min(max(index, 0), self.count - 1)])

    def frame_times(self, shot: int) -> np.ndarray:
        """Times of the output frames that belong to ``shot``."""
        return np.flatnonzero(self.frame_shots == shot) * self.keyframe_every / self.base_fps

    @property
    def cuts(self) -> tuple[int, ...]:
        return tuple(int(i) for i in np.flatnonzero(np.diff(self.frame_shots)) + 1)

    def view(self, index: int) -> View:
        setup = self.setups[self.shot_index(index)]
        t = self.time_of(index)
        return self.view_at(setup, t)

    def view_at(self, setup: ShotSetup, t: float) -> View:
        track = figure = None
        if setup.subject is not None:
            x, y, z = setup.subject.route.at(t)
            column, feet = setup.lens.point(x, y, z)
            _, head = setup.lens.point(x, y + setup.subject.actor.height, z)
            figure = (head / setup.geometry.height, feet / setup.geometry.height)
            if setup.shot.camera.move == "track":
                track = column / setup.geometry.width
        return view_at(setup.shot, t, track, setup.geometry.margin_x, figure)

    # --- placement ----------------------------------------------------------------------
    def setup(self, shot: Shot) -> ShotSetup:
        main, geometry = self.mains[shot.index]
        placed: list[Placed] = []
        for i, actor in enumerate(self.actors):
            if main is not None and actor is main.actor:
                placed.append(main)
            elif actor.id in self.shared:
                placed.append(self.shared[actor.id])
            elif actor.role == "subject":
                placed.append(self.place_member(actor, i))
        if main is not None:
            placed = [self.near_target(p, main, shot) for p in placed]
            placed = [self.beside(p, main) for p in placed]
        placed = [with_gait(p, self.ceiling(p.route.anchor[2])) for p in placed]
        main = next((p for p in placed if main is not None and p.actor is main.actor), None)
        zoom = max(shot.camera.start.zoom, shot.camera.end.zoom, 1.0)
        return ShotSetup(shot, tuple(placed), main, self.stage_resolution(zoom, geometry.margin_x), geometry)

    def span(self, z: float, extra: float = 1.0) -> float:
        """Metres across every stage of the render at distance ``z`` (times ``extra``), so that
        looping crowds and traffic turn around where no camera can see them."""
        return self.width * self.span_margin / self.lens.f * z * extra

    def stage_resolution(self, zoom: float, margin_x: float = MARGIN) -> float:
        """Stage pixels per output pixel of the wide view: more for close shots so they stay sharp,
        capped so that a stage never exceeds about 24 megapixels."""
        if zoom < 1.3:
            return 1.0
        cap = (24e6 / (self.width * self.height * MARGIN * margin_x)) ** 0.5
        return max(1.0, min(2.0, round(zoom * 4) / 4, cap))

    def ceiling(self, z: float) -> float:
        """The height in metres at the top edge of the wide view, at distance ``z``."""
        top_row = (self.geometry.height - self.geometry.wide_view[1]) / 2.0
        return self.lens.height + (self.lens.cy - top_row) * z / self.lens.f

    def subject_for(self, shot: Shot) -> Actor | None:
        """The shot's subject if it names an entity (by id or label), else the scene's main subject."""
        wanted = shot.subject
        singles = [a for a in self.actors if a.role in ("subject", "extra") and a.kind in SUBJECT_FRACTION]
        for actor in singles:
            if wanted and wanted in (actor.entity, actor.name):
                return actor
        return next((a for a in singles if a.role == "subject"), None)

    def place_subject(self, shot: Shot) -> tuple[Placed | None, StageGeometry]:
        """Put the shot's subject where its camera looks at the middle of the shot.

        A tracking camera gets a stage wide enough to follow the subject for the whole shot;
        otherwise the subject is turned (and at most slightly slowed) to stay in frame.
        """
        actor = self.subject_for(shot)
        if actor is None:
            return None, self.geometry
        z = self.geometry.depth_for(actor.height, SUBJECT_FRACTION.get(actor.kind, 0.3))
        grounded = actor.motion.gait not in ("float", "hover", "fly")
        if actor.kind in GROUND_KINDS and actor.kind != "person" and grounded:  # its feet stay in frame
            z = max(z, self.geometry.feet_depth(0.9))
        zoom = max(shot.camera.start.zoom, shot.camera.end.zoom, 1.0)
        heading0, speed0 = np.array(actor.motion.heading, np.float64), actor.motion.speed
        geometry = self.geometry
        if shot.camera.move == "track":
            heading, speed = fit_travel(heading0, speed0, shot.duration, np.inf, 0.45 * z)
            travel_px = self.lens.f * abs(heading[0]) * speed * shot.duration / (0.75 * z)
            wide = geometry.wide_view[0]
            margin = min(MAX_TRACK_MARGIN, max(MARGIN, 1.1 * (wide / zoom + travel_px) / wide))
            geometry = geometry.widened(margin)
            room = (0.5 - 0.5 / (margin * zoom)) * 2.0 * geometry.width
            lateral = 0.75 * 0.9 * room / self.lens.f * z
        else:  # the subject crosses at most a third of the frame
            lateral = 0.35 * geometry.wide_view[0] / zoom / self.lens.f * z
        slowest = (0.8 if actor.kind == "person" else 0.5) if actor.motion.legged else 0.3
        heading, speed = fit_travel(heading0, speed0, shot.duration, lateral, 0.3 * z, slowest)
        u_mid, v_mid = interpolate_center(shot, 0.5)
        lens = geometry.lens
        x = lens.world_x((0.5 if shot.camera.move == "track" else u_mid) * geometry.width, z)
        y = 0.0
        if actor.kind in ("flying_car", "bird"):
            y = lens.height - (v_mid * geometry.height - lens.cy) * z / lens.f
        elif not grounded:  # a balloon or a drifting thing floats at the camera's eye level
            y = max(0.0, lens.height - actor.height)
        route = Route(
            anchor=(x, y, z),
            velocity=tuple(heading * speed),
            t_anchor=shot.start + shot.duration / 2.0,
            bob=0.15 if actor.kind == "flying_car" else 0.0,
        )
        return Placed(actor, route), geometry

    def near_target(self, placed: Placed, main: Placed, shot: Shot) -> Placed:
        """An extra that the subject acts on (the lion's prey) waits ahead of it in the same shot."""
        if placed.actor.role != "extra" or not self.is_target(main.actor.entity, placed.actor.entity):
            return placed
        ahead = main.route.at(shot.end)
        hx = math.copysign(1.0, main.route.velocity[0] or 1.0)
        z = ahead[2] * 2.5
        x = (ahead[0] + hx * 1.5 * main.actor.height) * z / ahead[2]  # ahead on screen, farther away
        route = Route(
            anchor=(x, 0.0, z),
            velocity=tuple(np.array(placed.actor.motion.heading) * placed.actor.motion.speed),
            t_anchor=shot.start + shot.duration / 2,
        )
        return Placed(placed.actor, route)

    def beside(self, placed: Placed, main: Placed) -> Placed:
        """A companion (the dog he walks, the kite she flies, the umbrella he holds) moves with its
        holder: same velocity, an offset that suits what it is."""
        offset = self.companions.get(placed.actor.id)
        if offset is None or self.companions.get(f"{placed.actor.id}>") != main.actor.id:
            return placed
        route = main.route
        ahead = math.copysign(1.0, route.velocity[0] or 1.0)
        dx, dy, dz = offset
        anchor = (route.anchor[0] + ahead * dx * main.actor.height, dy * main.actor.height, route.anchor[2] + dz)
        bob = 0.08 * main.actor.height if dy > 1.5 else 0.0
        hand = (route.anchor[0] + ahead * 0.2 * main.actor.height, 0.55 * main.actor.height, route.anchor[2])
        tether = tuple(float(a - b) for a, b in zip(hand, anchor)) if dy > 0 else None
        return Placed(placed.actor, replace(route, anchor=anchor, bob=bob, bob_hz=0.35, bob_phase=1.0), tether)

    def is_target(self, source: str, target: str) -> bool:
        return any(s == source and t == target for s, t, _ in self.scene.relations("action"))

    def place_member(self, actor: Actor, index: int) -> Placed:
        """Crowds, traffic, flocks and scenery: placed once for the whole render."""
        rng = np.random.default_rng([self.seed, 2, index])
        speed = actor.motion.speed * float(rng.uniform(0.8, 1.2))
        heading = np.array(actor.motion.heading, np.float64)
        if actor.kind == "person" and self.setting == "city_street":
            return self.place_pedestrian(actor, rng, speed)
        if actor.kind in ("flying_car", "bird"):
            return self.place_flyer(actor, rng, speed, heading)
        if actor.kind == "car" and self.setting == "city_street":
            lane = float(rng.choice([-2.2, 2.2]))
            direction = -1.0 if lane > 0 else 1.0
            return Placed(actor, Route((lane, 0.0, 40.0), (0.0, 0.0, direction * speed), wrap=120.0))
        z = float(rng.uniform(6.0, 40.0)) if actor.kind != "plant" else float(rng.uniform(8.0, 80.0))
        span = self.span(z, 1.1)
        x = float(rng.uniform(-span / 2, span / 2))
        if actor.kind == "light":
            return Placed(actor, Route((x, float(rng.uniform(2.0, 5.0)), z * 0.5), (0.0, 0.0, 0.0)))
        if speed > 0 and actor.kind in GROUND_KINDS:
            velocity = heading * speed
            velocity[2] = 0.0 if abs(heading[2]) < 0.5 else velocity[2] * 0.2
            wrap = span + 4 * actor.width
            return Placed(actor, Route((x, 0.0, z), tuple(velocity), wrap=wrap))
        return Placed(actor, Route((x, 0.0, z), (0.0, 0.0, 0.0)))

    def place_pedestrian(self, actor: Actor, rng: np.random.Generator, speed: float) -> Placed:
        """A passer-by on a city street: along a pavement, looping far away or beside the camera."""
        side = float(rng.choice([-1.0, 1.0]))
        x = side * float(rng.uniform(ROAD_X + 0.5, FACADE_X - 0.5))  # pavements: they leave the frame at the side
        z = float(rng.uniform(3.0, 55.0))
        if actor.motion.speed <= 0 or rng.random() < 0.15:
            return Placed(actor, Route((x, 0.0, z), (0.0, 0.0, 0.0)))
        direction = float(rng.choice([-1.0, 1.0]))
        sway = float(rng.uniform(-0.08, 0.08))
        velocity = (sway * speed, 0.0, direction * speed * math.sqrt(1 - sway * sway))
        return Placed(actor, Route((x, 0.0, 29.0), velocity, t_anchor=(29.0 - z) / (direction * speed), wrap=52.0))

    def place_flyer(self, actor: Actor, rng: np.random.Generator, speed: float, heading: np.ndarray) -> Placed:
        if actor.kind == "bird":
            z, alt = float(rng.uniform(12.0, 70.0)), float(rng.uniform(4.0, 30.0))
        elif self.setting == "skyline":
            z = float(np.exp(rng.uniform(np.log(30.0), np.log(320.0))))
            alt = self.lens.height + float(rng.uniform(-0.25, 0.3)) * z * self.geometry.height / self.lens.f
            alt = max(alt, 20.0)  # above the water
        else:
            z, alt = float(rng.uniform(25.0, 150.0)), float(rng.uniform(12.0, 70.0))
        span = self.span(z)
        x = float(rng.uniform(-span / 2, span / 2))
        direction = math.copysign(1.0, heading[0] if abs(heading[0]) > 0.2 else float(rng.choice([-1.0, 1.0])))
        if rng.random() < 0.35:
            direction = -direction
        velocity = (direction * speed, 0.0, float(rng.uniform(-0.1, 0.1)) * speed)
        return Placed(
            actor,
            Route(
                (x, alt, z),
                velocity,
                wrap=span * 1.3 + 3 * actor.width,
                bob=0.3 if actor.kind == "flying_car" else 0.5,
                bob_hz=float(rng.uniform(0.2, 0.6)),
                bob_phase=float(rng.uniform(0, 6.28)),
            ),
        )


# Where a companion goes, in its holder's heights: (ahead, up, deeper in metres).
FLYING_THINGS = frozenset({"kite", "balloon", "balloons", "drone"})
COMPANION_VERBS = frozenset(
    [
        "walk",
        "lead",
        "hold",
        "carry",
        "fly",
        "pull",
        "drag",
        "push",
        "tow",
        "hug",
        "cradle",
        "clutch",
        "grip",
        "steer",
        "wheel",
    ]
)


def companions_of(scene: Scene, actors: list[Actor]) -> dict[str, object]:
    """Actor id → offset from its holder, and ``id + ">"`` → the holder's actor id."""
    ids = {a.entity: a.id for a in actors if a.role in ("subject", "extra")}
    kinds = {a.id: a for a in actors}
    out: dict[str, object] = {}
    for source, target, data in scene.relations():
        verb = str(data.get("verb") or "")
        led = data.get("kind") == "action" and verb in COMPANION_VERBS
        led = led or (data.get("kind") == "spatial" and data.get("prep") == "with")  # "a woman with an umbrella"
        led = led and scene.entity(target).get("type") in ("animal", "object", "vehicle", "bird", "light")
        owned_pet = data.get("kind") == "possession" and scene.entity(target).get("type") == "animal"
        if not (led or owned_pet) or source not in ids or target not in ids or ids[target] in out:
            continue
        actor = kinds[ids[target]]
        if actor.name in FLYING_THINGS or actor.kind == "bird":
            offset = (-0.9, 1.25, 0.6)  # up in the air behind the holder, on a string
        elif actor.look.get("shape") == "umbrella":
            offset = (0.1, 0.45, 0.05)  # held up over the head (the stick behind her)
        elif actor.kind in ("quadruped", "person"):
            offset = (0.55, 0.0, 0.4)  # trotting alongside, a step ahead
        else:
            offset = (0.22, 0.32, -0.05)  # in the hand
        out[ids[target]] = offset
        out[f"{ids[target]}>"] = ids[source]
    return out


TREE_WORDS = ("birch", "pine", "fir", "spruce", "palm", "oak", "maple", "autumn", "bamboo", "cherry")


def scenery_of(scene: Scene) -> dict:
    """What the words say of the place itself: the kind of trees ("a birch forest", "pines")."""
    words = set(str(scene.settings.get("prompt", "")).lower().replace(",", " ").replace(".", " ").split())
    for _, data in scene.entities():
        words.add(str(data.get("label", "")).lower())
    for entity_id, _ in scene.entities():
        words |= {str(a.get("value", "")).lower() for a in scene.attributes(entity_id)}
    trees = next((w for w in TREE_WORDS if w in words or f"{w}es" in words or f"{w}s" in words), None)
    return {"trees": trees} if trees else {}


def eye_level(actors: list[Actor], setting: str) -> float | None:
    """A camera at the height of a small subject (a fox, a dog, a child's kite is not small),
    so that it is seen large and whole rather than from above at the bottom of the frame."""
    subject = next((a for a in actors if a.role == "subject"), None)
    small_thing = subject is not None and subject.kind == "generic" and subject.height < 0.8
    if subject is None or not (subject.kind == "quadruped" or small_thing) or subject.height > 1.2:
        return None
    if setting in ("skyline", "sky", "space", "underwater"):
        return None
    return max(0.45, 1.4 * subject.height)


def with_gait(placed: Placed, ceiling: float) -> Placed:
    """Gait-specific movement on top of the straight route: floating and hovering things bob,
    swimmers bob at the surface, falling things drop from above and start again, dancers sway."""
    gait, route, height = placed.actor.motion.gait, placed.route, placed.actor.height
    if gait in ("float", "hover") and not route.bob:
        lift = 0.5 * height if placed.actor.kind not in ("bird", "flying_car") else 0.0
        anchor = (route.anchor[0], route.anchor[1] + lift, route.anchor[2])
        route = replace(route, anchor=anchor, bob=0.12 * height, bob_hz=0.3, bob_phase=placed.actor.phase * 6.28)
    elif gait == "swim":
        route = replace(route, bob=0.05 * height, bob_hz=0.6, bob_phase=placed.actor.phase * 6.28)
    elif gait == "dance":
        route = replace(route, bob=0.04 * height, bob_hz=2.0)
    elif gait == "fall" and not route.fall_period:
        drop = max(0.5 * height, min(max(4.0, 3.0 * height), 0.85 * ceiling - height))
        anchor = (route.anchor[0], route.anchor[1] + drop, route.anchor[2])
        route = replace(route, anchor=anchor, fall_period=math.sqrt(2.0 * drop / FALL_ACCEL))
    return placed if route is placed.route else Placed(placed.actor, route)


def fit_travel(
    heading: np.ndarray, speed: float, duration: float, lateral: float, depth: float, slowest: float = 0.8
) -> tuple[np.ndarray, float]:
    """Turn (and if need be slow) a subject so that it stays in frame for the whole shot.

    Sideways travel is limited to ``lateral`` metres (a third of the frame unless the camera
    tracks) and travel in depth to ``depth`` metres (so its size stays readable). Something too
    fast for that slows by a fifth at most (``slowest``) and crosses the frame instead: a runner still
    runs. Things without legs (a soaring eagle, a plane) may slow further: no stride gives them away.
    """
    travel = speed * max(duration, 1e-6)
    if travel <= 0:
        return heading, speed
    sx = math.copysign(1.0, heading[0]) if heading[0] else 1.0
    sz = math.copysign(1.0, heading[2]) if heading[2] else -1.0
    hx_max, hz_max = lateral / travel, depth / travel
    if hx_max**2 + hz_max**2 < 1.0:  # cannot fit: go the diagonal, a little slower, and cross the frame
        norm = math.hypot(hx_max, hz_max)
        return np.array([sx * hx_max / norm, 0.0, sz * hz_max / norm]), speed * max(norm, slowest)
    hx = min(abs(heading[0]), hx_max)
    hz = math.sqrt(max(0.0, 1.0 - hx * hx))
    if hz > hz_max:
        hz = hz_max
        hx = math.sqrt(1.0 - hz * hz)
    return np.array([sx * hx, 0.0, sz * hz]), speed


def interpolate_center(shot: Shot, progress: float) -> tuple[float, float]:
    (u0, v0), (u1, v1) = shot.camera.start.center, shot.camera.end.center
    return u0 + (u1 - u0) * progress, v0 + (v1 - v0) * progress


def thing_colours(scene: Scene) -> tuple[tuple[int, int, int], ...]:
    """Colours named on people, animals, vehicles, objects and clothes (not on places or lights)."""
    out = []
    for entity_id, data in scene.entities():
        if data.get("type") in ("place", "light", "structure", "plant"):
            continue
        rgb = entity_colour(scene, entity_id)
        if rgb is not None:
            out.append(rgb)
    return tuple(out)


def scene_words(scene: Scene) -> tuple[set[str], set[str]]:
    """State words of all entities (wet street) and light words of light entities (neon, warm)."""
    states, lights = set(), set()
    for entity_id, data in scene.entities():
        words = {str(a.get("value", "")).lower() for a in scene.attributes(entity_id)}
        states |= words
        if str(data.get("type")) == "light":
            lights |= words | {str(data.get("label", "")).lower()}
    for source, _, data in scene.relations("action"):
        if data.get("verb") in ("reflect", "mirror", "shine"):
            states.add("reflective")
    return states, lights
