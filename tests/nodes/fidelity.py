"""Does the animatic draw what the words say? Checks computed from LAYOUT and the pixels.

For each prompt of ``tests/data/fidelity_prompts.json`` the whole chain runs (analyse, scene
graph, shots, style, animatic) at a small size, and these checks are measured:

- ``subject_on_screen``: the first-named subject is in frame, at least 2% of the picture, in
  at least 90% of frames;
- ``subject_unhidden``: nearer things cover more than half of it in at most 10% of frames;
- ``present``: each named companion or object appears in at least a quarter of the frames;
- ``colour``: a named colour covers at least 8% of its entity's box (median over frames);
- ``ground``: snow makes the lower quarter of the frame mostly white;
- ``sky``: night is dark, noon bright and blue, sunset warm (over the top third).

Paired prompts that differ in one word must move a measured property the right way. Used by
``tests/nodes/test_render_fidelity.py`` and ``bench/fidelity.py``.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from nodes.render.node import animatic
from nodes.scene.graph_node import scene_graph
from nodes.scene.shots_node import scene_shots
from nodes.style.embed import style_embed
from nodes.text.analyze import analyze
from server.engine.context import NodeContext

PROMPTS = Path(__file__).parent.parent / "data" / "fidelity_prompts.json"
SIZE = (192, 108)
FPS = 4
DURATION = 8.0
MIN_SHARE, MIN_AREA, MIN_PRESENT, MIN_COLOUR = 0.9, 0.02, 0.25, 0.08

# Named colours as HSV tests (OpenCV: hue 0..180, saturation and value 0..255).
HUES = {
    "red": (0, 10),
    "orange": (10, 22),
    "golden": (14, 30),
    "yellow": (22, 36),
    "green": (36, 85),
    "blue": (95, 130),
    "purple": (130, 160),
    "pink": (150, 178),
    "brown": (5, 25),
}


def colour_mask(pixels: np.ndarray, name: str) -> np.ndarray:
    """Which RGB pixels (N, 3) read as the colour ``name`` under the scene's light."""
    hsv = cv2.cvtColor(pixels.reshape(-1, 1, 3).astype(np.uint8), cv2.COLOR_RGB2HSV).reshape(-1, 3).astype(int)
    h, s, v = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    if name == "white":
        return (v >= 170) & (s <= 60)
    if name == "black":
        return v <= 70
    if name in ("grey", "gray", "silver"):
        return (s <= 60) & (v >= 40) & (v <= 225)
    lo, hi = HUES[name]
    hue = (h >= lo) & (h <= hi) if name != "red" else (h <= hi) | (h >= 170)
    if name == "brown":
        return hue & (s >= 70) & (v >= 30) & (v <= 190)
    return hue & (s >= 90) & (v >= 35)


ACHROMATIC = ("white", "black", "grey", "gray", "silver")


@dataclass
class Rendered:
    prompt: str
    scene: object
    shots: object
    frames: np.ndarray
    layout: object


def context(tmp: Path) -> NodeContext:
    return NodeContext(
        node_id="fidelity",
        node_type="fidelity",
        run_id="fidelity",
        seed=0,
        temp_dir=tmp,
        output_dir=tmp,
        log=logging.getLogger("fidelity"),
    )


def run_chain(
    prompt: str, size: tuple[int, int] = SIZE, fps: int = FPS, duration: float = DURATION, seed: int = 3
) -> tuple[object, object, dict]:
    """The whole chain from text to the animatic's outputs (frames still lazy), as a workflow runs it."""
    with tempfile.TemporaryDirectory() as tmp:
        ctx = context(Path(tmp))
        doc = analyze(ctx, analyze.parse_params({"backend": "builtin"}), text=prompt)["doc"]
        scene = scene_graph(ctx, scene_graph.parse_params({}), doc=doc)["scene"]
        shots = scene_shots(ctx, scene_shots.parse_params({"duration": duration}), scene=scene)["shots"]
        style = style_embed(ctx, style_embed.parse_params({"backend": "builtin"}), text=prompt, scene=scene)["style"]
        params = animatic.parse_params({"width": size[0], "height": size[1], "fps": fps, "seed": seed})
        return scene, shots, animatic(ctx, params, scene=scene, shots=shots, style=style)


