"""The ``video.grade`` node: a 3D LUT, colour transfer toward a STYLE palette, film grain, vignette."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Frames
from nodes.style.model import Style
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .look import apply_grain, apply_transfer, apply_vignette, transfer_luts
from .lut import LutError, apply_dense, dense_table, read_cube


class GradeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lut: str = Param(
        "",
        description="A .cube 3D LUT file (in the upload folder or the CLI's --input-dir); empty for none.",
        widget="file",
        max_length=1024,
    )
    lut_strength: float = Param(1.0, description="Mix of the LUT's look with the original.", ge=0, le=1, step=0.05)
    transfer: float = Param(
        0.5,
        description="How far the colours move toward the STYLE palette (needs the style input; 0 off).",
        ge=0,
        le=1,
        step=0.05,
    )
    grain: float = Param(0.0, description="Film grain strength (0 none, 1 heavy).", ge=0, le=1, step=0.05)
    grain_size: float = Param(1.5, description="Film grain size in pixels.", ge=1.0, le=4.0, step=0.1, advanced=True)
    vignette: float = Param(0.0, description="Corner darkening (0 none, 1 black corners).", ge=0, le=1, step=0.05)
    seed: int = Param(0, description="Grain pattern seed.", ge=0, le=2**32 - 1, widget="seed")


@node(
    id="video.grade",
    version="1.0.0",
    title="Grade video",
    category="video",
    inputs={
        "frames": Input("FRAMES", "The frames to grade."),
        "style": Input("STYLE", "A style whose palette the colours move toward.", optional=True),
    },
    outputs={"frames": Output("FRAMES", "The graded frames, computed lazily as they are read.")},
    params=GradeParams,
)
def grade(ctx: NodeContext, params: GradeParams, *, frames: Frames, style: Style | None = None) -> dict:
    """The look: a .cube LUT, colours moved toward the style's palette, vignette and film grain,
    in that order. The LUT is checked now (a wrong-size or 1D LUT is refused); grading happens
    as the frames are read."""
    if frames.count == 0:
        raise NodeInputError("frames", "there are no frames to grade; the source produced 0 frames")
    dense = None
    if params.lut.strip():
        path = ctx.input_file(params.lut.strip(), "lut")
        try:
            stat = path.stat()
            dense = cached_dense(str(path), stat.st_mtime_ns, stat.st_size)
        except LutError as exc:
            raise NodeInputError("lut", str(exc)) from exc
    luts = None
    if style is not None and params.transfer > 0:
        if not style.palette:
            ctx.log.warning("%s: the style has no palette; no colour transfer", ctx.node_id)
        else:
            luts = transfer_luts(frames.read(0, 1)[0], tuple(style.palette), params.transfer)
    grader = Grader(params, dense, luts)
    return {
        "frames": Frames(
            GradeProducer(frames, grader),
            count=frames.count,
            width=frames.width,
            height=frames.height,
            fps=frames.fps,
            cuts=frames.cuts,
        )
    }


@lru_cache(maxsize=2)
def cached_dense(path: str, mtime_ns: int, size: int) -> np.ndarray:
    """The 48 MiB table of a LUT file, kept for the next run while the file is unchanged."""
    return dense_table(read_cube(Path(path)))


class Grader:
    def __init__(self, params: GradeParams, dense: np.ndarray | None, luts: np.ndarray | None) -> None:
        self.p, self.dense, self.luts = params, dense, luts

    def __call__(self, frame: np.ndarray, index: int) -> np.ndarray:
        import cv2

        p = self.p
        if self.dense is not None and p.lut_strength > 0:
            graded = apply_dense(frame, self.dense)
            frame = (
                graded if p.lut_strength >= 1 else cv2.addWeighted(graded, p.lut_strength, frame, 1 - p.lut_strength, 0)
            )
        if self.luts is not None:
            frame = apply_transfer(frame, self.luts)
        if p.vignette > 0:
            frame = apply_vignette(frame, p.vignette)
        if p.grain > 0:
            frame = apply_grain(frame, p.grain, p.grain_size, p.seed, index)
        return frame


class GradeProducer:
    def __init__(self, source: Frames, grader: Any) -> None:
        self.source, self.grader = source, grader
        self._lock = threading.Lock()

    def __call__(self, start: int, stop: int) -> np.ndarray:
        with self._lock:
            chunk = self.source.read(start, stop)
        return np.stack([self.grader(f, start + k) for k, f in enumerate(chunk)])
