"""Shared builders and measurements for the audio tests (scenes, timelines, styles, onset
detection, pictures), plus tests of the measurements themselves: a detector that cannot
fail would make the footstep-sync test meaningless."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
from scipy.signal import find_peaks

from nodes.datatypes import Timeline, TimelineEvent
from nodes.scene.model import Scene
from nodes.style.model import Style

FPS = 24.0
STYLE_AXES = ("warmth", "neon", "noir", "pastel", "futuristic", "nature", "night", "golden_hour", "rain", "saturation")


def make_scene(**settings) -> Scene:
    """A scene graph following nodes.scene.model's schema; entities as (id, dict) in ``entities``."""
    entities = settings.pop("entities", [])
    g = nx.MultiDiGraph()
    g.add_node("scene", kind="scene", **settings)
    for eid, data in entities:
        g.add_node(eid, kind="entity", **data)
    return Scene(g)


def walker(label: str = "woman", kind: str = "person", verb: str = "walk", speed: str = "walk", salience: float = 1.0):
    motion = {"verb": verb, "speed": speed, "direction": None, "path_prep": "down", "path_target": "street"}
    return {"label": label, "type": kind, "count": 1, "salience": salience, "motions": [motion]}


def tokyo_scene() -> Scene:
    return make_scene(
        setting="city_street", location="street", place_names=["Tokyo"], time_of_day="night", weather=["rain"],
        lighting=["neon", "warm"], crowd_density=0.6, style_tags=["neon", "noir"],
        audio_cues=["rain", "footsteps", "crowd", "city", "neon"],
        entities=[("e0", walker()), ("e1", {"label": "sign", "type": "light", "count": 4, "salience": 0.3})],
    )  # fmt: skip


def walk_timeline(duration: float = 10.0, steps: int = 20, jitter_seed: int | None = 3) -> Timeline:
    """Foot contacts of a walk at ~1.9 steps/s with irregular spacing (so a detector cannot
    succeed by periodicity alone), plus three neon flickers."""
    rng = np.random.default_rng(jitter_seed)
    gaps = 0.47 + (rng.uniform(-0.06, 0.06, steps) if jitter_seed is not None else np.zeros(steps))
    times = 0.35 + np.concatenate([[0.0], np.cumsum(gaps[:-1])])
    events = [TimelineEvent(float(t), "footstep", "e0", {"foot": "left" if i % 2 else "right"}) for i, t in
              enumerate(times) if t < duration - 0.3]  # fmt: skip
    events += [TimelineEvent(t, "flicker", "e1.0", {"duration": 0.12}) for t in (2.0, 5.5, 7.2)]
    return Timeline(duration, tuple(sorted(events, key=lambda e: e.time)))


def make_style(**axes: float) -> Style:
    vector = np.array([axes.get(a, 0.0) for a in STYLE_AXES], np.float32)
    return Style(vector, STYLE_AXES, tuple(a for a, v in axes.items() if v > 0.5), ("#ff2a6d",), "test")


def db(x: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(np.square(x, dtype=np.float64))) + 1e-12)


def onsets(samples: np.ndarray, sr: int, lo_hz: float = 1500.0, k: float = 8.0, min_gap: float = 0.15) -> np.ndarray:
    """Onset times (s) by spectral flux: the mean rise of log magnitudes above ``lo_hz`` over
    10 ms, in 2.5 ms hops; peaks ``k`` robust deviations above the median, ``min_gap`` apart.
    Flux, not energy, so that steady rain or a music bed does not hide a footstep."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    hop, size = int(0.0025 * sr), 1024
    count = (len(mono) - size) // hop
    index = np.arange(size)[None, :] + hop * np.arange(count)[:, None]
    spectra = np.abs(np.fft.rfft(mono[index] * np.hanning(size), axis=1))
    logm = np.log10(spectra[:, np.fft.rfftfreq(size, 1 / sr) >= lo_hz] + 1e-6)
    flux = np.zeros(count)
    flux[4:] = np.maximum(logm[4:] - logm[:-4], 0).mean(axis=1)
    median = np.median(flux)
    spread = 1.4826 * np.median(np.abs(flux - median)) + 1e-9
    peaks, _ = find_peaks(flux, height=median + k * spread, distance=max(1, int(min_gap / 0.0025)))
    return (peaks * hop + size // 2) / sr


def match(expected: np.ndarray, found: np.ndarray, tolerance: float) -> tuple[np.ndarray, int]:
    """Per expected time, the distance to the nearest found onset; and how many found ones match nothing."""
    if len(found) == 0:
        return np.full(len(expected), np.inf), 0
    dist = np.abs(expected[:, None] - found[None, :])
    extra = int(np.sum(dist.min(axis=0) > tolerance))
    return dist.min(axis=1), extra


def spectrogram_png(samples: np.ndarray, sr: int, path: Path, marks: list[float] = ()) -> None:
    """Waveform (top) over a log-frequency spectrogram, with vertical ticks at ``marks`` seconds."""
    from PIL import Image, ImageDraw

    mono = samples.mean(axis=1)
    width, wave_h, spec_h = 1200, 160, 400
    hop, size = max(1, len(mono) // width), 2048
    padded = np.concatenate([mono, np.zeros(size)])
    frames = np.stack([padded[i * hop : i * hop + size] * np.hanning(size) for i in range(width)])
    power = 20 * np.log10(np.abs(np.fft.rfft(frames, axis=1)) + 1e-9)
    freqs = np.fft.rfftfreq(size, 1 / sr)
    rows = np.geomspace(30, sr / 2, spec_h)[::-1]
    cols = np.array([np.interp(rows, freqs, p) for p in power]).T
    shade = np.clip((cols - cols.max() + 90) / 90, 0, 1)
    spec = (np.stack([shade**0.7, shade**1.5, 0.35 + 0.65 * shade**3], axis=-1) * 255).astype(np.uint8)
    wave = np.full((wave_h, width, 3), 20, np.uint8)
    for x in range(width):
        seg = mono[x * hop : (x + 1) * hop]
        if seg.size:
            lo, hi = (int(wave_h / 2 * (1 - v)) for v in (seg.max(), seg.min()))
            wave[max(lo, 0) : min(hi, wave_h - 1) + 1, x] = (120, 220, 140)
    image = Image.fromarray(np.concatenate([wave, spec]))
    draw = ImageDraw.Draw(image)
    for t in marks:
        x = int(t * sr / hop)
        draw.line([(x, 0), (x, 12)], fill=(255, 80, 80), width=2)
    image.save(path)


def test_onset_detector_finds_clicks_in_noise_and_nothing_in_steady_noise() -> None:
    sr = 48000
    rng = np.random.default_rng(0)
    bed = rng.standard_normal((5 * sr, 2)).astype(np.float32) * 0.02
    assert len(onsets(bed, sr)) == 0
    times = np.array([0.5, 1.3, 1.9, 3.05, 4.4])
    clicks = bed.copy()
    for t in times:
        i = int(t * sr)
        clicks[i : i + 480] += rng.standard_normal((480, 1)) * np.exp(-np.arange(480) / 80)[:, None] * 0.5
    dist, extra = match(times, onsets(clicks, sr), 1 / FPS)
    assert dist.max() < 0.01 and extra == 0


def test_match_reports_misses_and_extras() -> None:
    dist, extra = match(np.array([1.0, 2.0]), np.array([1.01, 3.0]), 0.05)
    assert dist[0] < 0.02 and dist[1] > 0.5 and extra == 1