def chain(prompt: str, size: tuple[int, int], fps: int, duration: float):
    """Only the lazy FRAMES, for timing."""
    return run_chain(prompt, size, fps, duration)[2]["frames"]


def render(prompt: str, seed: int = 3, size: tuple[int, int] = SIZE) -> Rendered:
    """The whole chain from text to frames at the fidelity size."""
    scene, shots, out = run_chain(prompt, size, seed=seed)
    return Rendered(prompt, scene, shots, out["frames"].to_array(), out["layout"])


def boxes(r: Rendered, word: str) -> list[list[float] | None]:
    """Per frame, the box of the single entity named ``word`` (largest when several match)."""
    out = []
    for frame in r.layout.frames:
        found = [b["box"] for b in frame if b["name"] == word or b["name"].rstrip("s") == word]
        out.append(max(found, key=lambda b: (b[2] - b[0]) * (b[3] - b[1])) if found else None)
    return out


def worn_box(r: Rendered, word: str) -> tuple[str, list]:
    """A worn thing is drawn on its wearer: use the wearer's box."""
    scene = r.scene
    for source, target, data in scene.graph.edges(data=True):
        if data.get("kind") == "wear" and scene.graph.nodes[target].get("label") in (word, word + "s"):
            wearer = scene.graph.nodes[source].get("label")
            return wearer, boxes(r, wearer)
    return word, boxes(r, word)


def hidden_share(r: Rendered, word: str) -> float:
    """Share of frames in which nearer things (boxes reaching lower on screen, i.e. standing nearer)
    cover more than half of the subject's box."""
    hidden = []
    for frame in r.layout.frames:
        mine = [b["box"] for b in frame if b["name"] == word]
        if not mine:
            continue
        x0, y0, x1, y1 = mine[0]
        own = max(1e-6, (x1 - x0) * (y1 - y0))
        mask = np.zeros((round(y1 - y0) + 1, round(x1 - x0) + 1), bool)
        for b in frame:
            bx0, by0, bx1, by1 = b["box"]
            if b["name"] == word or by1 <= y1 + 1:
                continue
            cx0, cy0 = max(0, round(bx0 - x0)), max(0, round(by0 - y0))
            cx1, cy1 = min(mask.shape[1], round(bx1 - x0)), min(mask.shape[0], round(by1 - y0))
            if cx1 > cx0 and cy1 > cy0:
                mask[cy0:cy1, cx0:cx1] = True
        hidden.append(mask.sum() / own > 0.5)
    return float(np.mean(hidden)) if hidden else 0.0


def area(box, r: Rendered) -> float:
    return (box[2] - box[0]) * (box[3] - box[1]) / (r.layout.width * r.layout.height)


def colour_share(r: Rendered, word: str, name: str) -> float:
    """Median share of the entity's box covered by the colour, over frames where it is readable."""
    _, bx = worn_box(r, word)
    shares = []
    for img, box in zip(r.frames, bx):
        if box is None or area(box, r) < 0.003:
            continue
        x0, y0, x1, y1 = (round(v) for v in box)
        px = img[y0:y1, x0:x1].reshape(-1, 3)
        if name in ACHROMATIC:  # judged as the eye does under tinted light: against the frame's grey (gray world)
            gain = img.reshape(-1, 3).mean(0).mean() / np.maximum(img.reshape(-1, 3).mean(0), 1.0)
            px = np.clip(px * gain, 0, 255).astype(np.uint8)
        if px.size:
            shares.append(float(colour_mask(px, name).mean()))
    return float(np.median(shares)) if shares else 0.0


