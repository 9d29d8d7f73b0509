"""Exact per-frame control maps of the animatic (``render.controls``), for ControlNet and VACE.

Estimators guess depth, poses and segments from pixels; we drew the scene, so we know them.
For every frame the plan of ``render.animatic`` (same scene, shots and parameters) is replayed
and each actor is drawn once more through its own drawer, alone and white on black, to get its
exact silhouette. From the silhouettes, the lens and the skeletons:

- depth: inverse depth, white near and black far, the ground plane from the lens (every row
  below the horizon has a known distance), each actor at its own distance, the backdrop
  (sky, painted facades) at the far value; a fixed scale per video, so it does not flicker;
- pose: every person's skeleton in OpenPose's 18-keypoint layout, drawn with OpenPose's
  limb colours (what ControlNet OpenPose models were trained on);
- segmentation: ADE20K class colours (sky or facades above the horizon, road/floor/grass/water
  below it, person, car, animal, ...), the palette segmentation ControlNets read, or a distinct
  colour per entity (``palette="entity"``);
- edges: Canny on the animatic's own frame (ControlNet's canny thresholds).

Frames are produced lazily in chunks like the animatic's, so a long video never sits in memory.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np

from . import figures
from .figures import J
from .plan import RenderPlan
from .renderer import AnimaticRenderer

MAPS = ("depth", "pose", "segmentation", "edges")
FAR_DEPTH = 0.0  # the backdrop's value in the depth map
CANNY = (100, 200)

# ADE20K colours of the classes the animatic draws (the palette of segmentation ControlNets).
ADE = {
    "sky": (6, 230, 230),
    "building": (180, 120, 120),
    "wall": (120, 120, 120),
    "ground": (140, 140, 140),  # road
    "floor": (80, 50, 50),
    "water": (61, 230, 250),
    "grass": (4, 250, 7),
    "person": (150, 5, 61),
    "car": (0, 102, 200),
    "flying_car": (0, 102, 200),
    "quadruped": (255, 0, 122),  # animal
    "bird": (255, 0, 122),
    "plant": (4, 200, 3),  # tree
    "light": (255, 173, 0),  # lamp
    "generic": (255, 6, 82),  # thing
}
BACKDROP_CLASS = {"city_street": "building", "market": "building", "skyline": "building", "interior": "wall"}
GROUND_CLASS = {"interior": "floor", "lake": "water", "beach": "water", "savanna": "grass", "park": "grass"}

# OpenPose (COCO 18): nose, neck, r/l shoulder, elbow, wrist, r/l hip, knee, ankle, r/l eye, r/l ear.
OPENPOSE_LIMBS = (
    (1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10),
    (1, 11), (11, 12), (12, 13), (1, 0), (0, 14), (14, 16), (0, 15), (15, 17),
)  # fmt: skip
OPENPOSE_COLOURS = (
    (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0),
    (0, 255, 0), (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255),
    (0, 0, 255), (85, 0, 255), (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85),
)  # fmt: skip
BODY = (
    "neck",
    "sh_r",
    "el_r",
    "ha_r",
    "sh_l",
    "el_l",
    "ha_l",
    "hip_r",
    "knee_r",
    "ankle_r",
    "hip_l",
    "knee_l",
    "ankle_l",
)


@dataclass(frozen=True)
class FrameControls:
    """All maps of one frame, and what they were made from (for checks and captions)."""

    depth: np.ndarray  # H×W×3 uint8, grey
    pose: np.ndarray  # H×W×3 uint8, OpenPose rendering
    segmentation: np.ndarray  # H×W×3 uint8
    edges: np.ndarray  # H×W×3 uint8, white edges on black
    ids: np.ndarray  # H×W int16: index of the actor seen at each pixel, -1 = background
    keypoints: np.ndarray  # (people, 18, 3): x, y, visible (OpenPose order)


class ControlRenderer:
    """Replays an animatic's plan and draws its control maps."""

    def __init__(self, plan: RenderPlan, palette: str = "ade20k") -> None:
        self.plan = plan
        self.palette = palette
        self.animatic = AnimaticRenderer(plan)
        self._lock = threading.Lock()
        self._chunk: tuple[int, int, list[FrameControls]] | None = None
        self.near = plan.geometry.feet_depth(1.0)  # metres to the nearest ground the wide view shows

    def produce(self, kind: str):
        """A frame producer for one map (``Frames``' ``producer(start, stop)``)."""

        def producer(start: int, stop: int) -> np.ndarray:
            return np.stack([getattr(c, kind) for c in self.chunk(start, stop)])

        return producer

    def chunk(self, start: int, stop: int) -> list[FrameControls]:
        """The maps of frames ``[start, stop)``; the last chunk is kept, since the four maps are
        usually read over the same frames one after the other."""
        with self._lock:
            if self._chunk is not None and self._chunk[:2] == (start, stop):
                return self._chunk[2]
        out = [self.frame(i) for i in range(start, stop)]
        with self._lock:
            self._chunk = (start, stop, out)
        return out

    def frame(self, index: int) -> FrameControls:
        plan = self.plan
        h, w = plan.height, plan.width
        setup = plan.setups[plan.shot_index(index)]
        t = plan.time_of(index)
        view = plan.view_at(setup, t)
        lens = view.lens(setup.geometry)
        picture = np.empty((h, w, 3), np.uint8)
        self.animatic.render(index, picture)
        depth = self.ground_depth(lens)
        seg = self.background_segments(lens)
        ids = np.full((h, w), -1, np.int16)
        keypoints = np.zeros((0, 18, 3))
        placed = setup.placed
        if placed:
            pos = self.animatic.batch(setup).at(t)
            people = [i for i, p in enumerate(placed) if p.actor.kind == "person"]
            poses = figures.Poses([placed[i] for i in people], pos[people], t) if people else None
            slot = {i: k for k, i in enumerate(people)}
            canvas = np.zeros((h, w, 3), np.uint8)
            for i in np.argsort(-pos[:, 2], kind="stable"):  # far to near: the nearest wins
                actor = placed[i].actor
                if actor.kind == "light" and plan.signs:
                    continue  # drawn on the stage as neon signs: part of the backdrop
                canvas[:] = 0
                white = {
                    k: (255, 255, 255) if isinstance(v, tuple) else v
                    for k, v in self.animatic.colours(placed[i], False).items()
                }
                if actor.kind == "person":
                    figures.draw_person(canvas, lens, poses, slot[i], white, False)
                else:
                    self.animatic._drawers[actor.kind](canvas, lens, placed[i], pos[i], t, white, False)
                mask = canvas[:, :, 0] >= 128
                if not mask.any():
                    continue
                ids[mask] = i
                depth[mask] = self.depth_value(float(pos[i, 2]))
                seg[mask] = self.entity_colour(actor, int(i))
            if poses is not None:
                keypoints = openpose_keypoints(poses, lens, w, h)
        edges = cv2.Canny(cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY), *CANNY)
        grey = np.repeat(depth[:, :, None], 3, axis=2)
        return FrameControls(
            depth=grey,
            pose=draw_openpose(keypoints, h, w),
            segmentation=seg,
            edges=np.repeat(edges[:, :, None], 3, axis=2),
            ids=ids,
            keypoints=keypoints,
        )

    def depth_value(self, z: float) -> int:
        """Inverse depth on a fixed scale: 255 at the nearest ground of the wide view or closer."""
        return round(255.0 * min(1.0, self.near / max(z, 1e-3)))

    def ground_depth(self, lens) -> np.ndarray:
        rows = np.arange(self.plan.height, dtype=np.float64) + 0.5
        below = rows - lens.cy
        z = np.where(below > 0, lens.f * lens.height / np.maximum(below, 1e-6), np.inf)
        values = np.where(np.isfinite(z), np.round(255.0 * np.minimum(1.0, self.near / z)), FAR_DEPTH)
        return np.repeat(values.astype(np.uint8)[:, None], self.plan.width, axis=1)

    def background_segments(self, lens) -> np.ndarray:
        h, w = self.plan.height, self.plan.width
        seg = np.empty((h, w, 3), np.uint8)
        horizon = int(np.clip(np.ceil(lens.cy), 0, h))
        backdrop = ADE[BACKDROP_CLASS.get(self.plan.setting, "sky")]  # streets are walled by facades
        seg[:horizon] = backdrop if self.palette == "ade20k" else (0, 0, 0)
        ground = ADE[GROUND_CLASS.get(self.plan.setting, "ground")] if self.palette == "ade20k" else (40, 40, 40)
        seg[horizon:] = ground
        return seg

    def entity_colour(self, actor, index: int) -> tuple[int, int, int]:
        if self.palette == "ade20k":
            return ADE.get(actor.kind, ADE["generic"])
        return entity_palette(actor.entity)


