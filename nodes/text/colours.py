"""Colour words and the sRGB value each one stands for.

Values are the usual web/X11 colours, nudged where the name means something more specific
in a scene description ("golden" light is warmer than the X11 gold). ``colorful`` has a
representative saturated value so that every colour attribute carries an ``rgb``.
"""

from __future__ import annotations

COLOURS: dict[str, tuple[int, int, int]] = {
    "black": (20, 20, 22),
    "white": (245, 245, 245),
    "red": (200, 30, 40),
    "crimson": (190, 20, 60),
    "scarlet": (230, 40, 20),
    "maroon": (120, 20, 30),
    "burgundy": (128, 0, 32),
    "pink": (255, 140, 180),
    "magenta": (255, 0, 200),
    "fuchsia": (255, 0, 255),
    "orange": (255, 140, 20),
    "amber": (255, 180, 30),
    "yellow": (250, 220, 40),
    "gold": (230, 180, 40),
    "golden": (235, 175, 55),
    "green": (40, 160, 60),
    "emerald": (20, 150, 90),
    "olive": (120, 120, 40),
    "lime": (160, 230, 50),
    "mint": (160, 230, 190),
    "teal": (0, 128, 128),
    "turquoise": (64, 210, 200),
    "cyan": (0, 220, 240),
    "aqua": (0, 230, 230),
    "blue": (30, 80, 220),
    "azure": (40, 140, 240),
    "navy": (20, 30, 90),
    "indigo": (75, 0, 130),
    "violet": (140, 70, 220),
    "purple": (130, 50, 170),
    "lavender": (190, 170, 230),
    "brown": (120, 75, 40),
    "tan": (210, 180, 140),
    "beige": (225, 210, 180),
    "khaki": (195, 176, 145),
    "ivory": (255, 250, 235),
    "cream": (250, 240, 210),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "silver": (192, 192, 200),
    "charcoal": (54, 60, 66),
    "bronze": (205, 127, 50),
    "copper": (184, 115, 51),
    "coral": (255, 127, 80),
    "colorful": (255, 64, 160),
    "colourful": (255, 64, 160),
    "multicolored": (255, 64, 160),
    "rainbow": (255, 64, 160),
}

MULTICOLOUR = frozenset({"colorful", "colourful", "multicolored", "rainbow"})


def rgb_of(word: str) -> tuple[int, int, int] | None:
    """The sRGB value of a colour word (any case), or None when it is not a colour."""
    return COLOURS.get(word.lower())


def hex_of(rgb: tuple[int, int, int] | list[int]) -> str:
    r, g, b = (max(0, min(255, round(c))) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"
