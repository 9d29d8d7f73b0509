"""Palette and lighting: time of day, weather and the style's colour grade.

One :class:`Look` is resolved per render from the scene's settings and the style axes. The
background stage is graded as a whole array once per shot, and every moving thing's colours
go through the same :meth:`Look.shade`, so that the style's palette tints the whole frame
without a per-frame full-image pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

RGB = tuple[int, int, int]

NAMED_COLOURS: dict[str, RGB] = {
    "black": (22, 22, 26),
    "white": (235, 235, 232),
    "red": (200, 24, 36),
    "crimson": (170, 16, 40),
    "scarlet": (220, 36, 24),
    "blue": (40, 80, 200),
    "navy": (24, 34, 80),
    "green": (40, 150, 60),
    "yellow": (235, 205, 40),
    "orange": (240, 130, 30),
    "purple": (120, 50, 160),
    "violet": (140, 70, 200),
    "pink": (240, 110, 170),
    "magenta": (220, 40, 180),
    "brown": (110, 70, 40),
    "tan": (200, 160, 110),
    "beige": (215, 195, 160),
    "grey": (128, 128, 130),
    "gray": (128, 128, 130),
    "silver": (190, 195, 200),
    "gold": (220, 170, 50),
    "golden": (225, 170, 60),
    "teal": (30, 140, 140),
    "cyan": (40, 210, 230),
    "turquoise": (50, 200, 190),
    "khaki": (170, 160, 110),
    "olive": (110, 115, 50),
    "cream": (240, 230, 200),
    "maroon": (110, 20, 30),
    "ivory": (240, 236, 220),
    "tawny": (200, 140, 60),
    "amber": (255, 180, 40),
}

# Sky gradient (zenith, middle, horizon), ambient light on things, key light colour, sun
# elevation in degrees (None = below the horizon) and how lit the city's windows are.
TIMES: dict[str, dict[str, Any]] = {
    "dawn": {
        "sky": ((60, 80, 140), (190, 150, 175), (255, 200, 150)),
        "ambient": (0.78, 0.72, 0.78),
        "key": (255, 210, 170),
        "sun": 4.0,
        "sun_rgb": (255, 225, 190),
        "windows": 0.25,
    },
    "day": {
        "sky": ((60, 120, 205), (120, 170, 230), (200, 222, 240)),
        "ambient": (1.0, 1.0, 1.0),
        "key": (255, 250, 240),
        "sun": 45.0,
        "sun_rgb": (255, 252, 235),
        "windows": 0.05,
    },
    "sunset": {
        "sky": ((45, 40, 105), (205, 85, 95), (255, 165, 60)),
        "ambient": (1.0, 0.74, 0.55),
        "key": (255, 170, 90),
        "sun": 2.5,
        "sun_rgb": (255, 215, 120),
        "windows": 0.35,
    },
    "dusk": {
        "sky": ((22, 26, 64), (92, 62, 118), (225, 120, 96)),
        "ambient": (0.55, 0.5, 0.62),
        "key": (240, 140, 120),
        "sun": None,
        "sun_rgb": (255, 160, 120),
        "windows": 0.55,
    },
    "night": {
        "sky": ((4, 5, 16), (14, 14, 36), (40, 32, 62)),
        "ambient": (0.38, 0.38, 0.48),
        "key": (255, 120, 170),
        "sun": None,
        "sun_rgb": (230, 230, 255),
        "windows": 0.6,
    },
}


def hex_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def named_colour(name: str | None, default: RGB | None = None) -> RGB | None:
    if not name:
        return default
    return NAMED_COLOURS.get(name.lower().strip(), default)


def mix(a: tuple, b: tuple, t: float) -> RGB:
    """Linear blend of two colours, ``t`` = 0 gives ``a``."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


@dataclass(frozen=True)
class Grade:
    """The style's colour grade, the same function for the stage array and single colours."""

    tint: tuple[float, float, float] = (1.0, 1.0, 1.0)
    strength: float = 0.0
    saturation: float = 1.0
    contrast: float = 1.0
    brightness: float = 1.0
    lift: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def matrix(self) -> np.ndarray:
        """The grade as one affine colour transform (3×4, RGB in 0..255): tint and brightness,
        then saturation around luma, contrast around mid-grey, and the lift of the shadows."""
        gain = (1.0 + self.strength * (np.asarray(self.tint, np.float64) - 1.0)) * self.brightness
        weights = np.array([0.299, 0.587, 0.114])
        sat = self.saturation * np.eye(3) + (1.0 - self.saturation) * np.outer(np.ones(3), weights)
        lift = np.asarray(self.lift, np.float64)
        a = (1.0 - lift)[:, None] * self.contrast * sat @ np.diag(gain)
        b = (1.0 - lift) * 0.5 * (1.0 - self.contrast) + lift
        return np.concatenate([a, 255.0 * b[:, None]], axis=1)

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        """Grade float RGB in 0..255 (any leading shape); returns float32 0..255."""
        m = self.matrix
        x = np.asarray(rgb, np.float64) @ m[:, :3].T + m[:, 3]
        return np.clip(x, 0, 255).astype(np.float32)

    def colour(self, rgb: tuple) -> RGB:
        return tuple(int(v) for v in np.round(self.apply(np.asarray(rgb, np.float32))))  # type: ignore[return-value]


