"""What a variant worker keeps between variants, and how it shares the machine with its peers.

A worker process (a pool process, a Ray task's worker, a Ray actor) renders many variants one
after another, beside other workers on the same machine:

- **Thread caps.** A CPU variant is given ``N`` CPUs (Ray's ``num_cpus``, one pool slot), and its
  process uses that many threads for OpenCV, BLAS/OpenMP and torch, and runs that many nodes at
  once. Left alone every library sizes its pool to the whole machine, so two workers on two cores
  run four or more busy threads that only take turns. Ray sets ``OMP_NUM_THREADS`` for its
  workers; this does the same for the rest, and for a local pool's processes too.
- **Shared results.** Variants of one batch usually share their upstream nodes (the same prompt
  parsed, the same scene planned, for eight seeds). A process-wide results cache serves those as
  memo hits to every later variant in the process, as a long-lived engine does for runs. Results
  that are files (``Expiring`` values: what an output node wrote into a variant's folder) stay
  with their variant, so every variant's folder still holds everything it made. Not on GPU
  actors: the cache's budget counts arrays, not tensors, so it could keep GPU memory between
  variants (each GPU variant keeps its own results, as before).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from server.engine.cache import ResultCache
from server.engine.values import Expiring, implements

SHARED_BYTES = 512 << 20  # per worker process: upstream results are small and used by every variant, so
# the least recently used entries that go first are earlier variants' frames
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")

_shared: ResultCache | None = None
_lock = threading.Lock()
_limits: Any = None  # the threadpoolctl limiter in force (kept so the limit is not undone)
_capped: int | None = None


def cpu_share(resources: dict[str, Any] | None) -> int | None:
    """How many threads a variant may keep busy: the CPUs given to a CPU variant, or None (no cap)
    when it ran outside an executor or on a GPU (a GPU actor's host CPUs are not divided up)."""
    if not resources or resources.get("GPU") or not resources.get("CPU"):
        return None
    return max(1, int(float(resources["CPU"])))


def shares_results(resources: dict[str, Any] | None) -> bool:
    """Whether a variant uses the process's shared results: every variant but a GPU one."""
    return not (resources or {}).get("GPU")


def cap_threads(cpus: int) -> None:
    """Limit this process's thread pools to ``cpus`` threads (idempotent; cheap when unchanged)."""
    global _limits, _capped
    with _lock:
        if _capped == cpus:
            return
        for name in THREAD_ENV:  # for libraries imported later and for child processes
            os.environ[name] = str(cpus)
        import cv2
        from threadpoolctl import threadpool_limits

        cv2.setNumThreads(cpus)
        _limits = threadpool_limits(limits=cpus)  # BLAS and OpenMP pools already loaded
        torch = sys.modules.get("torch")  # only if a node imported it: never import torch for this
        if torch is not None:
            torch.set_num_threads(cpus)
        _capped = cpus


def thread_caps() -> dict[str, Any]:
    """The thread counts in force in this process (for tests and the variant record)."""
    import cv2
    from threadpoolctl import threadpool_info

    torch = sys.modules.get("torch")
    return {
        "cap": _capped,
        "opencv": cv2.getNumThreads(),
        "blas_openmp": sorted({p["num_threads"] for p in threadpool_info()}),
        "torch": torch.get_num_threads() if torch is not None else None,
        "env": {name: os.environ.get(name) for name in THREAD_ENV},
    }


def shared_cache() -> ResultCache:
    """This process's results cache, shared by every variant it renders."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = ResultCache(SHARED_BYTES)
        return _shared


class VariantCache(ResultCache):
    """One variant's view of the shared cache: pure values (scene graphs, shot plans, arrays) go
    to and come from the shared cache; results holding files stay in this variant's own cache."""

    def __init__(self, shared: ResultCache, max_bytes: int = 2 << 30) -> None:
        super().__init__(max_bytes)
        self.shared = shared

    def get(self, key: str) -> dict[str, Any] | None:
        found = super().get(key)
        if found is None:
            found = self.shared.get(key)
            if found is not None:
                self.hits, self.misses = self.hits + 1, self.misses - 1
        return found

    def put(self, key: str, outputs: dict[str, Any]) -> None:
        if any(implements(v, Expiring) for v in outputs.values()):
            super().put(key, outputs)
        else:
            self.shared.put(key, outputs)
