"""One variant, run where it lands: in a pool process, a Ray task or a Ray actor.

The job is plain data (picklable, no live objects) so every executor ships the same thing.
The node registry and the model manager are built once per process and reused by every
variant that process runs, so imports and model weights are paid once per worker. Each variant
gets a fresh engine writing into its own folder, so a variant's folder holds everything it made;
the engines of one process share their pure results, and a CPU variant's thread pools are capped
to the CPUs it was given (see :mod:`.warm`).
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.engine import Engine, Registry, RunResult, Workflow, WorkflowInvalid, partials
from server.engine.engine import DEFAULT_CPU_WORKERS

from . import warm

VIDEO_SUFFIXES = (".mp4", ".webm", ".gif", ".webp", ".mkv", ".mov")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
THUMB_NAME = "thumb.jpg"
THUMB_WIDTH = 320

_registries: dict[tuple[str, ...], Registry] = {}
_process_lock = threading.Lock()


@dataclass(frozen=True)
class VariantJob:
    """Everything a worker needs to render one variant (all paths absolute)."""

    key: str
    index: int
    folder: str  # the variant's folder name under ``out_root``
    params: dict[str, Any]
    workflow: dict[str, Any]
    out_root: str
    cache_dir: str | None = None
    input_dirs: tuple[str, ...] = ()
    extra_nodes: tuple[str, ...] = ()
    attempt: int = 1

    @property
    def folder_path(self) -> Path:
        return Path(self.out_root) / self.folder


def registry_for(extra_nodes: tuple[str, ...]) -> Registry:
    """This process's node registry (imported once, reused by every later variant)."""
    with _process_lock:
        if extra_nodes not in _registries:
            _registries[extra_nodes] = Registry.discover(extra_modules=list(extra_nodes))
        return _registries[extra_nodes]


def _models() -> Any:
    try:
        from server.models import default_manager
    except ImportError:
        return None
    return default_manager()  # process-wide: pipelines stay resident between variants


