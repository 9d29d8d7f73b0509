"""The lazy frame producer: ``produce(start, stop)`` renders exactly those frames.

Per frame: crop and scale the shot's cached stage with the camera (one ``warpAffine``),
dim flickering signs, draw splashes, reflections, actors far to near, then rain or snow.
Stages are cached per stage resolution (within a byte budget), so memory does not grow with the
length of the video, and any frame can be rendered on its own from its index and the seed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from . import animals, figures, props, things, vehicles
from .backgrounds import painter_for
from .lens import Lens
from .look import mix
from .motion import RouteBatch
from .plan import Placed, RenderPlan, ShotSetup
from .stage import Stage, build_stage
from .weather import Weather

WORKERS = 2  # frames drawn at once; the target machine has two cores
STAGE_BUDGET = 96 * 2**20  # bytes of cached stages; the newest is always kept
REFLECTED = ("person", "quadruped", "car", "flying_car")


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def shared_pool() -> ThreadPoolExecutor:
    """One small pool for every renderer in the process, so threads stay bounded."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(WORKERS, thread_name_prefix="animatic")
        return _POOL


class AnimaticRenderer:
    def __init__(self, plan: RenderPlan) -> None:
        self.plan = plan
        self.weather = Weather(plan.look, plan.width, plan.height, plan.seed)
        self._stages: OrderedDict[tuple[float, float], Stage] = OrderedDict()
        self._lock = threading.Lock()
        self._colours: dict[str, dict] = {}
        self._batches: dict[int, RouteBatch] = {}
        # a talking figure: the entity whose mouth moves, and its openness (0..1) at a time
        self.speaker: str | None = None
        self.mouth: Callable[[float], float] | None = None
        self._drawers: dict[str, Callable] = {
            "quadruped": animals.draw_quadruped,
            "bird": animals.draw_bird,
            "car": vehicles.draw_car,
            "flying_car": vehicles.draw_flying_car,
            "plant": props.draw_plant,
            "light": props.draw_light,
            "generic": things.draw_thing,
        }

    def produce(self, start: int, stop: int) -> np.ndarray:
        """Frames ``[start, stop)``; a chunk is shared between two threads, since OpenCV releases
        the GIL while it draws. Every frame depends only on its index, so the order is free."""
        out = np.empty((stop - start, self.plan.height, self.plan.width, 3), np.uint8)
        if stop - start >= 4:
            list(shared_pool().map(lambda k: self.render(start + k, out[k]), range(stop - start)))
        else:
            for k in range(stop - start):
                self.render(start + k, out[k])
        return out

    def stage(self, setup: ShotSetup) -> Stage:
        key = (setup.resolution, setup.geometry.margin_x)
        with self._lock:
            if key in self._stages:
                self._stages.move_to_end(key)
                return self._stages[key]
            plan = self.plan
            geometry = setup.geometry.scaled(setup.resolution)
            stage = build_stage(geometry, plan.look, plan.seed, plan.signs, painter_for(plan.setting), plan.scenery)
            self._stages[key] = stage
            while len(self._stages) > 1 and sum(s.nbytes for s in self._stages.values()) > STAGE_BUDGET:
                self._stages.popitem(last=False)
            return stage

    def render(self, index: int, out: np.ndarray) -> None:
        plan = self.plan
        setup = plan.setups[plan.shot_index(index)]
        t = plan.time_of(index)
        view = plan.view_at(setup, t)
        stage = self.stage(setup)
        s, ox, oy = view.transform(setup.geometry)
        r = setup.resolution
        matrix = np.array([[s / r, 0.0, -ox], [0.0, s / r, -oy]], np.float32)
        cv2.warpAffine(
            stage.image,
            matrix,
            (plan.width, plan.height),
            dst=out,
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REFLECT,
        )
        self.dim_signs(out, stage, matrix, t)
        lens = view.lens(setup.geometry)
        self.weather.draw_ground(out, lens, t)
        self.draw_actors(out, lens, setup, t)
        self.weather.draw_air(out, t)

    def draw_actors(self, img: np.ndarray, lens: Lens, setup: ShotSetup, t: float) -> None:
        """Reflections first (they lie on the ground), then every actor from far to near."""
        placed = setup.placed
        if not placed:
            return
        pos = self.batch(setup).at(t)
        order = np.argsort(-pos[:, 2], kind="stable")
        people = [i for i, p in enumerate(placed) if p.actor.kind == "person"]
        poses = figures.Poses([placed[i] for i in people], pos[people], t) if people else None
        slot = {i: k for k, i in enumerate(people)}
        passes = (True, False) if self.plan.look.wet else (False,)
        for mirror in passes:
            for i in order:
                actor = placed[i].actor
                if mirror and (actor.kind not in REFLECTED or lens.px_per_m(pos[i, 2]) * actor.height < 40.0):
                    continue  # small reflections are lost in the ripples anyway
                if actor.kind == "light" and self.plan.signs:
                    continue  # a city's light entities are its neon signs, already on the stage
                colours = self.colours(placed[i], mirror)
                if self.mouth is not None and actor.entity == self.speaker and not mirror:
                    colours = {**colours, "mouth": self.mouth(t)}
                if actor.kind == "person":
                    figures.draw_person(img, lens, poses, slot[i], colours, mirror)
                else:
                    self._drawers[actor.kind](img, lens, placed[i], pos[i], t, colours, mirror)

    def batch(self, setup: ShotSetup) -> RouteBatch:
        key = setup.shot.index
        if key not in self._batches:
            self._batches[key] = RouteBatch([p.route for p in setup.placed])
        return self._batches[key]

    def colours(self, placed: Placed, mirror: bool) -> dict:
        key = f"{placed.actor.id}|{mirror}"
        if key not in self._colours:
            look = self.plan.look
            city = self.plan.setting in ("city_street", "interior", "market")
            boost = (0.3 if city else 0.22) if look.night else 0.0  # street light, or moonlight, lifts them

            def shade(rgb: tuple, glow: float = 0.0) -> tuple:  # street light lifts people out of the dark
                return look.shade(rgb, max(glow, boost))

            actor = placed.actor
            if actor.kind == "person":
                c = figures.person_colours(shade, actor.look, look.key)
            elif actor.kind in ("car", "flying_car"):
                c = vehicles.vehicle_colours(shade, actor.look, look)
            elif actor.kind in ("quadruped", "bird"):
                c = animals.animal_colours(shade, actor.look)
            elif actor.kind == "generic":
                c = things.thing_colours(shade, actor.look)
            else:
                c = props.prop_colours(shade, actor.look)
            if mirror:
                ground = shade((14, 16, 22))
                c = {k: mix(v, ground, 0.6) if isinstance(v, tuple) else v for k, v in c.items()}
            self._colours[key] = c
        return self._colours[key]

    def dim_signs(self, out: np.ndarray, stage: Stage, matrix: np.ndarray, t: float) -> None:
        """Subtract the light a flickering sign loses at time ``t``."""
        for sign in self.plan.signs:
            if sign.index not in stage.flicker:
                continue
            level = sign.level(t)
            if level >= 0.999:
                continue
            x0, y0, patch = stage.flicker[sign.index]
            sx = matrix[0, 0]
            fx0, fy0 = x0 * sx + matrix[0, 2], y0 * sx + matrix[1, 2]
            fx1, fy1 = fx0 + patch.shape[1] * sx, fy0 + patch.shape[0] * sx
            ix0, iy0 = max(0, int(np.floor(fx0))), max(0, int(np.floor(fy0)))
            ix1, iy1 = min(out.shape[1], int(np.ceil(fx1))), min(out.shape[0], int(np.ceil(fy1)))
            if ix1 <= ix0 or iy1 <= iy0:
                continue
            local = np.array([[sx, 0.0, fx0 - ix0], [0.0, sx, fy0 - iy0]], np.float32)
            warped = cv2.warpAffine(patch, local, (ix1 - ix0, iy1 - iy0), flags=cv2.INTER_LINEAR)
            roi = out[iy0:iy1, ix0:ix1]
            cv2.subtract(roi, cv2.convertScaleAbs(warped, alpha=1.0 - level), dst=roi)
