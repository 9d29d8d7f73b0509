"""FLUX.2 in keyframes.diffuse, with tiny random twins of FLUX.2 [dev] (Mistral 3 text encoder,
guidance embedded) and FLUX.2 [klein] (Qwen3 text encoder, real classifier-free guidance)
saved and loaded back through diffusion.load."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nodes.datatypes import Frames
from nodes.diffusion.load import LoadParams, load
from nodes.keyframes import diffuse as keyframes_module
from nodes.keyframes.diffuse import KeyframeParams, keyframes_diffuse
from server.engine.context import NodeContext
from server.engine.errors import NodeInputError
from server.models import ModelManager
from tests.models.helpers import animatic, load_tiny, shot_plan
from tests.models.tiny import block_network, tiny_model

PLAN = shot_plan("a lantern in the rain", "a cat on a roof")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def manager() -> ModelManager:
    return ModelManager()


def keyframes(ctx: NodeContext, manager: ModelManager, model: str, **kwargs) -> Frames:
    frames = kwargs.pop("frames", None)
    params = KeyframeParams(**{"steps": 2, "width": 32, "height": 32, "chain": False, **kwargs})
    return keyframes_diffuse(ctx, params, pipeline=load_tiny(ctx, manager, model), shots=PLAN, frames=frames)["frames"]


def floats_of(monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray]:
    """The pipeline's float pictures, before 8-bit rounding (a tiny random model may move pixels
    by less than half a level)."""
    floats: list[np.ndarray] = []
    to_uint8 = keyframes_module.to_uint8
    monkeypatch.setattr(keyframes_module, "to_uint8", lambda x: floats.append(np.asarray(x, np.float64)) or to_uint8(x))
    return floats


@pytest.mark.parametrize(("model", "pipeline"), [("flux2", "Flux2Pipeline"), ("flux2_klein", "Flux2KleinPipeline")])
def test_flux2_makes_a_keyframe_per_shot(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch, model: str, pipeline: str
) -> None:
    floats = floats_of(monkeypatch)
    out = keyframes(ctx, manager, model, guidance=4.0)
    assert out.to_array().shape == (2, 32, 32, 3) and out.cuts == (1,)
    assert np.abs(floats[0] - floats[1]).max() > 0, "each shot's prompt and seed make its own picture"
    [entry] = [r for r in manager.loaded() if r["class"] == pipeline]
    assert (entry["family"], entry["kind"]) == ("flux2", "text2image")


def test_flux2_sizes_round_to_its_packed_latents(ctx: NodeContext, manager: ModelManager) -> None:
    out = keyframes(ctx, manager, "flux2_klein", width=40, height=24)
    assert out.to_array().shape == (2, 16, 32, 3)  # multiples of 16: 8x VAE, 2x2 packing
    with pytest.raises(NodeInputError, match="at least 16") as err:
        keyframes(ctx, manager, "flux2_klein", width=8)
    assert err.value.name == "width"


def test_flux2_dev_embeds_the_guidance(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    floats = floats_of(monkeypatch)
    keyframes(ctx, manager, "flux2", guidance=2.0)
    keyframes(ctx, manager, "flux2", guidance=6.0)
    assert np.abs(floats[0] - floats[2]).max() > 0


def test_flux2_klein_guides_against_the_nodes_negative_prompt(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[klein] takes no negative text, only negative embeddings: the node's negative prompt is
    encoded for it, so it steers the picture under guidance and is moot without it (guidance 1)."""
    floats = floats_of(monkeypatch)
    for guidance in (4.0, 1.0):
        for negative in ("blurry", "dark, grainy"):
            keyframes(ctx, manager, "flux2_klein", guidance=guidance, negative_prompt=negative)
    guided_a, guided_b, plain_a, plain_b = floats[0::2]
    assert np.abs(guided_a - guided_b).max() > 0
    assert np.array_equal(plain_a, plain_b)


def test_flux2_follows_the_previous_keyframe_and_the_animatic_as_references(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FLUX.2 starts from noise: chaining and the animatic reach it as reference pictures (its
    multi-reference input), each its own, and they change the picture."""
    import functools

    from diffusers import Flux2KleinPipeline

    references: list[int] = []
    real = Flux2KleinPipeline.__call__

    @functools.wraps(real)
    def spy(self, *args, **kwargs):
        references.append(len(kwargs.get("image") or []))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Flux2KleinPipeline, "__call__", spy)
    floats = floats_of(monkeypatch)
    layout = animatic(count=16)
    keyframes(ctx, manager, "flux2_klein")
    chained = keyframes(ctx, manager, "flux2_klein", chain=True)
    keyframes(ctx, manager, "flux2_klein", chain=True, frames=layout)
    assert references == [0, 0, 0, 1, 1, 2]
    assert chained.to_array().shape == (2, 32, 32, 3)
    assert np.array_equal(floats[0], floats[2]), "the first keyframe has nothing to follow"
    assert np.abs(floats[1] - floats[3]).max() > 0 and np.abs(floats[4] - floats[0]).max() > 0
    assert not any(r["kind"] == "image2image" for r in manager.loaded() if r["family"] == "flux2")


def test_a_model_that_can_neither_start_from_nor_follow_a_picture_is_refused_before_it_runs(
    ctx: NodeContext, manager: ModelManager, progress
) -> None:
    pipeline = dataclasses.replace(load_tiny(ctx, manager, "flux2_klein"), family="other")
    progress.calls.clear()
    with pytest.raises(NodeInputError, match="from the previous one") as err:
        keyframes_diffuse(ctx, KeyframeParams(steps=2, width=32, height=32), pipeline=pipeline, shots=PLAN)
    assert err.value.name == "chain"
    params = KeyframeParams(steps=2, width=32, height=32, chain=False)
    with pytest.raises(NodeInputError, match="from the animatic") as err:
        keyframes_diffuse(ctx, params, pipeline=pipeline, shots=PLAN, frames=animatic(count=16))
    assert err.value.name == "frames"
    assert not progress.calls, "refused before anything ran"


@pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("torchvision") is not None,
    reason="torchvision is installed: FLUX.2 [dev]'s processor can be built",
)
def test_flux2_dev_without_torchvision_names_the_package_on_the_model_widget(
    ctx: NodeContext, manager: ModelManager, tmp_path: Path
) -> None:
    """The real FLUX.2 [dev] wraps its tokenizer in a PixtralProcessor, which transformers 5 only
    builds with torchvision: the load names the component and the package instead of failing
    deep inside from_pretrained."""
    folder = tmp_path / "flux2-dev"
    shutil.copytree(tiny_model("flux2"), folder)
    index = json.loads((folder / "model_index.json").read_text())
    index["tokenizer"] = ["transformers", "PixtralProcessor"]
    (folder / "model_index.json").write_text(json.dumps(index))
    ctx.models = manager
    with pytest.raises(NodeInputError, match=r"tokenizer component \(PixtralProcessor\) needs torchvision") as err:
        load(ctx, LoadParams(model=str(folder)))
    assert err.value.name == "model"
