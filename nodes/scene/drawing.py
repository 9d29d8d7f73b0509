"""A tiny 2-D canvas drawn twice: to a PIL image (PNG, numpy) and to SVG text.

Pictures of the scene graph and the storyboard are described once as a list of shapes, so
the PNG and the SVG always show the same thing. Text is measured with PIL's bundled font,
so layouts fit in both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
from PIL import Image, ImageDraw, ImageFont

Color = tuple[int, int, int]


@lru_cache(maxsize=16)
def font(size: int) -> Any:
    return ImageFont.load_default(size=size)


def text_width(text: str, size: int) -> float:
    return float(font(size).getlength(text))


def hex_color(c: Color) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, int(v))) for v in c))


@dataclass
class Canvas:
    width: int
    height: int
    background: Color = (255, 255, 255)
    ops: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    # -- recording ----------------------------------------------------------------------------
    def rect(
        self,
        box: tuple[float, float, float, float],
        fill: Color | None = None,
        outline: Color | None = None,
        width: float = 1,
        radius: float = 0,
        dash: bool = False,
    ) -> None:
        self.ops.append(
            ("rect", {"box": box, "fill": fill, "outline": outline, "width": width, "radius": radius, "dash": dash})
        )

    def ellipse(
        self,
        box: tuple[float, float, float, float],
        fill: Color | None = None,
        outline: Color | None = None,
        width: float = 1,
    ) -> None:
        self.ops.append(("ellipse", {"box": box, "fill": fill, "outline": outline, "width": width}))

    def polygon(self, points: list[tuple[float, float]], fill: Color) -> None:
        self.ops.append(("polygon", {"points": points, "fill": fill}))

    def line(self, points: list[tuple[float, float]], color: Color, width: float = 2, dash: bool = False) -> None:
        self.ops.append(("line", {"points": points, "color": color, "width": width, "dash": dash}))

    def arrow(self, points: list[tuple[float, float]], color: Color, width: float = 2, head: float = 9) -> None:
        """A polyline with an arrowhead at its last point."""
        self.line(points, color, width)
        (x0, y0), (x1, y1) = points[-2], points[-1]
        angle = math.atan2(y1 - y0, x1 - x0)
        left = (x1 - head * math.cos(angle - 0.45), y1 - head * math.sin(angle - 0.45))
        right = (x1 - head * math.cos(angle + 0.45), y1 - head * math.sin(angle + 0.45))
        self.polygon([(x1, y1), left, right], color)

    def text(
        self, xy: tuple[float, float], text: str, size: int = 14, color: Color = (30, 30, 30), anchor: str = "mm"
    ) -> None:
        """``anchor``: PIL's two letters, horizontal l/m/r and vertical t/m/b (e.g. "lt")."""
        self.ops.append(("text", {"xy": xy, "text": text, "size": size, "color": color, "anchor": anchor}))

    def label(
        self,
        xy: tuple[float, float],
        text: str,
        size: int = 13,
        color: Color = (30, 30, 30),
        fill: Color = (255, 255, 255),
        outline: Color | None = None,
    ) -> None:
        """Text on a rounded box, centred at ``xy``."""
        w = text_width(text, size) + 10
        h = size + 8
        x, y = xy
        self.rect((x - w / 2, y - h / 2, x + w / 2, y + h / 2), fill=fill, outline=outline, radius=5)
        self.text(xy, text, size, color)

    # -- rendering ----------------------------------------------------------------------------
    def to_image(self) -> Image.Image:
        img = Image.new("RGB", (self.width, self.height), self.background)
        draw = ImageDraw.Draw(img)
        for kind, op in self.ops:
            getattr(self, f"_pil_{kind}")(draw, **op)
        return img

    def to_array(self) -> np.ndarray:
        return np.asarray(self.to_image(), dtype=np.uint8).copy()

    def to_svg(self) -> str:
        header = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}" font-family="DejaVu Sans, Arial, sans-serif">'
        )
        parts = [
            header,
            f'<rect width="100%" height="100%" fill="{hex_color(self.background)}"/>',
        ]
        for kind, op in self.ops:
            parts.append(getattr(self, f"_svg_{kind}")(**op))
        parts.append("</svg>")
        return "\n".join(parts) + "\n"

    @staticmethod
    def _pil_rect(draw: ImageDraw.ImageDraw, box, fill, outline, width, radius, dash) -> None:
        if dash and outline is not None:
            x0, y0, x1, y1 = box
            if fill is not None:
                draw.rectangle(box, fill=fill)
            for a, b in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
                Canvas._pil_dashed(draw, a, b, outline, width)
            return
        draw.rounded_rectangle(box, radius=radius, fill=fill, outline=outline, width=round(width))

    @staticmethod
    def _pil_dashed(draw: ImageDraw.ImageDraw, a, b, color, width, on: float = 8, off: float = 5) -> None:
        length = math.dist(a, b)
        if length == 0:
            return
        ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
        pos = 0.0
        while pos < length:
            end = min(length, pos + on)
            draw.line(
                [(a[0] + ux * pos, a[1] + uy * pos), (a[0] + ux * end, a[1] + uy * end)], fill=color, width=round(width)
            )
            pos += on + off

    @staticmethod
    def _pil_ellipse(draw: ImageDraw.ImageDraw, box, fill, outline, width) -> None:
        draw.ellipse(box, fill=fill, outline=outline, width=round(width))

    @staticmethod
    def _pil_polygon(draw: ImageDraw.ImageDraw, points, fill) -> None:
        draw.polygon(points, fill=fill)

    @staticmethod
    def _pil_line(draw: ImageDraw.ImageDraw, points, color, width, dash) -> None:
        if dash:
            for a, b in pairwise(points):
                Canvas._pil_dashed(draw, a, b, color, width)
        else:
            draw.line(points, fill=color, width=round(width), joint="curve")

    @staticmethod
    def _pil_text(draw: ImageDraw.ImageDraw, xy, text, size, color, anchor) -> None:
        draw.text(xy, text, fill=color, font=font(size), anchor=anchor)

    @staticmethod
    def _svg_paint(fill: Color | None, outline: Color | None, width: float) -> str:
        f = hex_color(fill) if fill is not None else "none"
        s = f' stroke="{hex_color(outline)}" stroke-width="{width:g}"' if outline is not None else ""
        return f'fill="{f}"{s}'

    def _svg_rect(self, box, fill, outline, width, radius, dash) -> str:
        x0, y0, x1, y1 = box
        d = ' stroke-dasharray="8 5"' if dash else ""
        return (
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" rx="{radius:g}" '
            f"{self._svg_paint(fill, outline, width)}{d}/>"
        )

    def _svg_ellipse(self, box, fill, outline, width) -> str:
        x0, y0, x1, y1 = box
        return (
            f'<ellipse cx="{(x0 + x1) / 2:.1f}" cy="{(y0 + y1) / 2:.1f}" rx="{(x1 - x0) / 2:.1f}" '
            f'ry="{(y1 - y0) / 2:.1f}" {self._svg_paint(fill, outline, width)}/>'
        )

    def _svg_polygon(self, points, fill) -> str:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        return f'<polygon points="{pts}" fill="{hex_color(fill)}"/>'

    def _svg_line(self, points, color, width, dash) -> str:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        d = ' stroke-dasharray="8 5"' if dash else ""
        return (
            f'<polyline points="{pts}" fill="none" stroke="{hex_color(color)}" stroke-width="{width:g}" '
            f'stroke-linejoin="round" stroke-linecap="round"{d}/>'
        )

    def _svg_text(self, xy, text, size, color, anchor) -> str:
        h = {"l": "start", "m": "middle", "r": "end"}[anchor[0]]
        baseline = {"t": "hanging", "m": "central", "b": "text-after-edge", "s": "alphabetic"}[anchor[1]]
        return (
            f'<text x="{xy[0]:.1f}" y="{xy[1]:.1f}" font-size="{size}" fill="{hex_color(color)}" '
            f'text-anchor="{h}" dominant-baseline="{baseline}">{escape(text)}</text>'
        )


def bezier(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], steps: int = 24
) -> list[tuple[float, float]]:
    """Points along a quadratic Bézier curve (for arcs drawn identically in PNG and SVG)."""
    out = []
    for k in range(steps + 1):
        t = k / steps
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t * t
        out.append((a * p0[0] + b * p1[0] + c * p2[0], a * p0[1] + b * p1[1] + c * p2[1]))
    return out


def fit_text(text: str, size: int, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` pixels."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def wrap(text: str, size: int, width: float, lines: int) -> list[str]:
    words, out, line = text.split(), [], ""
    for w in words:
        trial = f"{line} {w}".strip()
        if text_width(trial, size) <= width:
            line = trial
            continue
        out.append(line)
        line = w
        if len(out) == lines:
            break
    if len(out) < lines and line:
        out.append(line)
    if len(out) == lines and " ".join(out) != " ".join(words):
        out[-1] = fit_text(out[-1] + " …", size, width)
    return [fit_text(x, size, width) for x in out[:lines]]
