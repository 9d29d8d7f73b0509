"""H.264 encoding in a worker process of its own, so that the same input gives the same bytes.

Why: libx264 (the build PyAV ships) reads heap memory it never initialised (measured
inside one long-lived process: different bitstreams for identical input in up to 1 of 3
runs at 32×32, 1 of 30 at 64×48, none in 300 runs at 128×96 and up). Two things make that
memory predictable, and the worker does both: it is a fresh process that encodes exactly
one file, and, where the C library is glibc, it sets ``mallopt(M_PERTURB)`` so that every
allocation starts filled with the same byte whatever happened before (500 of 500 runs
identical). Doing that inside the node's own process would slow every allocation of every
other node, so it stays in the worker. A warmed-up spare worker waits for the next encode,
so only the first MP4 of a process pays the start-up (about 0.2 s); running beside the node
also overlaps producing and converting frames with encoding them.

Protocol on the worker's stdin: a 4-byte big-endian length and a JSON header (what
:func:`encode_in_worker` writes), the audio as float32 samples, then the frames as I420
buffers in order (converted by the node's process: half the bytes of RGB cross the pipe).
The worker runs :func:`nodes.encode.movie.mux_movie` and prints its result as JSON on
stdout; a failure exits non-zero with the traceback on stderr. A spare still unused when
the node's process exits is killed; one whose parent died sees end-of-file and exits.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import IO, Any, BinaryIO

import numpy as np

from nodes.datatypes import Audio, Frames

from .spec import CHUNK, EncodeSpec, Progress, even_size, frame_chunks

ROOT = Path(__file__).resolve().parents[2]
# Runs this module as the worker without running ``nodes/__init__.py``, which registers the node
# socket types with the engine (pydantic and the engine: about 0.2 s of CPU, half the start-up) for
# a process that needs only numpy, PyAV and this package. Every MP4 pays one start; a batch of
# short variants spends more CPU starting encoders than encoding (bench/RESULTS.md, batch renders).
LAUNCH = (
    "import runpy, sys, types; "
    "package = types.ModuleType('nodes'); package.__path__ = [sys.argv[1]]; sys.modules['nodes'] = package; "
    "runpy.run_module('nodes.encode.worker', run_name='__main__')"
)
PIPE_BYTES = 1 << 20  # lets the node convert a few frames ahead while the worker encodes
M_PERTURB = -6  # glibc mallopt parameter
PERTURB_BYTE = 0x5A


@dataclass
class Worker:
    proc: subprocess.Popen
    errors: IO[bytes] = field(repr=False)

    @classmethod
    def start(cls) -> Worker:
        errors = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker, closed in stop()
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(ROOT / "nodes")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            pipesize=_pipe_size(),
            process_group=0,  # Ctrl-C at the terminal goes to the node's process, which cancels us
        )
        return cls(proc, errors)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout, self.errors):
            with contextlib.suppress(OSError):  # a killed worker leaves unflushed bytes behind
                pipe.close()

    def error_tail(self) -> str:
        """The worker's one-line reason (its last line of stderr; see :func:`_report_failure`)."""
        self.errors.seek(0)
        lines = self.errors.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no message"