@dataclass(frozen=True)
class Look:
    """Everything about light and colour that does not move."""

    time: str
    sky: tuple[RGB, RGB, RGB]
    ambient: tuple[float, float, float]
    key: RGB
    sun_elevation: float | None
    sun_rgb: RGB
    windows: float
    night: bool
    neon: float = 0.0
    warm_lights: bool = False
    rain: float = 0.0
    snow: float = 0.0
    fog: float = 0.0
    wet: float = 0.0
    futuristic: bool = False
    grade: Grade = field(default_factory=Grade)

    @property
    def fog_rgb(self) -> RGB:
        return mix(self.sky[2], (150, 150, 160), 0.4)

    def lit(self, rgb: tuple, glow: float = 0.0) -> RGB:
        """A surface colour under the ambient light (``glow`` 1 = emits its own light)."""
        amb = tuple(a + (1.0 - a) * glow for a in self.ambient)
        return tuple(int(min(255, c * a)) for c, a in zip(rgb, amb))  # type: ignore[return-value]

    def shade(self, rgb: tuple, glow: float = 0.0) -> RGB:
        """The on-screen colour of a moving thing's surface: lit, then graded like the stage."""
        return self.grade.colour(self.lit(rgb, glow))

    def haze(self, distance: float) -> float:
        reach = 260.0 - 230.0 * self.fog
        return float(min(0.92, 1.0 - np.exp(-max(distance, 0.0) / reach))) * (0.35 + 0.65 * self.fog)


def resolve_look(
    settings: dict[str, Any],
    style: Any,
    entity_states: set[str],
    light_words: set[str],
    entity_colours: tuple[RGB, ...] = (),
) -> Look:
    """Decide the look from the scene settings, words found on entities, and the style.
    ``entity_colours`` (a blue coat, a red balloon) stay on their things: they do not tint the frame."""

    def axis(name: str, default: float = 0.5) -> float:
        return style.axis(name, default) if style is not None else default

    weather = {str(w).lower() for w in settings.get("weather") or ()}
    lighting = {str(w).lower() for w in settings.get("lighting") or ()} | light_words
    time = settings.get("time_of_day")
    if time not in TIMES:
        time = "night" if axis("night", 0.0) > 0.55 else "sunset" if axis("golden_hour", 0.0) > 0.55 else "day"
    preset = TIMES[time]
    night = time in ("night", "dusk")
    rain = 1.0 if weather & {"rain", "rainy", "storm", "drizzle", "downpour"} or axis("rain", 0.0) > 0.6 else 0.0
    snow = 1.0 if weather & {"snow", "snowy", "blizzard", "snowfall"} else 0.0
    fog = 0.8 if weather & {"fog", "foggy", "mist", "misty", "haze", "hazy"} or axis("fog", 0.0) > 0.6 else 0.0
    wet = 1.0 if rain or entity_states & {"wet", "reflective", "puddle", "glossy", "shiny", "slick"} else 0.0
    neon = 1.0 if "neon" in lighting or axis("neon", 0.0) > 0.5 else (0.5 if night else 0.0)
    return Look(
        time=time,
        sky=preset["sky"],
        ambient=preset["ambient"],
        key=preset["key"],
        sun_elevation=preset["sun"],
        sun_rgb=preset["sun_rgb"],
        windows=preset["windows"],
        night=night,
        neon=neon,
        warm_lights=bool(lighting & {"warm", "glowing", "golden", "amber"}),
        rain=rain,
        snow=snow,
        fog=fog,
        wet=wet,
        futuristic=axis("futuristic", 0.0) > 0.5 or bool(entity_states & {"futuristic", "sci-fi", "cyberpunk"}),
        grade=style_grade(style, time, entity_colours),
    )


OWN_COLOUR_DISTANCE = 60.0  # a palette entry this close to an entity's colour is that entity's, not the mood's


def style_grade(style: Any, time: str, entity_colours: tuple[RGB, ...] = ()) -> Grade:
    """The style's palette tints everything a little; its axes set saturation and contrast.
    Palette colours that belong to a thing in the scene are left out of the tint."""
    if style is None:
        return Grade(saturation=1.05, contrast=1.05)
    tint = np.ones(3, np.float32)
    own = np.array(entity_colours, np.float32).reshape(-1, 3)
    mood = [
        c
        for c in style.palette[:4]
        if not own.size or np.linalg.norm(own - np.array(hex_rgb(c), np.float32), axis=1).min() > OWN_COLOUR_DISTANCE
    ]
    if mood:
        colours = np.array([hex_rgb(c) for c in mood], np.float32)
        weights = np.array([0.5, 0.25, 0.15, 0.1][: len(colours)], np.float32)
        mean = (colours * weights[:, None]).sum(0) / weights.sum()
        tint = mean / max(float(luma(mean)), 1.0)
    warmth = style.axis("warmth", 0.5) - 0.5
    tint = tint * np.array([1 + 0.25 * warmth, 1.0, 1 - 0.3 * warmth], np.float32)
    noir = style.axis("noir", 0.0)
    pastel = style.axis("pastel", 0.0)
    saturation = (0.8 + 0.5 * style.axis("saturation", 0.5)) * (1 - 0.85 * noir) * (1 - 0.25 * pastel)
    lift = np.full(3, 0.12 * pastel, np.float32) + (0.04 if time == "night" else 0.0) * (tint / tint.max())
    return Grade(
        tint=tuple(float(v) for v in tint),
        strength=0.22,
        saturation=float(saturation),
        contrast=float(0.9 + 0.3 * style.axis("contrast", 0.5)),
        brightness=float(0.92 + 0.16 * style.axis("brightness", 0.5)),
        lift=tuple(float(v) for v in lift),
    )