def ground_white(r: Rendered) -> float:
    """Share of the lower quarter that is snow: pale and light (a night's snow is blue-grey)."""
    low = r.frames[:, -r.frames.shape[1] // 4 :].reshape(-1, 3)[::7]
    hsv = cv2.cvtColor(low.reshape(-1, 1, 3), cv2.COLOR_RGB2HSV).reshape(-1, 3).astype(int)
    return float(((hsv[:, 1] <= 100) & (hsv[:, 2] >= 100)).mean())


def brightness(r: Rendered) -> float:
    return float(r.frames.mean())


def sky_warmth(r: Rendered) -> float:
    top = r.frames[:, : r.frames.shape[1] // 3].reshape(-1, 3).astype(float)
    return float(top[:, 0].mean() - top[:, 2].mean())


def white_trunks(r: Rendered) -> float:
    mid = r.frames[:, : r.frames.shape[1] // 2].reshape(-1, 3)
    return float(colour_mask(mid[:: max(1, mid.shape[0] // 20000)], "white").mean())


def checks(case: dict, r: Rendered) -> list[tuple[str, str, bool, float]]:
    """(kind, what, passed, measured value) for one prompt."""
    out = []
    if case["subject"]:  # a group ("flying cars") has no single subject to follow
        bx = boxes(r, case["subject"])
        readable = [b is not None and area(b, r) >= MIN_AREA for b in bx]
        share = float(np.mean(readable)) if readable else 0.0
        out.append(("subject_on_screen", case["subject"], share >= MIN_SHARE, share))
        hidden = hidden_share(r, case["subject"])
        out.append(("subject_unhidden", case["subject"], hidden <= 1.0 - MIN_SHARE, hidden))
    for word in case["present"]:
        seen = float(np.mean([b is not None for b in boxes(r, word)]))
        out.append(("present", word, seen >= MIN_PRESENT, seen))
    for word, name in case["colours"].items():
        value = colour_share(r, word, name)
        out.append(("colour", f"{name} {word}", value >= MIN_COLOUR, value))
    if case.get("ground") == "snow":
        value = ground_white(r)
        out.append(("ground", "snow", value >= 0.35, value))
    sky = case.get("sky")
    if sky:
        top = r.frames[:, : r.frames.shape[1] // 3].reshape(-1, 3).astype(float)
        luma = float((top @ np.array([0.299, 0.587, 0.114])).mean())
        warm = float(top[:, 0].mean() - top[:, 2].mean())
        night = luma < 70 or float(r.frames.mean()) < 95  # a dark sky, or a dark city lit by its windows and neon
        ok = {"night": night, "day": luma > 120 and warm < 0, "sunset": warm > 15}[sky]
        out.append(("sky", sky, bool(ok), luma if sky != "sunset" else warm))
    return out


MEASURES = {
    "brightness": brightness,
    "ground_white": ground_white,
    "sky_warm": sky_warmth,
    "white_trunks": white_trunks,
}


def pair_holds(pair: dict, a: Rendered, b: Rendered) -> tuple[bool, float, float]:
    """Prompt ``a`` must measure more than prompt ``b``."""
    if pair["measure"] == "colour":
        va, vb = colour_share(a, pair["entity"], pair["colour"]), colour_share(b, pair["entity"], pair["colour"])
    else:
        va, vb = MEASURES[pair["measure"]](a), MEASURES[pair["measure"]](b)
    return va > vb, va, vb


def load() -> dict:
    return json.loads(PROMPTS.read_text())


def save_sheet(r: Rendered, path: Path, count: int = 8, columns: int = 4) -> None:
    """A grid of frames spread over the video with the layout's boxes, written atomically."""
    picks = np.linspace(0, len(r.frames) - 1, count).round().astype(int)
    tiles = []
    for i in picks:
        tile = cv2.cvtColor(r.frames[i], cv2.COLOR_RGB2BGR)
        for b in r.layout.frames[i]:
            x0, y0, x1, y1 = (round(v) for v in b["box"])
            if "." not in b["id"]:
                cv2.rectangle(tile, (x0, y0), (x1, y1), (0, 255, 255), 1)
        tiles.append(tile)
    rows = [np.concatenate(tiles[k : k + columns], axis=1) for k in range(0, count, columns)]
    sheet = np.concatenate(rows, axis=0)
    banner = np.full((16, sheet.shape[1], 3), 20, np.uint8)
    cv2.putText(banner, r.prompt[:110], (4, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.38, (255, 255, 255), 1, cv2.LINE_AA)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=path.parent)
    os.close(fd)
    cv2.imwrite(tmp, np.concatenate([banner, sheet], axis=0))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
