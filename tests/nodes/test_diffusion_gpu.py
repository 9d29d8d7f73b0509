"""The diffusion nodes on a CUDA GPU with tiny models: bf16 by default, CUDA-only speed options,
device memory reporting, offloading and recovery from a real out-of-memory error. Skipped
without CUDA."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.keyframes.diffuse import KeyframeParams, keyframes_diffuse
from nodes.video.diffuse import VideoParams, video_diffuse
from server.engine.context import NodeContext
from server.models import ModelManager, OutOfMemory
from tests.models.helpers import load_tiny, shot_plan
from tests.models.tiny import block_network, tiny_model

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")]


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)


def test_auto_picks_the_gpu_in_bf16_and_reports_its_memory(ctx: NodeContext) -> None:
    manager = ModelManager()
    handle = load_tiny(ctx, manager, "sd")
    assert handle.spec.device == "cuda" and handle.spec.dtype in ("bfloat16", "float16")
    memory = manager.memory()
    assert memory["used_bytes"]["cuda"] == handle.bytes and memory["cuda"]["total_bytes"] > 0
    params = KeyframeParams(steps=2, width=32, height=32)
    a = keyframes_diffuse(ctx, params, pipeline=handle, shots=shot_plan("a cat", "a dog"))["frames"].to_array()
    b = keyframes_diffuse(ctx, params, pipeline=handle, shots=shot_plan("a cat", "a dog"))["frames"].to_array()
    assert a.shape == (2, 32, 32, 3) and np.array_equal(a, b)


@pytest.mark.parametrize("attention", ["sdpa_flash", "sdpa_efficient", "sdpa_math"])
def test_sdpa_kernels_run_a_video_model(ctx: NodeContext, attention: str) -> None:
    # the tiny LTX has 8-channel attention heads, which every fused kernel takes
    handle = load_tiny(ctx, ModelManager(), "ltx", attention=attention, step_cache="first_block")
    params = VideoParams(steps=2, width=32, height=32, clip_frames=9)
    out = video_diffuse(ctx, params, pipeline=handle, text="rain")["frames"]
    assert out.count == 9


def test_a_real_out_of_memory_unloads_and_the_next_run_works(ctx: NodeContext) -> None:
    manager = ModelManager()
    handle = load_tiny(ctx, manager, "sd")
    free, _ = torch.cuda.mem_get_info()
    with pytest.raises(OutOfMemory), handle.use():
        torch.empty(int(free * 2), dtype=torch.uint8, device="cuda")
    assert manager.loaded() == []
    params = KeyframeParams(steps=2, width=32, height=32)
    out = keyframes_diffuse(ctx, params, pipeline=handle, shots=shot_plan("a cat"))["frames"]
    assert out.count == 1


def test_offload_keeps_the_weights_off_the_gpu_between_uses(ctx: NodeContext) -> None:
    manager = ModelManager()
    whole = load_tiny(ctx, manager, "sd")
    params = KeyframeParams(steps=2, width=32, height=32)
    expected = keyframes_diffuse(ctx, params, pipeline=whole, shots=shot_plan("a cat"))["frames"].to_array()
    manager.unload_all()
    torch.cuda.synchronize()
    before = torch.cuda.memory_allocated()
    handle = load_tiny(ctx, manager, "sd", offload="model")
    assert handle.spec.offload == "model" and torch.cuda.memory_allocated() - before < handle.bytes // 4
    out = keyframes_diffuse(ctx, params, pipeline=handle, shots=shot_plan("a cat"))["frames"].to_array()
    assert torch.cuda.memory_allocated() - before < handle.bytes // 2  # the last model goes back after the call
    assert np.abs(out.astype(int) - expected).max() <= 2  # same pictures, up to kernel choice
    assert manager.memory()["used_bytes"] == {"cpu": handle.bytes}


def test_auto_offloads_a_model_over_the_gpu_budget(ctx: NodeContext) -> None:
    size = ModelManager().load(str(tiny_model("sd")), device="cpu").bytes
    handle = load_tiny(ctx, ModelManager(gpu_budget_bytes=size // 4), "sd")
    assert handle.spec.offload == "model"
    params = KeyframeParams(steps=2, width=32, height=32)
    assert keyframes_diffuse(ctx, params, pipeline=handle, shots=shot_plan("a cat"))["frames"].count == 1
