"""Where variants run: a local process pool, or Ray tasks and actors.

Both offer the same small interface to the batch runner: ``slots`` (variants at once),
``submit(job)``, ``collect(timeout)`` → finished ``(job, record)`` pairs, ``cancel()`` and
``close()``. A failure of the machinery (a crashed pool process, a Ray task that exhausted its
retries) comes back as a ``failed`` record, never as an exception, so one bad variant never
stops the batch.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from .job import VariantJob, run_variant

Finished = tuple[VariantJob, dict[str, Any]]
START_SECONDS = 300.0  # the longest a new pool's processes may take to start (imports, a loaded machine)


class Executor(Protocol):
    slots: int

    def submit(self, job: VariantJob) -> None: ...

    def collect(self, timeout: float) -> list[Finished]: ...

    def in_flight(self) -> int: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...


def failure(job: VariantJob, kind: str, message: str) -> dict[str, Any]:
    """The record of a variant the machinery lost (not one whose nodes failed)."""
    return {
        "variant": job.index + 1,
        "key": job.key,
        "folder": job.folder,
        "params": job.params,
        "attempt": job.attempt,
        "status": "cancelled" if kind == "Cancelled" else "failed",
        "error": {"type": kind, "message": message},
        "outputs": [],
    }


# -- local ----------------------------------------------------------------------------------
_CANCEL: Any = None  # in a pool process: the batch's shared cancel flag


class SharedFlag:
    """A cancel flag shared by the pool's processes: one byte of shared memory, read without a
    lock. (A ``multiprocessing.Event`` takes a lock on every ``is_set``; a process killed while
    holding it would stall every other variant at its next progress report.)"""

    def __init__(self, context: Any) -> None:
        self._byte = context.RawValue("b", 0)

    def set(self) -> None:
        self._byte.value = 1

    def is_set(self) -> bool:
        return bool(self._byte.value)


_START: Any = None  # in a pool process: the barrier every process of a new pool meets at


def _init_pool_process(cancel: Any, start: Any) -> None:
    """Ctrl-C at the terminal reaches the whole process group; only the parent acts on it and
    tells the children through the shared flag."""
    global _CANCEL, _START
    _CANCEL, _START = cancel, start
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _all_started() -> int:
    _START.wait(timeout=START_SECONDS)
    return os.getpid()


def _pool_task(job: VariantJob) -> dict[str, Any]:
    return run_variant(job, cancel=_CANCEL, resources={"CPU": 1.0})


class LocalExecutor:
    """A pool of processes (spawned, not forked: the parent runs threads) sized to the cores.
    A variant whose process dies is run again in a fresh pool, as Ray does for its tasks."""

    WORKER_DEATHS = 3

    def __init__(self, workers: int | None = None) -> None:
        self.slots = max(1, workers or os.cpu_count() or 1)
        self._context = multiprocessing.get_context("spawn")
        self._cancel = SharedFlag(self._context)
        self._pool = self._new_pool()
        self._futures: dict[Future, VariantJob] = {}
        self._deaths: dict[str, int] = {}  # content key → pool processes lost while running it

    def _new_pool(self) -> ProcessPoolExecutor:
        """A pool whose processes are all running before any variant is given to it. (A pool
        otherwise starts them one by one as work arrives, and its watcher can then miss the death
        of a process started while it waited: the variant would hang until another one ends.)"""
        start = self._context.Barrier(self.slots)
        pool = ProcessPoolExecutor(
            self.slots, mp_context=self._context, initializer=_init_pool_process, initargs=(self._cancel, start)
        )
        for future in [pool.submit(_all_started) for _ in range(self.slots)]:
            future.result(timeout=START_SECONDS)
        return pool

    def submit(self, job: VariantJob) -> None:
        self._futures[self._pool.submit(_pool_task, job)] = job

    def in_flight(self) -> int:
        return len(self._futures)

    def collect(self, timeout: float) -> list[Finished]:
        if not self._futures:
            return []
        done, _ = wait(self._futures, timeout=timeout, return_when=FIRST_COMPLETED)
        out: list[Finished] = []
        lost: list[VariantJob] = []
        for future in done:
            job = self._futures.pop(future)
            try:
                out.append((job, future.result()))
            except BrokenProcessPool:
                lost.append(job)
            except Exception as exc:  # noqa: BLE001 - reported on the variant
                out.append((job, failure(job, type(exc).__name__, str(exc))))
        if lost:  # a pool process died: the pool stops them all, so every variant in it runs again
            lost += [self._futures.pop(f) for f in list(self._futures)]
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            for job in lost:
                self._deaths[job.key] = self._deaths.get(job.key, 0) + 1
                if self._deaths[job.key] > self.WORKER_DEATHS:
                    out.append((job, failure(job, "WorkerDied", "its pool process died on every try")))
                else:
                    self.submit(job)
        return out

    def cancel(self) -> None:
        self._cancel.set()
        for future in self._futures:
            future.cancel()  # those that have not started never will

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


# -- Ray ------------------------------------------------------------------------------------
def _assigned() -> dict[str, float]:
    import ray

    return {k: float(v) for k, v in ray.get_runtime_context().get_assigned_resources().items()}


def _ray_task(job: VariantJob) -> dict[str, Any]:
    """A CPU variant as a Ray task. ``ray.cancel`` raises KeyboardInterrupt here, which
    :func:`run_variant` turns into a cooperative cancel."""
    return run_variant(job, resources=_assigned())


class RenderActor:
    """One per GPU: the process keeps the node registry and the model manager (and so the loaded
    pipelines) between variants. Threaded (two calls at once) so that ``cancel`` reaches a render
    in progress."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self._stopped = False  # the batch was cancelled: a render that starts late starts cancelled

    def render(self, job: VariantJob) -> dict[str, Any]:
        self._cancel = threading.Event()
        if self._stopped:
            self._cancel.set()
        return run_variant(job, cancel=self._cancel, resources=_assigned())

    def cancel(self) -> None:
        self._stopped = True
        self._cancel.set()