class _Spares:
    """At most one idle, already-imported worker, handed out and replaced on demand."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spare: Worker | None = None

    def take(self) -> Worker:
        with self._lock:
            worker, self._spare = self._spare, None
        return worker if worker is not None and worker.alive() else Worker.start()

    def replenish(self) -> None:
        """Start the next spare once an encode is over, so its start-up does not compete with it."""
        with self._lock:
            if self._spare is None:
                self._spare = Worker.start()

    def close(self) -> None:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.stop()  # it holds nothing yet: killing it loses nothing and does not delay exit


SPARES = _Spares()
atexit.register(SPARES.close)


def encode_in_worker(
    frames: Frames, audio: Audio | None, path: Path, spec: EncodeSpec, progress: Progress | None
) -> dict:
    """Stream the frames to a worker process that writes ``path``; returns its facts about the file."""
    worker = SPARES.take()
    try:
        return _run(worker, frames, audio, path, spec, progress)
    finally:
        worker.stop()
        SPARES.replenish()


def _run(
    worker: Worker, frames: Frames, audio: Audio | None, path: Path, spec: EncodeSpec, progress: Progress | None
) -> dict:
    proc = worker.proc
    assert proc.stdin is not None and proc.stdout is not None
    try:
        _feed(proc.stdin, frames, audio, path, spec, progress)
        proc.stdin.close()
        result = proc.stdout.read()
    except BrokenPipeError:  # the worker died: its stderr says why
        result = b""
    status = proc.wait()
    if status < 0:
        raise RuntimeError(f"the H.264 encoder process was stopped by {signal.Signals(-status).name}")
    if status != 0:
        raise RuntimeError(f"the H.264 encoder process failed: {worker.error_tail()}")
    return json.loads(result)


def _feed(
    pipe: BinaryIO, frames: Frames, audio: Audio | None, path: Path, spec: EncodeSpec, progress: Progress | None
) -> None:
    from .movie import to_i420

    width, height = even_size(frames.width, frames.height)
    header = {
        "path": str(Path(path).resolve()),
        "spec": {
            "fmt": spec.fmt,
            "fps": [spec.fps.numerator, spec.fps.denominator],
            "crf": spec.crf,
            "preset": spec.preset,
            "audio_bitrate": spec.audio_bitrate,
            "metadata": dict(spec.metadata),
        },
        "frames": {"count": frames.count, "width": width, "height": height},
        "audio": None if audio is None else {"rate": audio.sample_rate, "shape": list(audio.samples.shape)},
    }
    blob = json.dumps(header).encode()
    pipe.write(struct.pack(">I", len(blob)) + blob)
    if audio is not None:
        pipe.write(np.ascontiguousarray(audio.samples, np.float32).tobytes())
    for start, chunk in frame_chunks(frames):
        pipe.writelines(i420.data for i420 in to_i420(chunk))
        if progress is not None:
            progress(start + len(chunk), frames.count)


def _pipe_size() -> int:
    """A 1 MiB pipe where the system allows it (Linux caps unprivileged pipes), else the default."""
    try:
        return min(PIPE_BYTES, int(Path("/proc/sys/fs/pipe-max-size").read_text()))
    except (OSError, ValueError):
        return -1


# --- the worker side ------------------------------------------------------------------------


def _perturb_malloc() -> None:
    """glibc only: fill every new allocation with one byte, so uninitialised reads are repeatable."""
    name = ctypes.util.find_library("c")
    if not name or sys.platform != "linux":
        return
    try:
        ctypes.CDLL(name).mallopt(M_PERTURB, PERTURB_BYTE)
    except (OSError, AttributeError):  # not glibc: the fresh process alone has to do
        pass


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise EOFError(f"expected {n} bytes from the node, got {len(data)}")
    return data


def _main() -> None:
    _perturb_malloc()
    import av  # noqa: F401 - imported now, so a spare worker is warm before its encode arrives

    from .movie import mux_movie

    stdin = sys.stdin.buffer
    first = stdin.read(4)
    if not first:
        return  # an unused spare
    (size,) = struct.unpack(">I", first)
    header: dict[str, Any] = json.loads(_read_exactly(stdin, size))
    audio = None
    if header["audio"] is not None:
        shape = tuple(header["audio"]["shape"])
        samples = np.frombuffer(_read_exactly(stdin, 4 * shape[0] * shape[1]), np.float32).reshape(shape)
        audio = Audio(samples, header["audio"]["rate"])
    count, width, height = (header["frames"][k] for k in ("count", "width", "height"))
    raw = header["spec"]
    spec = EncodeSpec(
        raw["fmt"], Fraction(*raw["fps"]), raw["crf"], raw["preset"], raw["audio_bitrate"], raw["metadata"]
    )

    def chunks() -> Iterator[tuple[int, list[np.ndarray]]]:
        size = width * height * 3 // 2
        for start in range(0, count, CHUNK):
            n = min(CHUNK, count - start)
            data = np.frombuffer(_read_exactly(stdin, n * size), np.uint8).reshape(n, height * 3 // 2, width)
            yield start, list(data)

    info = mux_movie(chunks(), count, width, height, audio, Path(header["path"]), spec, None)
    sys.stdout.write(json.dumps(info))
    sys.stdout.flush()


def _report_failure(exc: BaseException) -> str:
    """One line a user can act on: the OS's reason for file errors (a full disk, a removed
    folder), else the exception; never the worker's traceback frames."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" (writing into {Path(str(exc.filename)).parent})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return f"{type(exc).__name__}: {exc}"


if __name__ == "__main__":
    try:
        _main()
    except BaseException as exc:  # noqa: BLE001 - the parent reads one line, exit status says failure
        sys.stderr.write(_report_failure(exc) + "\n")
        sys.exit(1)