def run_variant(
    job: VariantJob, cancel: threading.Event | None = None, resources: dict[str, Any] | None = None
) -> dict:
    """Render ``job`` into its folder and return its results.jsonl record.

    The engine runs on a thread and this one waits, so a ``KeyboardInterrupt`` (Ctrl-C in a pool
    process, ``ray.cancel`` in a Ray task) becomes a cooperative cancel: the running node stops at
    its next progress report and its partial files are removed.
    """
    cancel = cancel or threading.Event()
    started = time.time()
    cpu_before = _cpu_seconds()
    threads = warm.cpu_share(resources)
    if threads is not None:
        warm.cap_threads(threads)
    registry = registry_for(job.extra_nodes)
    models = _models()
    setup = time.time() - started
    folder = job.folder_path
    if folder.exists():  # what an earlier, failed or killed attempt left
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    engine = Engine(
        registry,
        output_dir=folder,
        input_dirs=[Path(d) for d in job.input_dirs],
        models=models,
        disk_cache=Path(job.cache_dir) if job.cache_dir else None,
        cache=warm.VariantCache(warm.shared_cache()) if warm.shares_results(resources) else None,
        cpu_workers=threads if threads is not None else DEFAULT_CPU_WORKERS,
    )
    box: dict[str, Any] = {}
    try:
        box = _run_on_thread(engine, Workflow.from_json(job.workflow), job, cancel)
    finally:
        engine.close()
    record = _record(job, box, folder, started, setup)
    record["timing"].update(_cpu_spent(cpu_before))
    record["worker"] = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "resources": resources or {},
        "threads": threads,  # the cap on its thread pools (None: not capped)
    }
    return record


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds so far of this process (all its threads) and of its finished children (the
    encoder's worker processes), so that a record says how many cores its variant kept busy."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time(), children.ru_utime + children.ru_stime


def _cpu_spent(before: tuple[float, float]) -> dict[str, float]:
    """CPU time since ``before``: in the process, and in child processes reaped meanwhile (an
    encoder's spare started by one variant is counted in the variant that uses it). Exact when the
    process runs one variant at a time, as pool processes and Ray tasks and actors do."""
    process, children = _cpu_seconds()
    return {"cpu_seconds": round(process - before[0], 4), "child_cpu_seconds": round(children - before[1], 4)}


def _run_on_thread(engine: Engine, workflow: Workflow, job: VariantJob, cancel: threading.Event) -> dict[str, Any]:
    box: dict[str, Any] = {}
    finished = threading.Event()

    def work() -> None:
        try:
            run_id = f"batch-{job.key[:16]}-{uuid.uuid4().hex[:8]}"  # never a dead attempt's scratch folder
            box["result"] = engine.run(workflow, run_id=run_id, cancel=cancel)
        except WorkflowInvalid as exc:
            box["invalid"] = [p.to_json() for p in exc.problems]
        except BaseException as exc:  # noqa: BLE001 - reported in the record
            box["error"] = {"type": type(exc).__name__, "message": str(exc) or type(exc).__name__}
        finally:
            finished.set()

    thread = threading.Thread(target=work, name=f"reelgraph-variant-{job.index}")
    thread.start()
    while True:
        try:
            if finished.wait(0.1):
                break
        except KeyboardInterrupt:
            cancel.set()
    thread.join()
    return box


def _record(job: VariantJob, box: dict[str, Any], folder: Path, started: float, setup: float) -> dict[str, Any]:
    record: dict[str, Any] = {
        "variant": job.index + 1,
        "key": job.key,
        "folder": job.folder,
        "params": job.params,
        "attempt": job.attempt,
    }
    result: RunResult | None = box.get("result")
    if "invalid" in box:
        record.update(status="invalid", problems=box["invalid"])
    elif "error" in box:
        record.update(status="failed", error=box["error"])
    elif result is not None:
        record["status"] = result.status
        record["nodes"] = {
            n: {"status": r.status, "seconds": round(r.seconds, 4), "cached": r.cached} for n, r in result.nodes.items()
        }
        errors = [f"{n}: {r.error['message']}" for n, r in result.nodes.items() if r.error]
        if errors:
            record["error"] = {"type": "NodeFailed", "message": "; ".join(errors)}
    files = sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and not partials.is_partial(p.name)
    )
    record["outputs"] = [f"{job.folder}/{f}" for f in files]
    if record["status"] == "succeeded":
        thumb = make_thumbnail(folder, files)
        if thumb:
            record["thumbnail"] = f"{job.folder}/{thumb}"
    finished = time.time()
    record["seconds"] = round(finished - started, 4)
    record["timing"] = {"started": started, "finished": finished, "setup_seconds": round(setup, 4)}
    return record


def make_thumbnail(folder: Path, files: list[str]) -> str | None:
    """A JPEG of the middle frame of the variant's first video (or its first picture)."""
    from PIL import Image

    media = [f for f in files if f.lower().endswith(VIDEO_SUFFIXES)] or [
        f for f in files if f.lower().endswith(IMAGE_SUFFIXES)
    ]
    if not media:
        return None
    source = folder / media[0]
    try:
        if source.suffix.lower() in IMAGE_SUFFIXES:
            with Image.open(source) as image:
                picture = image.convert("RGB")
        else:
            picture = _middle_frame(source)
    except Exception:  # noqa: BLE001 - a missing thumbnail never fails a variant
        return None
    if picture is None:
        return None
    picture.thumbnail((THUMB_WIDTH, THUMB_WIDTH))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    partials.write_bytes_atomic(folder / THUMB_NAME, buffer.getvalue())
    return THUMB_NAME


def _middle_frame(path: Path) -> Any:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        middle = (stream.frames or 0) // 2  # 0 when the container does not say: the first frame
        for i, frame in enumerate(container.decode(stream)):
            if i >= middle:
                return frame.to_image()
    return None
