"""Speed options for a resident pipeline: attention backend, regional compile, step cache,
VAE tiling and slicing.

Options travel with the PIPELINE handle and are brought into force right before each call
(:func:`applied`), so that two nodes using one resident model with different options each
get their own. Applying is incremental and idempotent: state already in force is left
alone, so a compiled model is not recompiled and a cache hook is not re-registered.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from typing import Any

from .errors import UnsupportedOption

SDPA_BACKENDS = {  # our name -> torch.nn.attention.SDPBackend member
    "sdpa_flash": "FLASH_ATTENTION",
    "sdpa_efficient": "EFFICIENT_ATTENTION",
    "sdpa_cudnn": "CUDNN_ATTENTION",
    "sdpa_math": "MATH",
}
DISPATCH_BACKENDS = {"flash": "flash", "flash3": "_flash_3", "sage": "sage"}  # our name -> diffusers backend
ATTENTION = ("default", *SDPA_BACKENDS, *DISPATCH_BACKENDS, "xformers")
COMPILE = ("off", "regional")
STEP_CACHE = ("off", "first_block")

_state: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class SpeedOptions:
    attention: str = "default"
    compile: str = "off"
    step_cache: str = "off"
    cache_threshold: float = 0.05
    vae_tiling: bool = False
    vae_slicing: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def denoiser(pipe: Any) -> Any:
    """The model that runs every step: the transformer or the UNet."""
    return getattr(pipe, "transformer", None) or getattr(pipe, "unet", None)


@contextmanager
def applied(pipe: Any, options: SpeedOptions, device: str) -> Iterator[None]:
    """Bring ``options`` into force on ``pipe`` for the duration of one call."""
    apply(pipe, options, device)
    with _sdpa_context(options.attention):
        yield


def apply(pipe: Any, options: SpeedOptions, device: str) -> None:
    """Persistent part of the options; raises :class:`UnsupportedOption` naming the option."""
    model = denoiser(pipe)
    if model is not None:
        state = _state.setdefault(model, {"attention": "default", "compile": "off", "cache": None})
        _apply_attention(pipe, model, state, options.attention, device)
        _apply_cache(model, state, options)
        _apply_compile(model, state, options.compile)
    elif options.attention != "default" or options.compile != "off" or options.step_cache != "off":
        raise UnsupportedOption("attention", f"{type(pipe).__name__} has no transformer or UNet to speed up")
    _apply_vae(pipe, options)


def _apply_attention(pipe: Any, model: Any, state: dict, attention: str, device: str) -> None:
    if attention not in ATTENTION:
        raise UnsupportedOption("attention", f"unknown attention backend {attention!r}; known: {', '.join(ATTENTION)}")
    if attention in SDPA_BACKENDS and attention != "sdpa_math" and not device.startswith("cuda"):
        raise UnsupportedOption("attention", f"{attention} needs a CUDA device; on {device} use 'default'")
    persistent = attention if attention in DISPATCH_BACKENDS or attention == "xformers" else "default"
    if state["attention"] == persistent:
        return
    if state["attention"] == "xformers":
        pipe.disable_xformers_memory_efficient_attention()
    elif state["attention"] in DISPATCH_BACKENDS:
        model.set_attention_backend("native")
    state["attention"] = "default"
    try:
        if persistent == "xformers":
            pipe.enable_xformers_memory_efficient_attention()
        elif persistent in DISPATCH_BACKENDS:
            if not _uses_dispatch(model):
                raise UnsupportedOption(
                    "attention",
                    f"{type(model).__name__} does not take diffusers attention backends; use an sdpa_* choice "
                    "or xformers",
                )
            model.set_attention_backend(DISPATCH_BACKENDS[persistent])
    except UnsupportedOption:
        raise
    except (ImportError, RuntimeError, ValueError) as exc:
        raise UnsupportedOption("attention", f"attention backend {attention!r} is not usable here: {exc}") from exc
    state["attention"] = persistent


def _uses_dispatch(model: Any) -> bool:
    return any(hasattr(getattr(m, "processor", None), "_attention_backend") for m in model.modules())


def _apply_cache(model: Any, state: dict, options: SpeedOptions) -> None:
    wanted = None if options.step_cache == "off" else (options.step_cache, options.cache_threshold)
    if options.step_cache not in STEP_CACHE:
        raise UnsupportedOption("step_cache", f"unknown step cache {options.step_cache!r}; known: {STEP_CACHE}")
    if state["cache"] == wanted:
        return
    if wanted is not None and not hasattr(model, "enable_cache"):
        raise UnsupportedOption(
            "step_cache",
            f"{type(model).__name__} does not support step caching; it works with transformer video models "
            "(Wan, LTX-Video, CogVideoX)",
        )
    if state["cache"] is not None:
        model.disable_cache()
        state["cache"] = None
    if wanted is not None:
        from diffusers.hooks import FirstBlockCacheConfig

        model.enable_cache(FirstBlockCacheConfig(threshold=options.cache_threshold))
        state["cache"] = wanted


def _apply_compile(model: Any, state: dict, mode: str) -> None:
    if mode not in COMPILE:
        raise UnsupportedOption("compile", f"unknown compile mode {mode!r}; known: {', '.join(COMPILE)}")
    if state["compile"] == mode:
        return
    if mode == "off":
        for module in model.modules():  # undo nn.Module.compile(): it only sets this attribute
            if getattr(module, "_compiled_call_impl", None) is not None:
                module._compiled_call_impl = None
    elif getattr(model, "_repeated_blocks", None):
        model.compile_repeated_blocks(fullgraph=True)
    else:  # no declared repeated blocks (e.g. the AnimateDiff motion UNet): compile the whole model
        model.compile()
    state["compile"] = mode


def _apply_vae(pipe: Any, options: SpeedOptions) -> None:
    vae = getattr(pipe, "vae", None)
    owner = type(vae).__name__ if vae is not None else f"{type(pipe).__name__} (it has no VAE)"
    for option, enabled, verb in (
        ("vae_tiling", options.vae_tiling, "tiling"),
        ("vae_slicing", options.vae_slicing, "slicing"),
    ):
        switch = getattr(vae, f"{'enable' if enabled else 'disable'}_{verb}", None)
        try:
            if switch is None and enabled:
                raise NotImplementedError
            if switch is not None:
                switch()
        except NotImplementedError as exc:
            raise UnsupportedOption(option, f"{owner} does not support {verb}") from exc


def _sdpa_context(attention: str):
    if attention not in SDPA_BACKENDS:
        return nullcontext()
    from torch.nn.attention import SDPBackend, sdpa_kernel

    return sdpa_kernel([getattr(SDPBackend, SDPA_BACKENDS[attention])])
