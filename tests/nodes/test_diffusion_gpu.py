"""The diffusion nodes on a CUDA GPU with tiny models: bf16 by default, CUDA-only speed options,
device memory reporting and recovery from a real out-of-memory error. Skipped without CUDA."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.diffusion.keyframes import KeyframeParams, keyframes_diffuse
from nodes.diffusion.video import VideoParams, video_diffuse
from server.engine.context import NodeContext
from server.models import ModelManager, OutOfMemory
from tests.models.helpers import load_tiny, shot_plan
from tests.models.tiny import block_network

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
