"""The model manager: loads pipelines once and keeps them resident across runs.

Entries are keyed by (folder, kind, device, dtype). A pipeline derived from another one
with ``from_pipe`` (image-to-image from text-to-image, LTX conditioning from LTX text-to-
video) shares its parent's modules, so it costs no memory; memory is counted per unique
module. Before a load, least-recently-used entries that are not running are unloaded
until the estimated size fits the device's budget. On out-of-memory everything is
unloaded, its device memory released, and a clear :class:`OutOfMemory` raised, so that
the process stays healthy for the next run.

Nothing here imports torch until a model is loaded: ``loaded()`` and ``memory()`` are
cheap enough for every ``/api/system`` request.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from .devices import cuda_report, default_budget, release_cached_memory, resolve_device, resolve_dtype, to_meta
from .errors import ModelNotFound, OutOfMemory, WrongModelKind
from .handle import Entry, LoadSpec, ModelHandle, unique_bytes
from .kinds import KINDS, ModelKind, can_serve, classify, hint, serving_class
from .loaders import load_pipeline
from .resolve import ModelFiles, resolve
from .sizes import estimate_bytes, module_bytes

log = logging.getLogger("reelgraph.models")

IN_MEMORY = "memory:"  # the path of a pipeline handed over with adopt()
OFFLOAD_MODES = ("off", "model", "auto")


class ModelManager:
    def __init__(
        self,
        budget_bytes: int | None = None,
        device: str | None = None,
        dtype: str | None = None,
        allow_downloads: bool = False,
        cache_dir: Path | None = None,
        gpu_budget_bytes: int | None = None,
    ) -> None:
        """``budget_bytes`` caps resident weights per device (default: 85% of GPU memory, half of RAM),
        ``gpu_budget_bytes`` only on GPUs (a shared card); ``device``/``dtype`` are defaults for loads
        that say "auto"; ``cache_dir`` overrides the HF cache."""
        self.budget_bytes = budget_bytes
        self.gpu_budget_bytes = gpu_budget_bytes
        self.default_device = device
        self.default_dtype = dtype
        self.allow_downloads = allow_downloads
        self.cache_dir = cache_dir
        self._entries: dict[str, Entry] = {}
        self._in_memory: dict[str, str] = {}  # path of an adopted pipeline -> its class name
        self._hooked: dict[str, str] = {}  # offloaded root entry -> the pipeline whose hooks are on its modules
        self._controlnets: dict[tuple[str, str, str], Any] = {}  # (folder, device, dtype) -> ControlNet
        self._state = threading.Lock()  # guards _entries; held only briefly
        self._loading = threading.RLock()  # one load at a time

    # -- loading -----------------------------------------------------------------------
    def load(
        self,
        source: str,
        kind: str | None = None,
        *,
        dtype: str | None = None,
        device: str | None = None,
        offload: str = "off",
    ) -> ModelHandle:
        """Load (or reuse) ``source`` for ``kind`` (default: what the model natively does).
        ``offload``: "off", "model" (weights in RAM, each model on the device only while it runs),
        or "auto" (offload only when the model does not fit the device's budget)."""
        files = resolve(source, allow_downloads=self.allow_downloads, cache_dir=self.cache_dir)
        model = classify(files.class_name, files.library, files.config)
        wanted = kind or model.kind
        if wanted not in KINDS and wanted != model.kind:
            raise ValueError(f"unknown kind {wanted!r}; known: {', '.join(KINDS)}")
        check_kind(files, model, (wanted,))
        device = self.resolve_device(device)
        dtype = self.resolve_dtype(dtype, device)
        spec = LoadSpec(
            source, str(files.path), wanted, device, dtype, self.choose_offload(offload, device, files, dtype)
        )
        entry = self._acquire(spec, files)
        return ModelHandle(spec, entry.class_name, model.family, wanted, entry.bytes, self)

    @contextmanager
    def use(self, handle: ModelHandle, kind: str | None = None) -> Iterator[Any]:
        """The handle's pipeline (for ``kind``), marked in use so that LRU leaves it alone."""
        spec = handle.spec if kind in (None, handle.kind) else replace(handle.spec, kind=kind)
        if kind not in (None, handle.kind) and not handle.can_serve(kind):
            model = ModelKind(handle.family, handle.kind)
            raise WrongModelKind(
                handle.spec.source,
                handle.class_name,
                handle.kind,
                (kind,),
                f"{handle.spec.source} ({handle.class_name}) cannot do {kind}: {hint(model, kind)}",
            )
        entry = self._acquire(spec)
        with self._state:
            entry.in_use += 1
        try:
            with self.guard(f"running {handle.class_name}"):
                self._hook_offload(entry)
                yield entry.pipeline
        finally:
            with self._state:
                entry.in_use -= 1
                entry.last_used = time.time()

    def controlnet(self, handle: ModelHandle) -> Any:
        """The handle's ControlNet, loaded once per folder, device and dtype and kept with the models
        (dropped with them by :meth:`unload_all` and out-of-memory recovery)."""
        from .controlnet import load_controlnet

        control = handle.control
        if control is None:
            raise ValueError("this PIPELINE has no ControlNet attached")
        key = (control.path, handle.spec.device, handle.spec.dtype)  # offloaded models: it stays on the device
        with self._loading:
            if key not in self._controlnets:
                with self.guard(f"loading the ControlNet {control.path}"):
                    self._controlnets[key] = load_controlnet(Path(control.path), control.class_name, *key[1:])
            return self._controlnets[key]

    def adopt(self, pipeline: Any, source: str) -> ModelHandle:
        """Register a pipeline built in memory (a benchmark, a notebook) as if it had been loaded.
        It cannot be reloaded: once unloaded, its handles fail with :class:`ModelNotFound`."""
        class_name = type(pipeline).__name__
        model = classify(class_name, config=dict(getattr(pipeline, "config", {}) or {}))
        dtype = str(getattr(pipeline, "dtype", "torch.float32")).removeprefix("torch.")
        spec = LoadSpec(source, IN_MEMORY + source, model.kind, str(getattr(pipeline, "device", "cpu")), dtype)
        self._in_memory[spec.path] = class_name
        pipeline.set_progress_bar_config(disable=True)
        for module in pipeline.components.values():  # built, not loaded: still in training mode (dropout)
            if hasattr(module, "eval") and hasattr(module, "training"):
                module.eval()
        entry = Entry(spec, pipeline, class_name, model, module_bytes(pipeline))
        self._add(entry)
        return ModelHandle(spec, class_name, model.family, model.kind, entry.bytes, self)

    def _acquire(self, spec: LoadSpec, files: ModelFiles | None = None) -> Entry:
        with self._loading:
            entry = self._touch(spec.id)
            if entry is not None:
                return entry
            if spec.path.startswith(IN_MEMORY):
                return self._derive_from_memory(spec)
            files = files or resolve(spec.path)
            model = classify(files.class_name, files.library, files.config)
            derived = serving_class(model, spec.kind)
            if derived is None:
                return self._load_entry(spec, files, model)
            base = self._acquire(replace(spec, kind=model.kind), files)
            return self._derive_entry(spec, base, derived)

    def _derive_from_memory(self, spec: LoadSpec) -> Entry:
        class_name = self._in_memory.get(spec.path, "")
        model = classify(class_name)
        base = self._touch(replace(spec, kind=model.kind).id) if class_name else None
        derived = serving_class(model, spec.kind)
        if base is None or derived is None:
            raise ModelNotFound(
                spec.source,
                f"{spec.source} was handed over in memory and is not resident any more "
                "(unloaded to make room?); hand it over again with adopt()",
            )
        return self._derive_entry(spec, base, derived)

    def _touch(self, entry_id: str) -> Entry | None:
        with self._state:
            entry = self._entries.get(entry_id)
            if entry is not None:
                entry.last_used = time.time()
            return entry

    def _load_entry(self, spec: LoadSpec, files: ModelFiles, model: ModelKind) -> Entry:
        self._make_room(spec.home, estimate_bytes(files, spec.dtype))
        started = time.perf_counter()
        with self.guard(f"loading {spec.source}"):
            pipeline = load_pipeline(files, spec.device, spec.dtype, spec.offload)
        class_name = type(pipeline).__name__ if files.library == "diffusers" else files.class_name
        entry = Entry(spec, pipeline, class_name, model, module_bytes(pipeline))
        log.info(
            "loaded %s (%s, %.1f MiB) in %.1f s",
            spec.id,
            entry.class_name,
            entry.bytes / 2**20,
            time.perf_counter() - started,
        )
        if spec.offload != "off":
            self._hooked[spec.id] = spec.id
        self._add(entry)
        return entry

    def _derive_entry(self, spec: LoadSpec, base: Entry, class_name: str) -> Entry:
        import diffusers
        import torch

        pipeline = getattr(diffusers, class_name).from_pipe(base.pipeline, dtype=getattr(torch, spec.dtype))
        pipeline.set_progress_bar_config(disable=True)
        model = ModelKind(base.model.family, spec.kind)  # a derived pipeline keeps its weights' family (Wan 2.2)
        entry = Entry(spec, pipeline, class_name, model, module_bytes(pipeline), parent=base.spec.id)
        self._add(entry)
        return entry

    def _add(self, entry: Entry) -> None:
        with self._state:
            self._entries[entry.spec.id] = entry
        self._make_room(entry.spec.home, 0, keep={entry.spec.id, entry.parent})

    # -- unloading ---------------------------------------------------------------------
    def _make_room(self, device: str, incoming: int, keep: Collection[str | None] = frozenset()) -> None:
        """Unload least-recently-used idle entries on ``device`` until ``incoming`` more bytes fit."""
        budget = self.budget(device)
        while self._used(device) + incoming > budget:
            with self._state:
                idle = [
                    e
                    for e in self._entries.values()
                    if e.spec.home == device
                    and e.in_use == 0
                    and e.spec.id not in keep
                    and not any(
                        c.parent == e.spec.id and (c.in_use or c.spec.id in keep) for c in self._entries.values()
                    )
                ]
            if not idle:
                log.warning(
                    "models on %s need %.1f MiB over the %.1f MiB budget; nothing idle left to unload",
                    device,
                    (self._used(device) + incoming - budget) / 2**20,
                    budget / 2**20,
                )
                return
            victim = min(idle, key=lambda e: e.last_used)
            log.info("unloading %s (least recently used) to make room on %s", victim.spec.id, device)
            self._drop(victim.spec.id)
        if incoming or keep:
            release_cached_memory(device)

    def _drop(self, entry_id: str) -> list[Entry]:
        """Forget an entry and the pipelines derived from it; returns what was removed."""
        with self._state:
            removed = [self._entries.pop(entry_id)] if entry_id in self._entries else []
            for child in [e for e in self._entries.values() if e.parent == entry_id]:
                removed.append(self._entries.pop(child.spec.id))
            self._hooked.pop(entry_id, None)
        return removed

    def unload(self, entry_id: str) -> bool:
        removed = self._drop(entry_id)
        if removed:
            gc.collect()
            release_cached_memory(removed[0].spec.device)
        return bool(removed)

    def unload_all(self) -> int:
        """Unload everything; returns the bytes that were resident."""
        with self._state:
            entries = list(self._entries.values())
            self._entries.clear()
            self._hooked.clear()
            self._controlnets.clear()
        freed = unique_bytes(entries)
        del entries
        gc.collect()
        release_cached_memory("cuda")
        return freed

    @contextmanager
    def guard(self, what: str) -> Iterator[None]:
        """Turn a torch out-of-memory error into :class:`OutOfMemory` after freeing everything."""
        try:
            yield
            return
        except RuntimeError as exc:  # torch.OutOfMemoryError, or an allocator failure deeper in a kernel
            if not _is_oom(exc):
                raise
            detail = (str(exc).strip().splitlines() or ["out of memory"])[0]
            traceback.clear_frames(exc.__traceback__)  # the failed step's tensors die with the frames
        freed = self._recover()
        raise OutOfMemory(
            f"out of memory while {what}: {detail}. Unloaded every model ({freed / 2**30:.2f} GiB) so the next run "
            "starts clean. To fit: lower width/height/frames, turn on VAE tiling, use bf16/fp16, offload the "
            "model (diffusion.load offload=model), or a smaller model"
        ) from None

    def _recover(self) -> int:
        with self._state:
            entries = list(self._entries.values())
            self._entries.clear()
            self._hooked.clear()
            self._controlnets.clear()
        freed = unique_bytes(entries)
        for entry in entries:  # a node may still hold the pipeline: free its device memory anyway
            to_meta(entry.pipeline)
        del entries
        gc.collect()
        release_cached_memory("cuda")
        return freed

    # -- reporting ---------------------------------------------------------------------
    def loaded(self) -> list[dict[str, Any]]:
        with self._state:
            entries = list(self._entries.values())
        return [e.to_json() for e in sorted(entries, key=lambda e: -e.last_used)]

    def memory(self) -> dict[str, Any]:
        with self._state:
            entries = list(self._entries.values())
        used: dict[str, int] = {}
        for device in {e.spec.home for e in entries}:
            used[device] = unique_bytes([e for e in entries if e.spec.home == device])
        out: dict[str, Any] = {
            "models": len(entries),
            "used_bytes": used,
            "budget_bytes": {d: self.budget(d) for d in used} if used else self.budget_bytes,
        }
        cuda = cuda_report()
        if cuda is not None:
            out["cuda"] = cuda
        return out

    def budget(self, device: str) -> int:
        if device.startswith("cuda") and self.gpu_budget_bytes is not None:
            return self.gpu_budget_bytes
        return self.budget_bytes if self.budget_bytes is not None else default_budget(device)

    def _used(self, device: str) -> int:
        with self._state:
            return unique_bytes([e for e in self._entries.values() if e.spec.home == device])

    # -- offloading --------------------------------------------------------------------
    def choose_offload(self, offload: str, device: str, files: ModelFiles, dtype: str) -> str:
        """What ``offload`` means for this model: "auto" offloads only a diffusers pipeline that
        would not fit the GPU's budget on its own; transformers models always load whole."""
        if offload not in OFFLOAD_MODES:
            raise ValueError(f"unknown offload {offload!r}; use {', '.join(OFFLOAD_MODES)}")
        if files.library != "diffusers" or offload == "off":
            return "off"
        if offload == "model":
            return "model"
        if not device.startswith("cuda"):
            return "off"
        needed = estimate_bytes(files, dtype)
        if needed <= self.budget(device):
            return "off"
        log.info(
            "%s needs %.1f GiB, over the %.1f GiB GPU budget: offloading (each model on the GPU only while it runs)",
            files.source,
            needed / 2**30,
            self.budget(device) / 2**30,
        )
        return "model"

    def _hook_offload(self, entry: Entry) -> None:
        """Offload hooks sit on the modules a pipeline shares with its derived pipelines and
        follow whichever pipeline set them last; set them for the one about to run, or it would
        run on the CPU (e.g. text-to-image after image-to-image on the same weights)."""
        if entry.spec.offload == "off":
            return
        root = entry.parent or entry.spec.id
        with self._loading:
            if self._hooked.get(root) != entry.spec.id:
                entry.pipeline.enable_model_cpu_offload(device=entry.spec.device)
                self._hooked[root] = entry.spec.id

    # -- device and dtype --------------------------------------------------------------
    def resolve_device(self, device: str | None) -> str:
        return resolve_device(device if device not in (None, "auto") else self.default_device)

    def resolve_dtype(self, dtype: str | None, device: str) -> str:
        return resolve_dtype(dtype if dtype not in (None, "auto") else self.default_dtype, device)


def _is_oom(exc: RuntimeError) -> bool:
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(exc, torch.OutOfMemoryError):
        return True
    message = str(exc).lower()
    return "out of memory" in message or "cublas_status_alloc_failed" in message


def check_kind(files: ModelFiles, model: ModelKind, wanted: tuple[str, ...]) -> None:
    """Raise :class:`WrongModelKind` unless the model can serve one of ``wanted``."""
    if any(can_serve(model, k) for k in wanted):
        return
    raise WrongModelKind(
        files.source,
        files.class_name,
        model.kind,
        wanted,
        f"{files.source} is a {files.class_name} ({model.kind}); this needs {' or '.join(wanted)}: "
        f"{hint(model, wanted[0])}",
    )


_default: ModelManager | None = None
_default_lock = threading.Lock()


GPU_MEMORY_ENV = "REELGRAPH_GPU_MEMORY"


def default_manager() -> ModelManager:
    """The process-wide manager, for when the engine gives the node none (``ctx.models``).
    ``$REELGRAPH_GPU_MEMORY`` (GiB) caps the GPU memory its models may keep resident."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ModelManager(gpu_budget_bytes=gpu_budget_from_env())
        return _default


def manager_for(models: object) -> ModelManager:
    """The manager a node was handed (``ctx.models``), or the process-wide one when it was not."""
    return models if isinstance(models, ModelManager) else default_manager()


def gpu_budget_from_env() -> int | None:
    value = os.environ.get(GPU_MEMORY_ENV, "").strip()
    if not value:
        return None
    try:
        gib = float(value)
    except ValueError:
        raise ValueError(f"${GPU_MEMORY_ENV}={value!r}: give the GPU memory for models in GiB, e.g. 20") from None
    if gib <= 0:
        raise ValueError(f"${GPU_MEMORY_ENV}={value!r}: must be more than 0 GiB")
    return int(gib * 2**30)