def entity_palette(entity: str) -> tuple[int, int, int]:
    """A bright colour fixed by the entity id (the same entity has it in every frame and shot)."""
    hue = sum(ord(c) * 7919 for c in entity) % 180
    hsv = np.array([[[hue, 200, 230]]], np.uint8)
    r, g, b = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0]
    return int(r), int(g), int(b)


def openpose_keypoints(poses: figures.Poses, lens, width: int, height: int) -> np.ndarray:
    """(people, 18, 3) keypoints (x, y, visible) in OpenPose's order from the figures' skeletons.

    The face points come from the head joint and the body axes: eyes show when the face turns
    to the camera, an ear when the head is seen from that side. Points outside the frame or
    behind the camera are invisible."""
    world = poses.world
    n = len(world)
    s = poses.scale[:, None]
    head = world[:, J["head"]]
    up = np.array([0.0, 1.0, 0.0])
    fwd, right = poses.fwd, poses.right
    face = {
        0: head + fwd * 0.1 * s,
        14: head + fwd * 0.08 * s + right * 0.035 * s + up * 0.03 * s,
        15: head + fwd * 0.08 * s - right * 0.035 * s + up * 0.03 * s,
        16: head + right * 0.075 * s,
        17: head - right * 0.075 * s,
    }
    points = np.zeros((n, 18, 3))
    for k, name in enumerate(BODY, start=1):
        points[:, k, :] = _project(lens, world[:, J[name]])
    to_camera = -head / np.maximum(np.linalg.norm(head, axis=1, keepdims=True), 1e-6)
    facing = np.sum(fwd * to_camera, axis=1)  # > 0: the face is turned to the camera
    side = np.sum(right * to_camera, axis=1)  # > 0: the figure's right side is turned to the camera
    for k, where in face.items():
        points[:, k, :] = _project(lens, where)
    points[:, 0, 2] *= facing > -0.2
    points[:, 14, 2] *= facing > 0.1
    points[:, 15, 2] *= facing > 0.1
    points[:, 16, 2] *= side > -0.3
    points[:, 17, 2] *= side < 0.3
    inside = (points[..., 0] >= 0) & (points[..., 0] < width) & (points[..., 1] >= 0) & (points[..., 1] < height)
    points[..., 2] *= inside
    tall = np.array([p.actor.height for p in poses.placed]) * lens.f / np.maximum(world[:, 0, 2], 1e-3)
    points[tall < 24.0, :, 2] = 0  # too small to read a pose from: OpenPose would not find it either
    return points


