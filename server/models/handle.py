"""The PIPELINE value and the manager's bookkeeping record of a resident pipeline."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .controlnet import ControlSpec
from .kinds import ModelKind, can_serve
from .lora import Lora
from .speed import SpeedOptions

if TYPE_CHECKING:
    from .manager import ModelManager


@dataclass(frozen=True)
class LoadSpec:
    """Everything that makes two loads the same entry."""

    source: str
    path: str
    kind: str
    device: str
    dtype: str
    offload: str = "off"  # "model": weights stay in RAM, each model moves to the GPU while it runs

    @property
    def id(self) -> str:
        suffix = "" if self.offload == "off" else f"|offload={self.offload}"
        return f"{self.source}|{self.kind}|{self.device}|{self.dtype}{suffix}"

    @property
    def home(self) -> str:
        """Where the weights live between calls: the budget they count against."""
        return "cpu" if self.offload != "off" else self.device


@dataclass
class Entry:
    """A resident pipeline. ``parent`` names the entry whose modules it shares (``from_pipe``);
    ``in_use`` counts the runs holding it, which LRU unloading leaves alone."""

    spec: LoadSpec
    pipeline: Any
    class_name: str
    model: ModelKind
    modules: dict[int, int]  # id(module) -> bytes
    parent: str | None = None
    last_used: float = field(default_factory=time.time)
    in_use: int = 0

    @property
    def bytes(self) -> int:
        return sum(self.modules.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.spec.id,
            "source": self.spec.source,
            "class": self.class_name,
            "family": self.model.family,
            "kind": self.spec.kind,
            "device": self.spec.device,
            "dtype": self.spec.dtype,
            "offload": self.spec.offload,
            "bytes": self.bytes,
            "last_used": round(self.last_used, 3),
            "shares_with": self.parent,
            "in_use": self.in_use > 0,
        }


@dataclass(frozen=True)
class ModelHandle:
    """The PIPELINE value: a cheap reference to a model in a manager, plus its speed options.

    It holds no weights (``nbytes`` is 0, the manager owns the memory), so the engine may
    cache it freely; :meth:`use` reloads the model if it was unloaded in the meantime.
    """

    spec: LoadSpec
    class_name: str
    family: str
    kind: str
    bytes: int
    manager: ModelManager = field(repr=False, compare=False)
    options: SpeedOptions = field(default_factory=SpeedOptions)
    loras: tuple[Lora, ...] = ()  # applied for each call, unloaded after it (diffusion.lora)
    control: ControlSpec | None = None  # the ControlNet control maps go through (diffusion.controlnet)
    nbytes: int = 0

    @property
    def id(self) -> str:
        return self.spec.id

    def can_serve(self, kind: str) -> bool:
        return can_serve(ModelKind(self.family, self.kind), kind)

    def use(self, kind: str | None = None):
        """``with handle.use("image2image") as pipe:`` the resident pipeline, guarded against OOM."""
        return self.manager.use(self, kind)

    def with_options(self, options: SpeedOptions) -> ModelHandle:
        return replace(self, options=options)

    def with_control(self, control: ControlSpec) -> ModelHandle:
        return replace(self, control=control)

    def with_lora(self, lora: Lora) -> ModelHandle:
        """This handle with one more LoRA on its stack (the weights stay shared and untouched)."""
        return replace(self, loras=(*self.loras, lora))

    def summary(self) -> dict[str, Any]:
        return {
            "type": "PIPELINE",
            "model": self.spec.source,
            "class": self.class_name,
            "family": self.family,
            "kind": self.kind,
            "device": self.spec.device,
            "dtype": self.spec.dtype,
            "offload": self.spec.offload,
            "bytes": self.bytes,
            "options": self.options.to_json(),
            "loras": [lora.to_json() for lora in self.loras],
            "control": self.control.to_json() if self.control else None,
        }


def unique_bytes(entries: list[Entry]) -> int:
    """Bytes of the modules of ``entries``, each module counted once however many pipelines share it."""
    seen: dict[int, int] = {}
    for entry in entries:
        seen.update(entry.modules)
    return sum(seen.values())
