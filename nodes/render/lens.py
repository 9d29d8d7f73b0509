"""The world's geometry: a pinhole camera over a ground plane, and the stage it paints on.

World coordinates are metres: X to the right, Y up, Z away from the camera, which stands at
``(0, height, 0)`` looking along +Z. A point projects to ``x = cx + f·X/Z`` and
``y = cy − f·(Y − height)/Z``; ``cy`` is the horizon row. Because every shape goes through
this one projection, sizes shrink with distance, facades converge and reflections mirror
correctly, and a camera crop of the stage is just another lens (:meth:`Lens.moved`).

The *stage* is the canvas a shot's camera crops from: ``MARGIN`` times the wide (zoom 1)
view (wider for tracking shots), at ``resolution`` stage pixels per output pixel of that
view, so that a pan has somewhere to go and a zoom stays sharp.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEAR = 0.3  # metres; nothing is drawn closer than this
MARGIN = 1.3  # the stage is this much larger than the wide view, for pans and tilts
FOCAL = 0.9  # focal length as a fraction of the wide view's larger side

# Per setting: horizon row as a fraction of the stage height, and the camera height in metres.
SETTING_GEOMETRY: dict[str, tuple[float, float]] = {
    "city_street": (0.47, 1.6),
    "savanna": (0.5, 1.25),
    "skyline": (0.6, 90.0),
    "beach": (0.5, 1.6),
    "forest": (0.5, 1.6),
    "mountain": (0.52, 2.0),
    "interior": (0.45, 1.5),
    "desert": (0.5, 1.6),
    "snowfield": (0.5, 1.6),
    "lake": (0.5, 1.6),
    "park": (0.5, 1.6),
    "farm": (0.5, 1.6),
    "bridge": (0.5, 1.6),
    "market": (0.47, 1.6),
    "underwater": (0.4, 1.6),
    "sky": (0.62, 1.6),
    "space": (0.5, 1.6),
    "generic": (0.55, 1.6),
}


@dataclass(frozen=True)
class Lens:
    """Pinhole projection from world metres to canvas pixels."""

    f: float
    cx: float
    cy: float
    height: float

    def project(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``pts`` (..., 3) → pixel coordinates (..., 2) and depth (...)."""
        pts = np.asarray(pts, np.float64)
        z = np.maximum(pts[..., 2], NEAR)
        k = self.f / z
        out = np.empty(pts.shape[:-1] + (2,))
        out[..., 0] = self.cx + k * pts[..., 0]
        out[..., 1] = self.cy - k * (pts[..., 1] - self.height)
        return out, z

    def point(self, x: float, y: float, z: float) -> tuple[float, float]:
        z = max(z, NEAR)
        return self.cx + self.f * x / z, self.cy - self.f * (y - self.height) / z

    def px_per_m(self, z: float) -> float:
        return self.f / max(z, NEAR)

    def ground_row(self, z: float) -> float:
        return self.cy + self.f * self.height / max(z, NEAR)

    def depth_of_row(self, row: float) -> float:
        """Ground depth seen at a canvas row below the horizon (inf at or above it)."""
        below = row - self.cy
        return float("inf") if below <= 0 else self.f * self.height / below

    def world_x(self, px: float, z: float) -> float:
        return (px - self.cx) * z / self.f

    def moved(self, scale: float, ox: float, oy: float) -> Lens:
        """The lens after the canvas is scaled by ``scale`` and shifted by ``(-ox, -oy)``."""
        return Lens(self.f * scale, self.cx * scale - ox, self.cy * scale - oy, self.height)


@dataclass(frozen=True)
class StageGeometry:
    """Sizes of the stage canvas and the views the camera takes of it.

    ``margin_x`` is how many wide views fit across the stage: ``MARGIN`` normally, more for a
    shot whose camera tracks a subject a long way sideways.
    """

    out_w: int
    out_h: int
    setting: str
    resolution: float = 1.0
    margin_x: float = MARGIN
    cam_height: float | None = None  # metres; None: the setting's (a fox is filmed from lower down)

    @property
    def width(self) -> int:
        return round(self.out_w * self.margin_x * self.resolution)

    @property
    def height(self) -> int:
        return round(self.out_h * MARGIN * self.resolution)

    @property
    def wide_view(self) -> tuple[float, float]:
        """Width and height, in stage pixels, of the zoom-1 view."""
        return self.out_w * self.resolution, self.out_h * self.resolution

    @property
    def lens(self) -> Lens:
        horizon, cam_height = SETTING_GEOMETRY.get(self.setting, SETTING_GEOMETRY["generic"])
        f = FOCAL * max(self.wide_view)
        height = cam_height if self.cam_height is None else self.cam_height
        return Lens(f=f, cx=self.width / 2.0, cy=self.height * horizon, height=height)

    def depth_for(self, size_m: float, fraction: float) -> float:
        """The distance at which something ``size_m`` tall fills ``fraction`` of the wide view's height."""
        return self.lens.f * size_m / (fraction * self.wide_view[1])

    def feet_depth(self, room: float = 0.7) -> float:
        """The nearest distance at which ground contact still shows in the wide view, using ``room``
        of the rows between the horizon and the view's bottom edge."""
        lens = self.lens
        bottom = (self.height + self.wide_view[1]) / 2.0
        return lens.f * lens.height / max(1.0, room * (bottom - lens.cy))

    def scaled(self, resolution: float) -> StageGeometry:
        return StageGeometry(self.out_w, self.out_h, self.setting, resolution, self.margin_x, self.cam_height)

    def widened(self, margin_x: float) -> StageGeometry:
        return StageGeometry(self.out_w, self.out_h, self.setting, self.resolution, margin_x, self.cam_height)
