"""audio.diffuse with tiny StableAudio, ACE-Step and AudioLDM 2: sound from a text or from the
scene's audio cues, music with lyrics."""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pytest
import torch

from nodes.audio.diffuse import AudioParams, audio_diffuse, scene_prompt
from nodes.scene.model import Scene
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


def street_scene() -> Scene:
    graph = nx.MultiDiGraph()
    graph.add_node(
        "scene",
        kind="scene",
        setting="city_street",
        location="street",
        time_of_day="night",
        weather=["rain"],
        audio_cues=["rain", "footsteps", "crowd"],
    )
    return Scene(graph)


def sound(ctx: NodeContext, manager: ModelManager, **kwargs):
    inputs = {k: kwargs.pop(k) for k in ("scene", "text") if k in kwargs}
    params = AudioParams(**{"steps": 2, "seconds": 1.5, **kwargs})
    return audio_diffuse(ctx, params, pipeline=load_tiny(ctx, manager, "stable_audio"), **inputs)["audio"]


def test_sound_from_text_with_progress(ctx: NodeContext, manager: ModelManager, progress) -> None:
    audio = sound(ctx, manager, text="rain on a tin roof")
    assert audio.samples.dtype == np.float32 and audio.channels == 2
    assert audio.sample_rate == 4 and audio.duration == pytest.approx(1.5)  # the tiny VAE runs at 4 Hz
    assert np.abs(audio.samples).max() <= 1.0
    assert progress.calls[-1][:2] == (2, 2)
    previews = [c[2] for c in progress.calls if c[2] is not None]
    assert previews and all(p.dtype == np.uint8 and p.shape[1] >= p.shape[0] for p in previews)  # a wide band


def test_same_seed_same_sound(ctx: NodeContext, manager: ModelManager) -> None:
    a = sound(ctx, manager, text="footsteps").samples
    b = sound(ctx, manager, text="footsteps").samples
    c = sound(dataclasses.replace(ctx, seed=5), manager, text="footsteps").samples
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_the_scene_prompts_its_audio_cues(ctx: NodeContext, manager: ModelManager) -> None:
    prompt = scene_prompt(street_scene())
    assert prompt.startswith("rain, footsteps, crowd, ambience of a street, at night")
    from_scene = sound(ctx, manager, scene=street_scene()).samples
    from_text = sound(ctx, manager, text=prompt).samples
    assert np.array_equal(from_scene, from_text)


def test_longer_than_the_model_makes_is_refused(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="at most 2.00 s") as err:
        sound(ctx, manager, text="wind", seconds=10)
    assert err.value.name == "seconds"


def test_no_prompt_at_all_is_refused(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError) as err:
        sound(ctx, manager)
    assert err.value.name == "scene"


def music(ctx: NodeContext, manager: ModelManager, **kwargs):
    params = AudioParams(**{"steps": 2, "seconds": 0.5, **kwargs})
    return audio_diffuse(ctx, params, pipeline=load_tiny(ctx, manager, "ace_step"), text="a slow piano ballad")["audio"]


def test_ace_step_makes_music_and_sings_the_lyrics(ctx: NodeContext, manager: ModelManager, progress) -> None:
    """ACE-Step through the same node: its length argument, its sample rate, and the lyrics reach it."""
    instrumental = music(ctx, manager)
    sung = music(ctx, manager, lyrics="[verse]\nrain on the neon street")
    assert instrumental.sample_rate == 50 and instrumental.samples.shape == (25, 2)  # 0.5 s at the tiny 50 Hz
    assert not np.array_equal(instrumental.samples, sung.samples)
    assert progress.calls[-1][:2] == (2, 2)


def test_lyrics_for_a_model_that_does_not_sing_are_refused(ctx: NodeContext, manager: ModelManager) -> None:
    with pytest.raises(NodeInputError, match="does not sing") as err:
        sound(ctx, manager, lyrics="la la la")
    assert err.value.name == "lyrics"


def test_audioldm2_makes_sound_through_its_gpt2_saved_as_the_checkpoints_save_it(
    ctx: NodeContext, manager: ModelManager, monkeypatch: pytest.MonkeyPatch, progress
) -> None:
    """AudioLDM 2 checkpoints name their GPT-2 ``GPT2Model``, which diffusers 0.42 cannot generate
    with under transformers 5: the loader holds the same weights in ``GPT2LMHeadModel``."""
    import functools

    from diffusers import AudioLDM2Pipeline
    from transformers import GPT2Model

    negatives: list[str] = []
    real = AudioLDM2Pipeline.__call__

    @functools.wraps(real)
    def spy(self, *args, **kwargs):
        negatives.append(kwargs["negative_prompt"])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(AudioLDM2Pipeline, "__call__", spy)
    pipeline = load_tiny(ctx, manager, "audioldm2")
    params = AudioParams(steps=2, seconds=0.5, negative_prompt="hiss")
    audio = audio_diffuse(ctx, params, pipeline=pipeline, text="a hammer on wood")["audio"]
    assert audio.sample_rate == 16000 and audio.samples.shape == (8000, 1)
    assert np.abs(audio.samples).max() > 0 and negatives == ["hiss"]
    assert progress.calls[-1][:2] == (2, 2)
    saved = GPT2Model.from_pretrained(tiny_model("audioldm2") / "language_model")
    with pipeline.use() as pipe:
        assert type(pipe.language_model).__name__ == "GPT2LMHeadModel"
        held = pipe.language_model.transformer.state_dict()
    assert all(torch.equal(held[k], v) for k, v in saved.state_dict().items()), "the checkpoint's own weights"
