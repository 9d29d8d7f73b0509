"""Model manager: loads diffusers/transformers models offline, keeps them resident within a
memory budget, shares components, and recovers from out-of-memory. Imports no torch until
a model is loaded."""

from .catalog import ModelEntry, filter_models, find_models, hub_cache_dir, model_roots
from .errors import (
    DeviceUnavailable,
    MissingDependency,
    ModelError,
    ModelNotFound,
    OutOfMemory,
    UnsafeWeights,
    UnsupportedOption,
    WrongModelKind,
)
from .handle import LoadSpec, ModelHandle
from .kinds import KINDS, ModelKind, classify
from .manager import ModelManager, default_manager, manager_for
from .resolve import ModelFiles, resolve
from .speed import SpeedOptions

__all__ = [
    "KINDS",
    "DeviceUnavailable",
    "LoadSpec",
    "MissingDependency",
    "ModelEntry",
    "ModelError",
    "ModelFiles",
    "ModelHandle",
    "ModelKind",
    "ModelManager",
    "ModelNotFound",
    "OutOfMemory",
    "SpeedOptions",
    "UnsafeWeights",
    "UnsupportedOption",
    "WrongModelKind",
    "classify",
    "default_manager",
    "filter_models",
    "find_models",
    "hub_cache_dir",
    "manager_for",
    "model_roots",
    "resolve",
]
