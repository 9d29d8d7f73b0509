"""style.embed: the built-in interpretable axes and the text-encoder backend with tiny random models."""

from __future__ import annotations

import re
import string
from pathlib import Path

import numpy as np
import pytest

from nodes.scene.build import build_scene
from nodes.style.axes import AXES, AXIS_NAMES
from nodes.style.embed import EmbedParams, style_embed
from nodes.style.model import Style
from nodes.text.pipeline import analyse
from server.engine.errors import NodeInputError

from .test_scene_graph import LION, SKYLINE
from .test_text_analyze import TOKYO

REQUIRED_AXES = {
    "warmth",
    "saturation",
    "brightness",
    "contrast",
    "neon",
    "golden_hour",
    "rain",
    "fog",
    "noir",
    "pastel",
    "futuristic",
    "nature",
    "urban",
    "night",
}
HEX = re.compile(r"^#[0-9a-f]{6}$")


def style_of(ctx, text: str, with_scene: bool = True, **params) -> Style:
    scene = build_scene(analyse(text, "builtin")) if with_scene else None
    return style_embed(ctx, EmbedParams(**params), text=text, scene=scene)["style"]


def check_contract(style: Style) -> None:
    assert REQUIRED_AXES <= set(style.axes) and style.vector.shape == (len(style.axes),)
    assert np.all((style.vector >= 0) & (style.vector <= 1))
    assert style.palette and all(HEX.match(c) for c in style.palette)
    assert style.to_json()["axes"].keys() == set(style.axes)


def test_tokyo_is_neon_rainy_night_urban(ctx) -> None:
    style = style_of(ctx, TOKYO)
    check_contract(style)
    assert style.backend == "builtin" and style.embedding is None
    for name in ("neon", "rain", "night", "urban"):
        assert style.axis(name) > 0.8, name
    assert style.axis("brightness") < 0.4 and style.axis("golden_hour") == 0.0 and style.axis("pastel") == 0.0
    assert {"neon", "rainy", "night", "urban"} <= set(style.tags)
    assert "#c81e28" in style.palette[:3]  # her red dress is a dominant colour


def test_lion_at_sunset_is_warm_golden_nature(ctx) -> None:
    style = style_of(ctx, LION)
    check_contract(style)
    assert style.axis("golden_hour") > 0.8 and style.axis("warmth") > 0.8 and style.axis("nature") > 0.8
    assert style.axis("urban") == 0.0 and style.axis("night") == 0.0
    assert style.tags[:3] == ("warm", "golden hour", "nature")


def test_skyline_is_futuristic_and_golden(ctx) -> None:
    style = style_of(ctx, SKYLINE)
    assert style.axis("futuristic") > 0.8 and style.axis("golden_hour") > 0.8 and style.axis("urban") > 0.8


def test_noir_and_pastel_move_the_colour_axes_apart(ctx) -> None:
    noir = style_of(ctx, "A black and white film noir scene: a detective smokes under a streetlight on a foggy night")
    pastel = style_of(ctx, "A dreamy pastel bakery with pink cakes on a sunny morning")
    assert noir.axis("noir") > 0.9 and noir.axis("saturation") < 0.3 and noir.axis("fog") > 0.8
    assert pastel.axis("pastel") > 0.9 and pastel.axis("brightness") > 0.8 and pastel.axis("contrast") < 0.4
    rgbs = [tuple(int(c[k : k + 2], 16) for k in (1, 3, 5)) for c in noir.palette]
    assert all(max(rgb) - min(rgb) <= 4 for rgb in rgbs)  # noir drains the colour
    assert "noir" in noir.tags and "pastel" in pastel.tags


def test_text_alone_or_scene_alone(ctx) -> None:
    words_only = style_of(ctx, "neon lights in the rain at night", with_scene=False)
    assert words_only.axis("neon") > 0.7 and words_only.axis("rain") > 0.7
    scene = build_scene(analyse(LION, "builtin"))
    scene_only = style_embed(ctx, EmbedParams(), text=None, scene=scene)["style"]
    assert scene_only.axis("golden_hour") > 0.8
    with pytest.raises(NodeInputError) as err:
        style_embed(ctx, EmbedParams(), text="  ", scene=None)
    assert err.value.name == "text"


