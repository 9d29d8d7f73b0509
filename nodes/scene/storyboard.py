"""The shot plan as a storyboard strip: one schematic panel per shot.

Each panel shows the whole virtual stage (sky by time of day, ground by setting, the shot's
subject drawn by type at the stage centre, rain and neon when the scene has them) with the
camera's start framing dashed, its end framing solid and an arrow for the move; above it
the shot number, time span and move, below it the subject, action and the shot's prompt.
"""

from __future__ import annotations

from .drawing import Canvas, fit_text, wrap
from .model import Scene
from .shots import Framing, Shot, ShotPlan

PANEL_W, PANEL_H = 320, 180
GAP, TOP, CAPTION = 18, 34, 96
PER_ROW = 5
SKIES = {
    "night": ((12, 14, 38), (52, 34, 86)),
    "sunset": ((250, 150, 70), (130, 62, 120)),
    "dusk": ((62, 64, 126), (206, 126, 146)),
    "dawn": ((250, 204, 172), (150, 182, 232)),
    "day": ((110, 172, 236), (204, 230, 250)),
}
GROUNDS = {
    "city_street": (58, 58, 66),
    "savanna": (206, 166, 80),
    "beach": (230, 212, 160),
    "forest": (58, 118, 60),
    "mountain": (110, 110, 118),
    "skyline": (40, 40, 52),
    "interior": (120, 92, 70),
    "generic": (140, 140, 140),
}
FRAME_START, FRAME_END = (255, 255, 255), (255, 214, 10)
HORIZON = 0.45


