"""Typed errors of the model manager. Each message names the model and says how to fix it.

Nodes turn the configuration errors into ``NodeInputError`` on the parameter or input at
fault, so that the editor can point at the widget; ``OutOfMemory`` is reported as it is.
"""

from __future__ import annotations


class ModelError(Exception):
    """Base class: something is wrong with a model or how it is to be run, not with the engine."""


class ModelNotFound(ModelError):
    """No model at that path, or a hub id that is not in the local cache while downloads are off."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source


class WrongModelKind(ModelError):
    """The model exists but cannot do what was asked (e.g. a text-to-audio model for keyframes)."""

    def __init__(self, source: str, class_name: str, kind: str, wanted: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.source = source
        self.class_name = class_name
        self.kind = kind
        self.wanted = wanted


class UnsafeWeights(ModelError):
    """The model folder holds pickled weights only; we load safetensors and nothing else."""


class MissingDependency(ModelError):
    """A component of the model needs an optional package that is not installed (e.g. FLUX.2 [dev]'s
    text processor needs torchvision under transformers 5)."""


class DeviceUnavailable(ModelError):
    """The requested device (e.g. CUDA) does not exist on this machine."""


class UnsupportedOption(ModelError):
    """A speed option the loaded model (or this machine) cannot use; ``option`` names it."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


class OutOfMemory(ModelError):
    """The device ran out of memory. Every model was unloaded so the process stays usable."""