def _project(lens, pts: np.ndarray) -> np.ndarray:
    xy, _ = lens.project(pts)
    out = np.zeros(pts.shape[:-1] + (3,))
    out[..., :2] = xy
    out[..., 2] = (pts[..., 2] > 0.3).astype(float)
    return out


def draw_openpose(keypoints: np.ndarray, height: int, width: int) -> np.ndarray:
    """OpenPose's body rendering: limbs as ellipses at 60% colour over black, joints as dots."""
    canvas = np.zeros((height, width, 3), np.uint8)
    stick = max(2, round(4 * max(height, width) / 512))
    for person in keypoints:
        for colour, (a, b) in zip(OPENPOSE_COLOURS, OPENPOSE_LIMBS, strict=False):
            if not (person[a, 2] and person[b, 2]):
                continue
            (x0, y0), (x1, y1) = person[a, :2], person[b, :2]
            length = float(np.hypot(x1 - x0, y1 - y0))
            angle = float(np.degrees(np.arctan2(y1 - y0, x1 - x0)))
            polygon = cv2.ellipse2Poly(
                (int((x0 + x1) / 2), int((y0 + y1) / 2)), (int(length / 2), stick), int(angle), 0, 360, 1
            )
            cv2.fillConvexPoly(canvas, polygon, tuple(int(c * 0.6) for c in colour))
        for k in range(18):
            if person[k, 2]:
                cv2.circle(canvas, (int(person[k, 0]), int(person[k, 1])), stick, OPENPOSE_COLOURS[k], -1)
    return canvas


def contact_sheet(maps: dict[str, np.ndarray], picture: np.ndarray | None = None, label_px: int = 14) -> np.ndarray:
    """One row per frame: the animatic picture (if given) then each map, captioned; for eyes."""
    columns = ([("animatic", picture)] if picture is not None else []) + list(maps.items())
    rows = len(columns[0][1])
    h, w = columns[0][1].shape[1:3]
    sheet = np.full((rows * (h + label_px), len(columns) * w, 3), 24, np.uint8)
    for c, (name, frames) in enumerate(columns):
        for r in range(rows):
            y = r * (h + label_px)
            sheet[y + label_px : y + label_px + h, c * w : (c + 1) * w] = frames[r]
            cv2.putText(sheet, name, (c * w + 3, y + label_px - 3), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (230, 230, 230), 1)
    return sheet
