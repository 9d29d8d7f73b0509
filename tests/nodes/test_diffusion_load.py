"""diffusion.load with tiny models: the handle it returns and the errors it points at a widget."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from pydantic import ValidationError

from nodes.diffusion.load import LoadParams, load
from server.engine.context import NodeContext
from server.engine.errors import NodeInputError
from server.models import ModelManager
from tests.models.helpers import load_tiny
from tests.models.tiny import block_network, tiny_model


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def manager() -> ModelManager:
    return ModelManager()


def test_load_returns_a_weightless_handle_with_its_options(ctx: NodeContext, manager: ModelManager, progress) -> None:
    handle = load_tiny(ctx, manager, "wan", step_cache="first_block", vae_slicing=True)
    assert handle.nbytes == 0 and handle.bytes > 0
    summary = handle.summary()
    assert summary["class"] == "WanPipeline" and summary["kind"] == "text2video"
    assert summary["options"]["step_cache"] == "first_block" and summary["options"]["vae_slicing"]
    assert progress.calls[0][:2] == (0, 1) and progress.calls[-1][:2] == (1, 1)
    with handle.use() as pipe:
        assert pipe.transformer.is_cache_enabled  # applied (and so checked) at load time
    again = load_tiny(ctx, manager, "wan", step_cache="first_block", vae_slicing=True)
    assert again == handle
    assert sum(r["class"] == "WanPipeline" for r in manager.loaded()) == 1


def test_bad_path_is_an_error_on_the_model_widget(ctx: NodeContext, tmp_path: Path) -> None:
    missing = tmp_path / "models" / "nowhere"
    with pytest.raises(NodeInputError) as err:
        load(ctx, LoadParams(model=str(missing)))
    assert err.value.name == "model" and str(missing) in str(err.value)


def test_uncached_hub_id_is_an_error_on_the_model_widget(ctx: NodeContext, tmp_path: Path) -> None:
    ctx.models = ModelManager(cache_dir=tmp_path)
    with pytest.raises(NodeInputError, match="not in the local Hugging Face cache") as err:
        load(ctx, LoadParams(model="Wan-AI/Wan2.1-T2V-1.3B-Diffusers"))
    assert err.value.name == "model"


def test_asking_a_model_for_what_it_cannot_do_points_at_kind(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="StableAudioPipeline") as err:
        load_tiny(ctx, manager, "stable_audio", kind="text2image")
    assert err.value.name == "kind"


def test_unusable_speed_option_points_at_its_widget(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="does not support step caching") as err:
        load_tiny(ctx, manager, "sd", step_cache="first_block")
    assert err.value.name == "step_cache"


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_points_at_device(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="CUDA is not available") as err:
        load_tiny(ctx, manager, "sd", device="cuda")
    assert err.value.name == "device"


def test_offload_on_the_cpu_points_at_offload(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="runs on the CPU: use auto or off") as err:
        load_tiny(ctx, manager, "sd", device="cpu", offload="model")
    assert err.value.name == "offload"
    assert load_tiny(ctx, manager, "sd", device="cpu", offload="auto").spec.offload == "off"


def test_an_empty_model_name_fails_validation() -> None:
    with pytest.raises(ValidationError, match="name a model"):
        LoadParams(model="  ")


def test_the_default_manager_serves_when_the_engine_gives_none(ctx: NodeContext) -> None:
    from server.models import default_manager

    handle = load(ctx, LoadParams(model=str(tiny_model("sd"))))["pipeline"]
    assert handle.manager is default_manager()
    default_manager().unload(handle.id)
