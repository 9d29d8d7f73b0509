"""Pictures that let a person check training and generation: loss curves, per-word heat maps
over the frames and the words × frames attention matrix. Drawn with OpenCV (no plotting
library), as H×W×3 uint8 arrays for IMAGE sockets."""

from __future__ import annotations

import cv2
import numpy as np

FONT = cv2.FONT_HERSHEY_SIMPLEX
INK = (30, 30, 30)
PAPER = (250, 250, 248)
CURVES = {"loss_d": (200, 60, 40), "loss_g": (40, 90, 200), "d_real": (40, 150, 60), "d_fake": (150, 60, 160)}


def text(img: np.ndarray, s: str, org: tuple[int, int], scale: float = 0.45, colour: tuple = INK) -> None:
    cv2.putText(img, s, org, FONT, scale, colour, 1, cv2.LINE_AA)


def smooth(values: np.ndarray, window: int) -> np.ndarray:
    if len(values) < window or window < 2:
        return values
    kernel = np.ones(window) / window
    padded = np.concatenate([np.full(window - 1, values[0]), values])
    return np.convolve(padded, kernel, mode="valid")


def loss_curve(history: dict[str, list[float]], width: int = 720, height: int = 360) -> np.ndarray:
    """Both losses (and D's mean outputs on real and fake) against the step; raw faint, smoothed bold."""
    img = np.full((height, width, 3), PAPER, np.uint8)
    left, right, top, bottom = 52, 16, 28, 36
    steps = np.asarray(history.get("step", []), np.float64)
    text(img, "GAN training: loss_D (red), loss_G (blue), D(real) (green), D(fake) (purple)", (left, 18), 0.42)
    if len(steps) < 2:
        text(img, "not enough steps to plot", (left, height // 2))
        return img
    series = {k: np.asarray(history[k], np.float64) for k in CURVES if history.get(k)}
    hi = max(1.0, float(np.nanpercentile(np.concatenate(list(series.values())), 99)) * 1.05)
    x0, x1, y0, y1 = left, width - right, height - bottom, top

    def xy(s: np.ndarray, v: np.ndarray) -> np.ndarray:
        x = x0 + (s - steps[0]) / max(1.0, steps[-1] - steps[0]) * (x1 - x0)
        y = y0 - np.clip(v, 0, hi) / hi * (y0 - y1)
        return np.stack([x, y], 1).astype(np.int32)

    cv2.rectangle(img, (x0, y1), (x1, y0), (180, 180, 180), 1)
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = int(y0 - frac * (y0 - y1))
        cv2.line(img, (x0, y), (x1, y), (225, 225, 225), 1)
        text(img, f"{frac * hi:.2f}", (6, y + 4), 0.38)
    text(img, f"step {int(steps[0])}", (x0, height - 12), 0.38)
    text(img, f"step {int(steps[-1])}", (x1 - 80, height - 12), 0.38)
    window = max(1, len(steps) // 40)
    for key, values in series.items():
        colour = CURVES[key]
        faint = tuple(int(c + (255 - c) * 0.7) for c in colour)
        cv2.polylines(img, [xy(steps, values)], False, faint, 1, cv2.LINE_AA)
        cv2.polylines(img, [xy(steps, smooth(values, window))], False, colour, 2, cv2.LINE_AA)
    return img


def heat(value: float) -> tuple[int, int, int]:
    """0 → dark blue, 1 → yellow (an inferno-like ramp through OpenCV's colour map, as RGB)."""
    v = np.uint8([[int(np.clip(value, 0, 1) * 255)]])
    bgr = cv2.applyColorMap(v, cv2.COLORMAP_INFERNO)[0, 0]
    return int(bgr[2]), int(bgr[1]), int(bgr[0])


def attention_matrix(weights: np.ndarray, tokens: tuple[str, ...], caption: str, cell: int = 28) -> np.ndarray:
    """Words (rows) × frames (columns), each cell coloured by A[frame, word] with its value written in."""
    frames, words = weights.shape
    left, top = 90, 56
    img = np.full((top + words * cell + 30, max(560, left + frames * cell + 16), 3), PAPER, np.uint8)
    text(img, caption[:90], (6, 16), 0.42)
    text(img, "attention of each frame (columns) over the words (rows); each column sums to 1", (6, 32), 0.36)
    text(img, "colour: relative to the largest weight; numbers: the weights", (6, 46), 0.36)
    peak = max(1e-6, float(weights.max()))
    for w in range(words):
        text(img, tokens[w], (6, top + w * cell + cell // 2 + 5), 0.42)
        for t in range(frames):
            x, y = left + t * cell, top + w * cell
            value = float(weights[t, w])
            cv2.rectangle(img, (x, y), (x + cell - 2, y + cell - 2), heat(value / peak), -1)
            text(
                img,
                f"{value:.2f}"[1:] if value < 1 else "1",
                (x + 2, y + cell // 2 + 3),
                0.3,
                (255, 255, 255) if value / peak < 0.6 else INK,
            )
    for t in range(frames):
        text(img, str(t), (left + t * cell + 6, top + words * cell + 16), 0.36)
    return img


def word_heatmaps(frames: np.ndarray, weights: np.ndarray, tokens: tuple[str, ...], thumb: int = 48) -> np.ndarray:
    """One row per word: the frames, each washed by how much that frame attended to the word
    (full colour and a bright bar where it looked at the word, dimmed where it did not)."""
    t_count, words = weights.shape
    pick = np.linspace(0, t_count - 1, min(t_count, 8)).round().astype(int)
    left = 90
    img = np.full((words * (thumb + 6) + 8, left + len(pick) * (thumb + 4) + 8, 3), PAPER, np.uint8)
    small = [cv2.resize(frames[i], (thumb, thumb), interpolation=cv2.INTER_NEAREST) for i in pick]
    peak = max(1e-6, float(weights.max()))
    for w in range(words):
        y = 4 + w * (thumb + 6)
        text(img, tokens[w], (6, y + thumb // 2 + 5), 0.42)
        for k, i in enumerate(pick):
            a = float(weights[i, w]) / peak
            tile = (small[k].astype(np.float32) * (0.25 + 0.75 * a)).astype(np.uint8)
            cv2.rectangle(tile, (0, thumb - 6), (thumb - 1, thumb - 1), heat(a), -1)
            x = left + k * (thumb + 4)
            img[y : y + thumb, x : x + thumb] = tile
    return img