def storyboard(scene: Scene, plan: ShotPlan) -> Canvas:
    n = len(plan.shots)
    cols = max(1, min(PER_ROW, n))
    rows = (n + cols - 1) // cols
    width = GAP + cols * (PANEL_W + GAP)
    height = 50 + rows * (TOP + PANEL_H + CAPTION + GAP)
    canvas = Canvas(width, height, (24, 26, 31))
    canvas.text((GAP, 24), f"Storyboard: {n} shots, {plan.duration:g} s", 20, (235, 235, 235), "lm")
    for k, shot in enumerate(plan.shots):
        x = GAP + (k % cols) * (PANEL_W + GAP)
        y = 50 + (k // cols) * (TOP + PANEL_H + CAPTION + GAP)
        _panel(canvas, scene, shot, x, y)
    return canvas


def _panel(canvas: Canvas, scene: Scene, shot: Shot, x: float, y: float) -> None:
    title = f"#{shot.index + 1}  {shot.start:.1f}-{shot.end:.1f} s  {shot.camera.move.replace('_', ' ')}"
    canvas.text((x, y + 14), title, 15, (235, 235, 235), "lm")
    top = y + TOP
    _stage(canvas, scene, shot, x, top)
    _framing(canvas, shot.camera.start, x, top, FRAME_START, dashed=True)
    _framing(canvas, shot.camera.end, x, top, FRAME_END, dashed=False)
    _move_arrow(canvas, shot, x, top)
    canvas.rect((x, top, x + PANEL_W, top + PANEL_H), outline=(90, 92, 100), width=1)
    subject = shot.subject_name or (scene.entity(shot.subject)["label"] if shot.subject in scene.graph else "scene")
    line = f"{subject}" + (f" - {shot.action}" if shot.action else "")
    canvas.text((x, top + PANEL_H + 14), fit_text(line, 14, PANEL_W), 14, (255, 214, 10), "lm")
    for k, text in enumerate(wrap(shot.prompt, 11, PANEL_W, 5)):
        canvas.text((x, top + PANEL_H + 34 + 14 * k), text, 11, (200, 202, 208), "lm")


def _px(x: float, top: float, u: float, v: float) -> tuple[float, float]:
    return x + u * PANEL_W, top + v * PANEL_H


def _stage(canvas: Canvas, scene: Scene, shot: Shot, x: float, top: float) -> None:
    s = scene.settings
    sky_top, sky_bottom = SKIES.get(s.get("time_of_day") or "day", SKIES["day"])
    bands = 12
    for b in range(bands):
        t = b / (bands - 1)
        colour = tuple(int(sky_top[c] + (sky_bottom[c] - sky_top[c]) * t) for c in range(3))
        y0 = top + HORIZON * PANEL_H * b / bands
        canvas.rect((x, y0, x + PANEL_W, top + HORIZON * PANEL_H * (b + 1) / bands + 1), fill=colour)
    setting = s.get("setting", "generic")
    ground = GROUNDS.get(setting, GROUNDS["generic"])
    canvas.rect((x, top + HORIZON * PANEL_H, x + PANEL_W, top + PANEL_H), fill=ground)
    _scenery(canvas, setting, x, top, "neon" in s.get("lighting", []))
    if s.get("crowd_density", 0) >= 0.3:
        for k in range(9):
            u = 0.06 + 0.11 * k
            if abs(u - 0.5) > 0.08:
                _person(canvas, x, top, u, 0.5, 0.7, (70, 70, 84))
    _subject(canvas, scene, shot, x, top)
    if "rain" in s.get("weather", []):
        for k in range(40):
            u, v = (k * 37 % 100) / 100, (k * 53 % 90) / 100
            canvas.line([_px(x, top, u, v), _px(x, top, u - 0.015, v + 0.08)], (170, 190, 230), 1)


def _scenery(canvas: Canvas, setting: str, x: float, top: float, neon: bool) -> None:
    h = HORIZON
    if setting in ("city_street", "skyline"):
        for k, (u, w, tall) in enumerate(
            ((0.0, 0.16, 0.3), (0.17, 0.12, 0.42), (0.72, 0.13, 0.38), (0.86, 0.14, 0.28))
        ):
            canvas.rect((*_px(x, top, u, h - tall), *_px(x, top, u + w, h + 0.02)), fill=(30 + 8 * k, 32, 46))
            if neon:
                colour = ((255, 60, 170), (60, 220, 255), (255, 190, 40), (140, 90, 255))[k]
                canvas.rect(
                    (*_px(x, top, u + 0.02, h - tall + 0.08), *_px(x, top, u + w - 0.03, h - tall + 0.16)),
                    fill=colour,
                    radius=2,
                )
        canvas.line([_px(x, top, 0.5, h + 0.05), _px(x, top, 0.5, 1.0)], (210, 210, 120), 2, dash=True)
    elif setting == "beach":
        canvas.rect((*_px(x, top, 0, h), *_px(x, top, 1, h + 0.15)), fill=(40, 110, 170))
    elif setting == "forest":
        for u in (0.05, 0.18, 0.78, 0.9):
            canvas.polygon(
                [_px(x, top, u, h - 0.35), _px(x, top, u - 0.07, h + 0.05), _px(x, top, u + 0.07, h + 0.05)],
                (34, 90, 40),
            )
    elif setting == "mountain":
        canvas.polygon([_px(x, top, 0.0, h), _px(x, top, 0.25, h - 0.3), _px(x, top, 0.55, h)], (90, 94, 110))
        canvas.polygon([_px(x, top, 0.4, h), _px(x, top, 0.72, h - 0.38), _px(x, top, 1.0, h)], (80, 84, 100))
    elif setting == "savanna":
        canvas.ellipse((*_px(x, top, 0.72, h - 0.2), *_px(x, top, 0.84, h - 0.02)), fill=(255, 200, 90))


def _subject(canvas: Canvas, scene: Scene, shot: Shot, x: float, top: float) -> None:
    if shot.subject not in scene.graph:
        return
    e = scene.entity(shot.subject)
    colour = _subject_colour(scene, shot.subject)
    kind = e.get("type")
    if kind == "person":
        _person(canvas, x, top, 0.5, 0.30, 0.90, colour)
    elif kind == "animal":
        canvas.ellipse((*_px(x, top, 0.36, 0.62), *_px(x, top, 0.62, 0.8)), fill=colour)
        canvas.ellipse((*_px(x, top, 0.58, 0.56), *_px(x, top, 0.68, 0.7)), fill=colour)
        for u in (0.4, 0.45, 0.53, 0.58):
            canvas.line([_px(x, top, u, 0.78), _px(x, top, u, 0.88)], colour, 3)
    elif kind == "vehicle":
        canvas.rect((*_px(x, top, 0.34, 0.6), *_px(x, top, 0.66, 0.78)), fill=colour, radius=6)
        for u in (0.4, 0.6):
            canvas.ellipse((*_px(x, top, u - 0.03, 0.75), *_px(x, top, u + 0.03, 0.85)), fill=(20, 20, 20))
    elif kind == "bird":
        for u, v in ((0.45, 0.35), (0.55, 0.3), (0.5, 0.42)):
            canvas.line(
                [_px(x, top, u - 0.03, v - 0.03), _px(x, top, u, v), _px(x, top, u + 0.03, v - 0.03)], colour, 2
            )
    elif kind == "light":
        canvas.ellipse((*_px(x, top, 0.44, 0.3), *_px(x, top, 0.56, 0.5)), fill=(255, 230, 120))
    elif kind == "place":
        pass  # the stage itself is the place
    else:
        canvas.rect((*_px(x, top, 0.4, 0.45), *_px(x, top, 0.6, 0.85)), fill=colour, radius=4)
    canvas.text(_px(x, top, 0.5, 0.96), fit_text(e["label"], 11, PANEL_W / 2), 11, (255, 255, 255))


def _person(canvas: Canvas, x: float, top: float, u: float, v0: float, v1: float, colour: tuple) -> None:
    h = v1 - v0
    head = h * 0.12
    canvas.ellipse((*_px(x, top, u - head * 0.3, v0), *_px(x, top, u + head * 0.3, v0 + head)), fill=(235, 200, 170))
    canvas.rect(
        (*_px(x, top, u - h * 0.07, v0 + head), *_px(x, top, u + h * 0.07, v0 + h * 0.62)), fill=colour, radius=3
    )
    for du in (-0.03, 0.03):
        canvas.line([_px(x, top, u + du * h, v0 + h * 0.6), _px(x, top, u + du * h, v1)], (30, 30, 30), 3)


def _subject_colour(scene: Scene, eid: str) -> tuple[int, int, int]:
    worn = [t for _, t, d in scene.graph.out_edges(eid, data=True) if d.get("kind") == "wear"]
    for target in [eid] + worn:
        for a in scene.attributes(target):
            if a.get("rgb"):
                return tuple(a["rgb"])  # type: ignore[return-value]
    return (200, 80, 70)


def _framing(canvas: Canvas, f: Framing, x: float, top: float, colour: tuple, dashed: bool) -> None:
    half = 0.5 / max(f.zoom, 1e-3)
    cx = min(max(f.center[0], half), 1 - half)
    cy = min(max(f.center[1], half), 1 - half)
    box = (*_px(x, top, cx - half, cy - half), *_px(x, top, cx + half, cy + half))
    canvas.rect(box, outline=colour, width=2, dash=dashed)


def _move_arrow(canvas: Canvas, shot: Shot, x: float, top: float) -> None:
    a, b = shot.camera.start, shot.camera.end
    p0, p1 = _px(x, top, *a.center), _px(x, top, *b.center)
    if abs(p0[0] - p1[0]) + abs(p0[1] - p1[1]) > 6:
        canvas.arrow([p0, p1], FRAME_END, width=2, head=8)
    elif abs(a.zoom - b.zoom) > 0.05:
        label = "zoom in" if b.zoom > a.zoom else "zoom out"
        canvas.label(_px(x, top, *b.center), label, 11, (30, 30, 30), fill=FRAME_END)