class RayExecutor:
    """Variants as Ray tasks (CPU workflows: ``num_cpus`` each) or on Ray actors (workflows with
    GPU nodes: one actor per GPU asking ``num_gpus=1``). A worker that dies mid-variant is
    replaced and its variant re-run by Ray (task retries; actor restarts with task retries)."""

    TASK_RETRIES = 3

    def __init__(self, *, gpu: bool, cpus_per_variant: float = 1.0, limit: int | None = None) -> None:
        import ray

        from .cluster import slots

        self.gpu = gpu
        resource, amount = ("GPU", 1.0) if gpu else ("CPU", cpus_per_variant)
        self.slots = slots(resource, amount)
        if self.slots == 0:
            raise RuntimeError(f"the Ray cluster has no {resource} for a variant that needs {amount:g}")
        if limit:
            self.slots = min(self.slots, limit)
        self._refs: dict[Any, tuple[VariantJob, Any]] = {}  # ref → (job, actor or None)
        self._idle: list[Any] = []
        self._actors: list[Any] = []  # started on demand, never more than the slots
        if gpu:
            self._actor_class = ray.remote(RenderActor).options(
                num_gpus=1, num_cpus=1, max_restarts=-1, max_task_retries=-1, max_concurrency=2
            )
        else:
            self._task = ray.remote(_ray_task).options(
                num_cpus=cpus_per_variant, max_retries=self.TASK_RETRIES, retry_exceptions=False
            )

    def submit(self, job: VariantJob) -> None:
        if self.gpu:
            if not self._idle:
                self._actors.append(self._actor_class.remote())
                self._idle.append(self._actors[-1])
            actor = self._idle.pop()
            self._refs[actor.render.remote(job)] = (job, actor)
        else:
            self._refs[self._task.remote(job)] = (job, None)

    def in_flight(self) -> int:
        return len(self._refs)

    def collect(self, timeout: float) -> list[Finished]:
        import ray

        if not self._refs:
            return []
        ready, _ = ray.wait(list(self._refs), num_returns=1, timeout=timeout)
        if ready:
            ready, _ = ray.wait(list(self._refs), num_returns=len(self._refs), timeout=0)
        out: list[Finished] = []
        for ref in ready:
            job, actor = self._refs.pop(ref)
            if actor is not None:
                self._idle.append(actor)
            try:
                out.append((job, ray.get(ref)))
            except ray.exceptions.TaskCancelledError:
                out.append((job, failure(job, "Cancelled", "cancelled")))
            except ray.exceptions.RayError as exc:
                out.append((job, failure(job, type(exc).__name__, str(exc).strip().splitlines()[0])))
        return out

    def cancel(self) -> None:
        """Stop every variant: running renders cooperatively (partial files removed), queued ones
        before they start."""
        import ray

        for ref, (_, actor) in list(self._refs.items()):
            if actor is not None:
                actor.cancel.remote()
            else:
                ray.cancel(ref)

    def force_cancel(self) -> None:
        import ray

        for ref, (_, actor) in list(self._refs.items()):
            if actor is not None:
                ray.kill(actor, no_restart=True)
            else:
                ray.cancel(ref, force=True)

    def close(self) -> None:
        import ray

        for actor in self._actors:
            ray.kill(actor, no_restart=True)
        self._actors, self._idle = [], []


def drain(executor: Executor, deadline_seconds: float) -> list[Finished]:
    """Collect what the in-flight variants return until none is left or the deadline passes."""
    out: list[Finished] = []
    deadline = time.monotonic() + deadline_seconds
    while executor.in_flight() and time.monotonic() < deadline:
        out.extend(executor.collect(0.2))
    return out
