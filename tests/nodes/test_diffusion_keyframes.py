"""keyframes.diffuse with tiny Stable Diffusion / SDXL: one keyframe per shot, seeded,
chained by img2img, laid out by the animatic, with per-step progress and previews."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nodes.diffusion.common import compose_prompt
from nodes.keyframes.diffuse import KeyframeParams, keyframes_diffuse
from nodes.style.model import Style
from server.engine.context import NodeContext
from server.engine.errors import Cancelled, NodeInputError
from server.models import ModelManager
from tests.models.helpers import animatic, load_tiny, shot_plan
from tests.models.tiny import block_network

PLAN = shot_plan("a woman walks down a street", "a red car at night", "neon signs in the rain")
FAST = {"steps": 2, "width": 32, "height": 32}


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def manager() -> ModelManager:
    return ModelManager()


def keyframes(ctx: NodeContext, manager: ModelManager, model: str = "sd", **kwargs) -> np.ndarray:
    pipeline = load_tiny(ctx, manager, model)
    frames = kwargs.pop("frames", None)
    params = KeyframeParams(**{**FAST, **kwargs})
    out = keyframes_diffuse(ctx, params, pipeline=pipeline, shots=PLAN, frames=frames)["frames"]
    return out


@pytest.mark.parametrize("model", ["sd", "sdxl"])
def test_one_keyframe_per_shot_with_progress_and_previews(
    ctx: NodeContext, manager: ModelManager, progress, model: str
) -> None:
    out = keyframes(ctx, manager, model)
    assert out.to_array().shape == (3, 32, 32, 3)
    assert out.cuts == (1, 2) and out.fps == pytest.approx(3 / PLAN.duration)
    steps = [c for c in progress.calls if c[1] == 6]  # 3 shots × 2 steps
    done = [c[0] for c in steps]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 6
    previews = [c[2] for c in steps if c[2] is not None]
    assert len(previews) >= 3  # at least the last step of every shot
    assert all(p.dtype == np.uint8 and p.ndim == 3 and p.shape[2] == 3 and max(p.shape) <= 256 for p in previews)


def test_same_seed_same_keyframes_and_another_seed_differs(ctx: NodeContext, manager: ModelManager) -> None:
    a = keyframes(ctx, manager).to_array()
    b = keyframes(ctx, manager).to_array()
    c = keyframes(dataclasses.replace(ctx, seed=ctx.seed + 1), manager).to_array()
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.fixture
def init_images(monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray]:
    """Every picture a keyframe starts from (the img2img input), as the node hands it over."""
    import nodes.keyframes.diffuse as module

    seen: list[np.ndarray] = []
    original = module.to_pil

    def spy(frame: np.ndarray, width: int | None = None, height: int | None = None):
        seen.append(frame.copy())
        return original(frame, width, height)

    monkeypatch.setattr(module, "to_pil", spy)
    return seen


def test_chaining_starts_each_keyframe_from_the_previous_one(
    ctx: NodeContext, manager: ModelManager, init_images: list[np.ndarray]
) -> None:
    chained = keyframes(ctx, manager, chain=True, strength=0.5, steps=4).to_array()
    assert len(init_images) == 2  # shots 2 and 3
    assert np.array_equal(init_images[0], chained[0]) and np.array_equal(init_images[1], chained[1])
    assert any(r["class"] == "StableDiffusionImg2ImgPipeline" and r["shares_with"] for r in manager.loaded())
    init_images.clear()
    free = keyframes(ctx, manager, chain=False, steps=4).to_array()
    assert init_images == []
    assert np.array_equal(chained[0], free[0])  # the first shot has nothing to chain from
    assert not np.array_equal(chained[1], free[1])


def test_animatic_frames_lay_out_the_keyframes(
    ctx: NodeContext, manager: ModelManager, init_images: list[np.ndarray]
) -> None:
    layout = animatic(count=24, fps=16)
    guided = keyframes(ctx, manager, frames=layout, chain=False, layout_strength=0.5, steps=4).to_array()
    starts = layout.to_array()[[0, 8, 16]]  # the animatic frame at each shot's start (0.5 s shots at 16 fps)
    assert len(init_images) == 3 and all(np.array_equal(a, b) for a, b in zip(init_images, starts))
    init_images.clear()
    keyframes(ctx, manager, frames=layout, chain=True, layout_strength=0.5, steps=4)
    assert np.array_equal(init_images[0], starts[0])
    assert not np.array_equal(init_images[1], starts[1])  # blended with the previous keyframe
    free = keyframes(ctx, manager, chain=False, steps=4).to_array()
    assert not np.array_equal(guided, free)


def test_few_steps_with_low_strength_still_take_one_step(ctx: NodeContext, manager: ModelManager, progress) -> None:
    out = keyframes(ctx, manager, steps=1, strength=0.1)
    assert out.count == 3 and progress.calls[-1][:2] == (3, 3)


def test_scheduler_choice_changes_the_picture_and_is_restored(ctx: NodeContext, manager: ModelManager) -> None:
    default = keyframes(ctx, manager, chain=False).to_array()
    euler_a = keyframes(ctx, manager, chain=False, scheduler="euler_a").to_array()
    assert not np.array_equal(default, euler_a)
    with load_tiny(ctx, manager, "sd").use() as pipe:
        assert type(pipe.scheduler).__name__ == "DDIMScheduler"


def test_style_tags_are_appended_once() -> None:
    style = Style(np.zeros(2), ("warmth", "neon"), ("neon", "cinematic", "rain"), ("#000000",), "test")
    assert compose_prompt("a street in the rain ", style) == "a street in the rain, neon, cinematic"
    assert compose_prompt("a street", None) == "a street"


def test_a_pipeline_of_the_wrong_kind_is_refused(ctx: NodeContext, manager: ModelManager) -> None:
    audio = load_tiny(ctx, manager, "stable_audio")
    with pytest.raises(NodeInputError, match="text2image or image2image") as err:
        keyframes_diffuse(ctx, KeyframeParams(**FAST), pipeline=audio, shots=PLAN)
    assert err.value.name == "pipeline"


def test_an_empty_shot_plan_is_refused(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError) as err:
        keyframes_diffuse(ctx, KeyframeParams(**FAST), pipeline=load_tiny(ctx, manager, "sd"), shots=shot_plan())
    assert err.value.name == "shots"


def test_cancelling_stops_between_steps_and_frees_the_model(ctx: NodeContext, manager: ModelManager) -> None:
    pipeline = load_tiny(ctx, manager, "sd")
    steps = []

    def cancel_after_first_step(done, total, preview=None) -> None:
        steps.append(done)
        if done >= 1:
            ctx._cancel.set()

    ctx = dataclasses.replace(ctx, _on_progress=cancel_after_first_step)
    with pytest.raises(Cancelled):
        keyframes_diffuse(ctx, KeyframeParams(**FAST), pipeline=pipeline, shots=PLAN)
    assert max(steps) < 6
    assert not any(r["in_use"] for r in manager.loaded())
