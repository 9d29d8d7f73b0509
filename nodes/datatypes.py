"""Values that travel along sockets between nodes (FRAMES, AUDIO, TIMELINE, LAYOUT, VIDEO).

Large data stays in numpy arrays and never goes through JSON. Each type is a
:class:`server.engine.values.NodeValue`: ``summary()`` (small JSON for logs, ``--print`` and
the browser) and ``nbytes`` (what it holds in memory, for the engine's byte-bounded cache).
Their socket types are registered in :mod:`nodes.sockets`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

FrameProducer = Callable[[int, int], np.ndarray]


class Frames:
    """A frame sequence, T×H×W×3 uint8, at ``fps``; possibly lazy.

    Frames are produced on demand by ``producer(start, stop)`` so that a 60 s render or
    an interpolation never holds the whole video in memory: consumers iterate
    :meth:`chunks`. ``cuts`` lists the frame indices that start a new shot (never 0), so
    that interpolation and motion checks do not blend across a cut.
    """

    def __init__(
        self,
        producer: FrameProducer,
        *,
        count: int,
        width: int,
        height: int,
        fps: float,
        cuts: tuple[int, ...] = (),
        resident: np.ndarray | None = None,
    ) -> None:
        if count < 0 or width <= 0 or height <= 0 or fps <= 0:
            raise ValueError(f"bad frame geometry: count={count} size={width}x{height} fps={fps}")
        self._producer = producer
        self.count = count
        self.width = width
        self.height = height
        self.fps = float(fps)
        self.cuts = tuple(sorted(c for c in cuts if 0 < c < count))
        self._resident = resident

    @classmethod
    def from_array(cls, array: np.ndarray, fps: float, cuts: tuple[int, ...] = ()) -> Frames:
        if array.ndim != 4 or array.shape[-1] != 3 or array.dtype != np.uint8:
            raise ValueError(f"frames must be T×H×W×3 uint8, got {array.shape} {array.dtype}")
        return cls(
            lambda a, b: array[a:b],
            count=array.shape[0],
            width=array.shape[2],
            height=array.shape[1],
            fps=fps,
            cuts=cuts,
            resident=array,
        )

    @property
    def duration(self) -> float:
        return self.count / self.fps

    @property
    def nbytes(self) -> int:
        return int(self._resident.nbytes) if self._resident is not None else 0

    def read(self, start: int, stop: int) -> np.ndarray:
        """Frames ``[start, stop)`` as one array."""
        start, stop = max(0, start), min(self.count, stop)
        if stop <= start:
            return np.zeros((0, self.height, self.width, 3), np.uint8)
        out = self._producer(start, stop)
        if out.shape != (stop - start, self.height, self.width, 3):
            raise ValueError(f"frame producer returned {out.shape} for [{start}, {stop})")
        return out

    def chunks(self, size: int = 32) -> Iterator[np.ndarray]:
        for start in range(0, self.count, size):
            yield self.read(start, start + size)

    def to_array(self) -> np.ndarray:
        return self.read(0, self.count)

    def to_files(self, folder: Path, name: str) -> dict[str, Any]:
        """Disk form for the engine's persistent cache: one ``.npy``, written chunk by chunk."""
        file = f"{name}.frames.npy"
        out = np.lib.format.open_memmap(
            folder / file, mode="w+", dtype=np.uint8, shape=(self.count, self.height, self.width, 3)
        )
        for start in range(0, self.count, 32):
            out[start : start + 32] = self.read(start, start + 32)
        out.flush()
        del out
        return {"file": file, "fps": self.fps, "cuts": list(self.cuts)}

    @classmethod
    def from_files(cls, folder: Path, name: str, meta: dict[str, Any]) -> Frames:
        """Memory-mapped: frames are read from disk as they are consumed."""
        array = np.load(folder / meta["file"], mmap_mode="r", allow_pickle=False)
        return cls(
            lambda a, b: np.asarray(array[a:b]),
            count=array.shape[0],
            width=array.shape[2],
            height=array.shape[1],
            fps=meta["fps"],
            cuts=tuple(meta["cuts"]),
        )

    def summary(self) -> dict[str, Any]:
        return {
            "type": "FRAMES",
            "shape": [self.count, self.height, self.width, 3],
            "fps": self.fps,
            "duration": round(self.duration, 3),
            "cuts": list(self.cuts),
        }


