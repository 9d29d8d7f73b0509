"""Importing spandrel on a machine whose torchvision cannot load.

spandrel imports every architecture it knows when it is imported, and two of them (LaMa
inpainting, RestoreFormer face restoration; neither is super-resolution) import
``torchvision.transforms.functional`` at the top of their modules. PyPI has no CPU build of
torchvision for our pinned CPU torch (its wheels link CUDA's torch libraries and fail to import
with "operator torchvision::nms does not exist"), so torchvision is not a dependency here.
When the real torchvision imports, it is used; otherwise a placeholder providing only the three
names those modules import is registered, and calling either of them raises a clear error.
``video.upscale`` refuses non-super-resolution architectures before they would run anyway.
"""

from __future__ import annotations

import enum
import sys
import types
from typing import Any

NOT_AVAILABLE = (
    "torchvision is not installed (or cannot load next to this torch build); spandrel's LaMa and "
    "RestoreFormer architectures need it, super-resolution architectures do not"
)


class InterpolationMode(enum.Enum):
    """The names torchvision's enum has, so that LaMa's module-level defaults evaluate."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _unavailable(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError(NOT_AVAILABLE)


def _torchvision_loads() -> bool:
    try:
        import torchvision  # noqa: F401
    except (ImportError, RuntimeError, OSError):
        for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
            del sys.modules[name]  # a half-imported broken build must not linger
        return False
    return True


def _install_placeholder() -> None:
    root = types.ModuleType("torchvision")
    root.__path__ = []  # a package, so that submodule imports resolve through sys.modules
    transforms = types.ModuleType("torchvision.transforms")
    transforms.__path__ = []
    functional = types.ModuleType("torchvision.transforms.functional")
    functional.InterpolationMode = InterpolationMode  # type: ignore[attr-defined]
    functional.rotate = _unavailable  # type: ignore[attr-defined]
    functional.normalize = _unavailable  # type: ignore[attr-defined]
    root.transforms = transforms  # type: ignore[attr-defined]
    transforms.functional = functional  # type: ignore[attr-defined]
    sys.modules.update(
        {"torchvision": root, "torchvision.transforms": transforms, "torchvision.transforms.functional": functional}
    )


def import_spandrel() -> Any:
    """The ``spandrel`` module, importable with or without a working torchvision."""
    if "spandrel" in sys.modules:
        return sys.modules["spandrel"]
    placeholder = not _torchvision_loads()
    if placeholder:
        _install_placeholder()
    try:
        import spandrel
    finally:
        if placeholder:  # nothing else in the process should mistake the placeholder for torchvision
            for name in ("torchvision.transforms.functional", "torchvision.transforms", "torchvision"):
                sys.modules.pop(name, None)
    return spandrel