def test_every_axis_is_documented_with_anchors() -> None:
    assert len(set(AXIS_NAMES)) == len(AXES)
    for ax in AXES:
        assert ax.anchors[0] and ax.anchors[1] and ax.cues


# -- encoder backend ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory) -> Path:
    """A random CLIP text model with a 60-token BPE vocabulary, saved like a real one."""
    import torch
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection, CLIPTokenizer

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for c in string.ascii_lowercase:
        vocab[c] = len(vocab)
        vocab[c + "</w>"] = len(vocab)
    merges = [("t", "h"), ("th", "e</w>")]
    vocab["th"], vocab["the</w>"] = len(vocab), len(vocab) + 1
    tokenizer = CLIPTokenizer(vocab=vocab, merges=merges)
    config = CLIPTextConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=77,
        projection_dim=16,
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
    )
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-clip")
    CLIPTextModelWithProjection(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory) -> Path:
    """A random BERT encoder with a word-piece vocabulary: the shape of a sentence-transformers model."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    folder = tmp_path_factory.mktemp("tiny-bert")
    words = [
        "[PAD]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "[MASK]",
        "a",
        "the",
        "woman",
        "walks",
        "street",
        "neon",
        "rain",
        "night",
        "lion",
        "sunset",
        "city",
    ]
    (folder / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    BertTokenizer(str(folder / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(words),
        hidden_size=24,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    torch.manual_seed(0)
    BertModel(config).save_pretrained(folder)
    return folder


def test_clip_encoder_backend_projects_on_anchor_phrases(ctx, tiny_clip) -> None:
    import torch
    from transformers import AutoTokenizer, CLIPTextModelWithProjection

    style = style_of(ctx, TOKYO, backend="encoder", model_path=str(tiny_clip))
    check_contract(style)
    assert style.backend == f"encoder:clip:{tiny_clip.name}"
    assert style.embedding is not None and style.embedding.shape == (16,)
    assert np.linalg.norm(style.embedding) == pytest.approx(1.0, abs=1e-5)

    # the same numbers, computed independently with transformers
    tokenizer = AutoTokenizer.from_pretrained(tiny_clip)
    model = CLIPTextModelWithProjection.from_pretrained(tiny_clip).eval()

    def embed(texts: list[str]) -> np.ndarray:
        with torch.no_grad():
            out = model(**tokenizer(texts, padding=True, truncation=True, max_length=77, return_tensors="pt"))
        e = out.text_embeds.numpy()
        return e / np.linalg.norm(e, axis=1, keepdims=True)

    assert np.allclose(embed([TOKYO])[0], style.embedding, atol=1e-5)
    neon = AXES[AXIS_NAMES.index("neon")]
    margin = (embed(list(neon.anchors[0])) @ style.embedding).mean() - (
        embed(list(neon.anchors[1])) @ style.embedding
    ).mean()
    assert style.axis("neon") == pytest.approx(1 / (1 + np.exp(-12 * margin)), abs=1e-5)
    assert "neon" in style.tags  # the words still speak in the tags


def test_auto_uses_the_encoder_when_a_path_is_given(ctx, tiny_bert) -> None:
    style = style_of(ctx, LION, backend="auto", model_path=str(tiny_bert))
    check_contract(style)
    assert style.backend == f"encoder:mean-pooled:{tiny_bert.name}" and style.embedding.shape == (24,)
    again = style_of(ctx, LION, backend="auto", model_path=str(tiny_bert))
    assert np.array_equal(again.vector, style.vector)  # deterministic, and the cached model is reused


def test_encoder_errors_name_the_parameter(ctx, tmp_path) -> None:
    with pytest.raises(NodeInputError) as err:
        style_of(ctx, LION, backend="encoder")
    assert err.value.name == "model_path"
    with pytest.raises(NodeInputError, match="neither model_index.json .* nor config.json") as err:
        style_of(ctx, LION, backend="encoder", model_path=str(tmp_path))
    assert err.value.name == "model_path"
    with pytest.raises(NodeInputError, match="not in the local Hugging Face cache"):
        style_of(ctx, LION, backend="encoder", model_path="no-such-org/no-such-encoder")