@dataclass(frozen=True)
class Audio:
    """Float32 samples shaped (N, channels) in [-1, 1] at ``sample_rate``."""

    samples: np.ndarray
    sample_rate: int

    def __post_init__(self) -> None:
        if self.samples.ndim != 2 or self.samples.dtype != np.float32:
            raise ValueError(f"audio must be (N, channels) float32, got {self.samples.shape} {self.samples.dtype}")
        if self.sample_rate <= 0:
            raise ValueError(f"sample rate must be positive, got {self.sample_rate}")

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def duration(self) -> float:
        return self.samples.shape[0] / self.sample_rate

    @property
    def nbytes(self) -> int:
        return int(self.samples.nbytes)

    def to_files(self, folder: Path, name: str) -> dict[str, Any]:
        file = f"{name}.audio.npy"
        np.save(folder / file, self.samples, allow_pickle=False)
        return {"file": file, "sample_rate": self.sample_rate}

    @classmethod
    def from_files(cls, folder: Path, name: str, meta: dict[str, Any]) -> Audio:
        return cls(np.load(folder / meta["file"], allow_pickle=False), int(meta["sample_rate"]))

    def summary(self) -> dict[str, Any]:
        peak = float(np.abs(self.samples).max()) if self.samples.size else 0.0
        return {
            "type": "AUDIO",
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "duration": round(self.duration, 3),
            "peak": round(peak, 4),
        }


@dataclass(frozen=True)
class TimelineEvent:
    """Something that happens at ``time`` seconds: ``kind`` is e.g. 'footstep', 'flicker', 'cut'."""

    time: float
    kind: str
    entity: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"time": round(self.time, 4), "kind": self.kind, "entity": self.entity, "data": self.data}


@dataclass(frozen=True)
class Timeline:
    """Timed events the picture implies, so that sound can be placed on them."""

    duration: float
    events: tuple[TimelineEvent, ...] = ()

    def of_kind(self, kind: str) -> list[TimelineEvent]:
        return [e for e in self.events if e.kind == kind]

    @property
    def nbytes(self) -> int:
        return 200 * len(self.events)  # roughly, per event: a small dataclass and its dict

    def summary(self) -> dict[str, Any]:
        """Counts by kind (a minute of crowd footsteps is thousands of events; ``to_json`` has them)."""
        counts: dict[str, int] = {}
        for e in self.events:
            counts[e.kind] = counts.get(e.kind, 0) + 1
        return {"type": "TIMELINE", "duration": self.duration, "events": len(self.events), "kinds": counts}

    def to_json(self) -> dict[str, Any]:
        return {"duration": self.duration, "events": [e.to_json() for e in self.events]}


@dataclass(frozen=True)
class Layout:
    """Per frame, per entity: ``{"id", "name", "box": [x0, y0, x1, y1]}`` in pixels."""

    fps: float
    width: int
    height: int
    frames: tuple[tuple[dict[str, Any], ...], ...]
    warnings: tuple[str, ...] = ()  # what the renderer approximated or could not draw, in words

    @property
    def nbytes(self) -> int:
        return 64 + sum(150 * len(f) for f in self.frames)  # roughly, per box: a small dict

    def summary(self) -> dict[str, Any]:
        ids = sorted({b["id"] for f in self.frames for b in f})
        out = {"type": "LAYOUT", "frames": len(self.frames), "size": [self.width, self.height], "entities": ids}
        return {**out, "warnings": list(self.warnings)} if self.warnings else out


@dataclass(frozen=True)
class MediaFile:
    """A file a node wrote (VIDEO socket): a video, an audio file, a picture or a folder of them."""

    path: Path
    media_type: str
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    nbytes = 0  # the file is on disk, not in memory

    def is_valid(self) -> bool:
        """A cached result is only reusable while its file still exists."""
        return self.path.exists()

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "VIDEO", "path": str(self.path), "media_type": self.media_type}
        for key in ("duration", "width", "height", "fps"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.path.is_file():
            out["bytes"] = self.path.stat().st_size
        return {**out, **self.extra}
