"""diffusion.lora with a tiny LoRA made by peft on the tiny Stable Diffusion's UNet, saved with
diffusers' save_lora_weights (safetensors) and loaded back through the node: strength changes
the picture, strength 0 and removing the node give the base model back exactly, and LoRAs for
another model, pickles and missing files are refused on the lora widget."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from nodes.diffusion.lora import LoraParams, lora
from nodes.keyframes.diffuse import KeyframeParams, keyframes_diffuse
from server.engine.context import NodeContext
from server.engine.errors import NodeInputError
from server.models import ModelManager
from server.models.catalog import find_models
from tests.models.helpers import load_tiny, shot_plan
from tests.models.tiny import block_network, tiny_model

PLAN = shot_plan("a lantern in the fog")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def manager() -> ModelManager:
    return ModelManager()


@pytest.fixture(scope="module")
def sd_lora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A rank-4 LoRA on the attention projections of the tiny SD UNet, with random (not zero) up
    matrices so that it changes the output, in diffusers' file layout."""
    from diffusers import StableDiffusionPipeline
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    pipe = StableDiffusionPipeline.from_pretrained(tiny_model("sd"))
    torch.manual_seed(0)
    pipe.unet.add_adapter(
        LoraConfig(r=4, lora_alpha=4, target_modules=["to_q", "to_k", "to_v", "to_out.0"], init_lora_weights=False)
    )
    layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(pipe.unet))
    folder = tmp_path_factory.mktemp("loras")
    StableDiffusionPipeline.save_lora_weights(folder, unet_lora_layers=layers, safe_serialization=True)
    return folder / "pytorch_lora_weights.safetensors"


@pytest.fixture(scope="module")
def flux_lora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LoRA on the tiny FLUX transformer's attention, in diffusers' transformer key layout."""
    from diffusers import FluxPipeline
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    pipe = FluxPipeline.from_pretrained(tiny_model("flux"))
    torch.manual_seed(0)
    pipe.transformer.add_adapter(
        LoraConfig(r=4, lora_alpha=4, target_modules=["to_q", "to_k", "to_v"], init_lora_weights=False)
    )
    folder = tmp_path_factory.mktemp("flux-loras")
    FluxPipeline.save_lora_weights(folder, transformer_lora_layers=get_peft_model_state_dict(pipe.transformer))
    return folder / "pytorch_lora_weights.safetensors"


def picture(ctx: NodeContext, pipeline) -> np.ndarray:
    params = KeyframeParams(steps=2, width=32, height=32, chain=False)
    return keyframes_diffuse(ctx, params, pipeline=pipeline, shots=PLAN)["frames"].to_array()[0]


def with_lora(ctx: NodeContext, pipeline, path: Path, strength: float):
    return lora(ctx, LoraParams(lora=str(path), strength=strength), pipeline=pipeline)["pipeline"]


def test_strength_changes_the_picture_and_zero_is_the_base_exactly(
    ctx: NodeContext, manager: ModelManager, sd_lora: Path
) -> None:
    base_handle = load_tiny(ctx, manager, "sd")
    base = picture(ctx, base_handle)
    full = picture(ctx, with_lora(ctx, base_handle, sd_lora, 1.0))
    half = picture(ctx, with_lora(ctx, base_handle, sd_lora, 0.5))
    zero = picture(ctx, with_lora(ctx, base_handle, sd_lora, 0.0))
    assert np.array_equal(zero, base)
    assert np.abs(full.astype(int) - base).mean() > np.abs(half.astype(int) - base).mean() > 0
    assert np.array_equal(picture(ctx, base_handle), base), "the LoRA is gone once its node is"
    with base_handle.use() as pipe:
        assert not pipe.get_list_adapters(), "nothing stays loaded between runs"


def test_two_loras_stack(ctx: NodeContext, manager: ModelManager, sd_lora: Path) -> None:
    base_handle = load_tiny(ctx, manager, "sd")
    one = with_lora(ctx, base_handle, sd_lora, 0.5)
    two = with_lora(ctx, one, sd_lora, 0.5)
    assert [lo.strength for lo in two.loras] == [0.5, 0.5] and two.summary()["loras"][1]["family"] == "sd"
    assert not np.array_equal(picture(ctx, two), picture(ctx, one))


def test_a_lora_for_another_family_is_refused(ctx: NodeContext, manager: ModelManager, sd_lora: Path) -> None:
    wan = load_tiny(ctx, manager, "wan")
    with pytest.raises(NodeInputError, match="made for sd; this pipeline is WanPipeline") as err:
        with_lora(ctx, wan, sd_lora, 1.0)
    assert err.value.name == "lora"


def test_a_transformer_lora_works_on_flux_and_is_refused_on_sd(
    ctx: NodeContext, manager: ModelManager, flux_lora: Path
) -> None:
    flux = load_tiny(ctx, manager, "flux")
    base = picture(ctx, flux)
    assert np.array_equal(picture(ctx, with_lora(ctx, flux, flux_lora, 0.0)), base)
    assert not np.array_equal(picture(ctx, with_lora(ctx, flux, flux_lora, 2.0)), base)
    with pytest.raises(NodeInputError, match="this pipeline is StableDiffusionPipeline") as err:
        with_lora(ctx, load_tiny(ctx, manager, "sd"), flux_lora, 1.0)
    assert err.value.name == "lora"


def test_pickles_and_missing_files_are_refused_on_the_widget(
    ctx: NodeContext, manager: ModelManager, tmp_path: Path
) -> None:
    sd = load_tiny(ctx, manager, "sd")
    (tmp_path / "style.bin").write_bytes(b"\x80\x02pickle")
    with pytest.raises(NodeInputError, match="safetensors only") as err:
        with_lora(ctx, sd, tmp_path / "style.bin", 1.0)
    assert err.value.name == "lora"
    with pytest.raises(NodeInputError, match="only pickled"):
        with_lora(ctx, sd, tmp_path, 1.0)
    with pytest.raises(NodeInputError, match="no LoRA file") as err:
        with_lora(ctx, sd, tmp_path / "nope.safetensors", 1.0)
    assert err.value.name == "lora"


def test_the_picker_lists_loras_with_their_family(tmp_path: Path, sd_lora: Path) -> None:
    (tmp_path / "loras" / "styles").mkdir(parents=True)
    (tmp_path / "loras" / "styles" / "ink.safetensors").write_bytes(sd_lora.read_bytes())
    [entry] = [m for m in find_models([tmp_path], None) if m.kind == "lora"]
    assert (entry.name, entry.family, entry.class_name) == ("styles/ink.safetensors", "sd", "LoRA")
