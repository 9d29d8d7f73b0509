"""The text-to-video GAN nodes, trained at a tiny size for a few steps on the CPU.

Tiny config: 16×16 pixels, 4 frames, width 8, batches of 4. Float checks use tolerances
(weights agree to 1e-5 after a resume: the same ops in the same order on the same machine)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from nodes.gan import checkpoint
from nodes.gan.dataset import synthetic_dataset
from nodes.gan.dataset_node import DatasetParams, captioned_dataset
from nodes.gan.grammar import ATTRIBUTES, parse_caption, triples
from nodes.gan.nodes import (
    ExplainParams,
    GenerateParams,
    LoadParams,
    TrainParams,
    gan_explain,
    gan_generate,
    gan_load,
    gan_train,
)
from nodes.gan.synthetic import render_clip
from server.engine.errors import NodeInputError

TINY = {"width": 8, "batch": 4, "z_dim": 4, "word_dim": 8, "checkpoint_every": 2, "preview_every": 2, "threads": 1}


@pytest.fixture(scope="module")
def tiny_data():
    return synthetic_dataset(16, 4, 16, seed=3)


def train_tiny(ctx, data, steps: int, **extra):
    params = TrainParams(**{**TINY, "steps": steps, **extra})
    return gan_train(ctx, params, dataset=data)


def test_grammar_holds_out_triples_but_not_pairs():
    train, held = set(triples("train")), set(triples("heldout"))
    assert len(held) == 16 and len(train) == 48 and not train & held
    for o, c, m in held:  # every pair of a held-out triple is seen in training
        assert any(t[:2] == (o, c) for t in train)
        assert any((t[0], t[2]) == (o, m) for t in train)
        assert any(t[1:] == (c, m) for t in train)
    comp = parse_caption("a red car moving left in a city at night")
    assert comp is not None and comp.caption == "a red car moving left in a city at night"


def test_synthetic_clips_move_the_named_way():
    comp = parse_caption("a blue ball moving right in a field at day")
    clip = render_clip(comp, np.random.default_rng(0), 64, 16)
    assert clip.shape == (16, 64, 64, 3) and clip.dtype == np.uint8
    # the ball's blue pixels move right: their mean column grows from first to last frame
    blue = [(f[..., 2].astype(int) - f[..., 0].astype(int) > 90) & (f[..., 1] < 120) for f in clip]
    cols = [np.nonzero(b)[1].mean() for b in blue]
    assert cols[-1] - cols[0] > 15


def test_dataset_node_gives_a_sheet_and_a_heldout_split(ctx):
    out = captioned_dataset(ctx, DatasetParams(size=32, frames=8, heldout=20))
    data = out["dataset"]
    assert data.heldout_clips.shape == (20, 8, 32, 32, 3)
    assert out["sheet"].ndim == 3 and out["sheet"].shape[2] == 3
    held = set(triples("heldout"))
    assert all((c.object, c.colour, c.motion) in held for c in map(parse_caption, data.heldout_captions))
    clips, captions = data.batch(0, 5, 6)
    assert clips.shape == (6, 8, 32, 32, 3)
    assert all((c.object, c.colour, c.motion) not in held for c in map(parse_caption, captions))
    again, _ = data.batch(0, 5, 6)
    assert np.array_equal(clips, again)  # a step's batch is a pure function of (seed, step)


def test_training_is_finite_and_moves_d(ctx, tiny_data, progress):
    out = train_tiny(ctx, tiny_data, 8)
    history = out["model"].history
    assert len(history["loss_d"]) == 8
    assert all(math.isfinite(v) for k in ("loss_d", "loss_g") for v in history[k])
    assert max(history["loss_d"]) - min(history["loss_d"]) > 1e-3
    assert (Path(ctx.output_dir) / "gan" / "checkpoint.safetensors").is_file()
    assert (Path(ctx.output_dir) / "gan" / "loss.png").is_file()
    assert out["loss"].shape[2] == 3
    steps = [c[0] for c in progress.calls]
    assert steps[-1] == 8 and any(c[2] is not None for c in progress.calls)  # preview strips came with progress


def test_checkpoint_resumes_to_the_same_next_step(ctx, tiny_data, tmp_path):
    straight = train_tiny(ctx, tiny_data, 6, name="straight")["model"]
    train_tiny(ctx, tiny_data, 3, name="resumed")
    path = Path(ctx.output_dir) / "resumed" / "checkpoint.safetensors"
    meta, _ = checkpoint.read(path)
    assert meta["step"] == "3"
    resumed = train_tiny(ctx, tiny_data, 6, name="resumed")["model"]
    assert resumed.step == 6
    for a, b in zip(straight.generator.state_dict().values(), resumed.generator.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)
    np.testing.assert_allclose(straight.history["loss_d"], resumed.history["loss_d"], atol=1e-4)


def test_same_seed_same_weights(ctx, tiny_data):
    a = train_tiny(ctx, tiny_data, 3, name="a")["model"]
    b = train_tiny(ctx, tiny_data, 3, name="b")["model"]
    c = train_tiny(ctx, tiny_data, 3, name="c", seed=1)["model"]
    wa, wb, wc = (torch.cat([p.flatten() for p in m.generator.parameters()]) for m in (a, b, c))
    torch.testing.assert_close(wa, wb, atol=1e-6, rtol=1e-5)
    assert (wa - wc).abs().max() > 1e-3


def test_generate_shapes_attention_and_explain(ctx, tiny_data, test_out):
    train_tiny(ctx, tiny_data, 2)
    model = gan_load(ctx, LoadParams(path=str(Path(ctx.output_dir) / "gan" / "checkpoint.safetensors")))["model"]
    captions = "a red car moving left in a city at night\na green bird moving up\nzebra"
    out = gan_generate(ctx, GenerateParams(seed=4), model=model, text=captions)
    frames, attention = out["frames"], out["attention"]
    assert (frames.count, frames.height, frames.width) == (12, 16, 16) and frames.cuts == (4, 8)
    assert attention.weights.shape == (3, 4, 16)
    for k, tokens in enumerate(attention.tokens):
        rows = attention.weights[k]
        np.testing.assert_allclose(rows.sum(1), 1.0, atol=1e-5)
        assert np.all(rows[:, len(tokens) :] == 0)  # padding gets no attention
    pictures = gan_explain(ctx, ExplainParams(clip=1), attention=attention, frames=frames)
    assert pictures["matrix"].shape[2] == 3 and len(pictures["files"].extra["files"]) == 2
    with pytest.raises(NodeInputError) as err:
        gan_explain(ctx, ExplainParams(clip=3), attention=attention, frames=frames)
    assert err.value.name == "clip"


@pytest.mark.parametrize("condition", [0, 6])
def test_up_block_is_a_nearest_upsample_then_a_3x3_convolution(condition):
    """The sub-pixel form computes the textbook block (upsample ×2, conv, norm, FiLM, ReLU) from the
    same weights, so checkpoints and the documented architecture stay what they were."""
    from torch.nn import functional as F

    from nodes.gan.model import UpBlock

    torch.manual_seed(0)
    block = UpBlock(8, 6, condition)
    x, cond = torch.randn(3, 8, 5, 7), torch.randn(3, condition)
    y = block.norm(block.conv(F.interpolate(x, scale_factor=2.0, mode="nearest")))
    if condition:
        gamma, beta = block.film(cond)[:, :, None, None].chunk(2, 1)
        y = y * (1 + gamma) + beta
    expected = F.relu(y)
    got = block(x, cond if condition else None)
    assert got.shape == (3, 6, 10, 14)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


def test_bfloat16_generation_draws_nearly_the_float32_clips(ctx, tiny_data):
    """Generation in bfloat16 (the default where the CPU has it natively) draws the same pictures as
    float32 within a few levels, and its attention rows still sum to 1."""
    from nodes.gan.generate import compute_dtype, generate

    assert compute_dtype("fp32", torch.device("cpu")) == torch.float32
    assert compute_dtype("bf16", torch.device("cpu")) == torch.bfloat16
    train_tiny(ctx, tiny_data, 2)
    model = gan_load(ctx, LoadParams(path=str(Path(ctx.output_dir) / "gan" / "checkpoint.safetensors")))["model"]
    captions = ["a red car moving left in a city at night", "a green bird moving up in a field at day"] * 3
    full, att32 = generate(model, captions, seed=1, batch=4, precision="fp32")
    half, att16 = generate(model, captions, seed=1, batch=4, precision="bf16")
    assert full.shape == half.shape and full.dtype == half.dtype == np.uint8
    diff = np.abs(full.astype(int) - half.astype(int))
    assert diff.any(), "bf16 was asked for but the clips are float32's to the bit"
    assert diff.mean() < 3.0 and np.percentile(diff, 99) <= 24, (diff.mean(), diff.max())
    np.testing.assert_allclose(att16.weights.sum(-1), 1.0, atol=1e-5)
    np.testing.assert_allclose(att16.weights, att32.weights, atol=0.02)


def test_clips_do_not_depend_on_how_generation_splits_the_batch(ctx, tiny_data, monkeypatch):
    """The recurrence runs in large batches and the painting in small ones: however the captions
    are split, each clip (and its attention) is what the generator draws for it alone."""
    import nodes.gan.generate as gen

    train_tiny(ctx, tiny_data, 2)
    model = gan_load(ctx, LoadParams(path=str(Path(ctx.output_dir) / "gan" / "checkpoint.safetensors")))["model"]
    captions = [f"a {c} {o} moving left in a city at day" for c in ("red", "blue") for o in ("car", "ball", "boat")]
    whole, att = gen.generate(model, captions, seed=2, batch=8, precision="fp32")
    monkeypatch.setattr(gen, "PLAN_BATCH", 4)
    split, att_split = gen.generate(model, captions, seed=2, batch=3, precision="fp32")
    assert np.abs(whole.astype(int) - split.astype(int)).max() <= 1
    np.testing.assert_allclose(att.weights, att_split.weights, atol=1e-6)
    alone, _ = gen.generate(model, captions[4:5], seed=2, precision="fp32")  # clip 0 of its own call: noise 0
    again, _ = gen.generate(model, captions[:1], seed=2, precision="fp32")
    assert np.abs(again.astype(int) - whole[:1].astype(int)).max() <= 1
    assert np.abs(alone.astype(int) - whole[4:5].astype(int)).max() > 1  # another noise, another clip


def test_attention_sharpness_rises_late_and_a_backwards_ramp_is_refused(ctx, tiny_data):
    from nodes.gan.train import TrainSettings, sharpness_at

    settings = TrainSettings(sharpness=0.5, sharpness_start=0.05, sharpen_from=300, sharpen_until=900)
    weights = [sharpness_at(settings, step) for step in (0, 300, 600, 900, 5000)]
    assert weights == pytest.approx([0.05, 0.05, 0.275, 0.5, 0.5])
    sudden = TrainSettings(sharpness=1.0, sharpness_start=0.0, sharpen_from=10, sharpen_until=10)
    assert [sharpness_at(sudden, step) for step in (10, 11)] == [0.0, 1.0]
    with pytest.raises(NodeInputError) as err:
        train_tiny(ctx, tiny_data, 2, sharpen_from=50, sharpen_until=20)
    assert err.value.name == "sharpen_until" and "sharpen_from" in str(err.value)


def test_matched_caption_scores_higher_after_short_training(ctx):
    """D learns to tell a real clip's caption from another's: matched pairs score higher on held-out clips."""
    from nodes.gan.generate import match_scores

    data = synthetic_dataset(16, 4, 48, seed=5)
    model = train_tiny(ctx, data, 150, batch=8, lr_d=1e-3, preview_every=0, checkpoint_every=150)["model"]
    captions = data.heldout_captions
    wrong = [captions[(k + 5) % len(captions)] for k in range(len(captions))]
    differs = [parse_caption(a).colour != parse_caption(b).colour for a, b in zip(captions, wrong, strict=True)]
    assert sum(differs) > 20
    right = match_scores(model, data.heldout_clips, captions)
    mismatched = match_scores(model, data.heldout_clips, wrong)
    margin = (right - mismatched)[np.array(differs)]
    # measured: mean margin 0.8 to 1.2 logits, 67-69% of pairs positive (two architectures)
    assert margin.mean() > 0.3 and (margin > 0).mean() > 0.55, (margin.mean(), (margin > 0).mean())


def test_evaluator_ceiling_is_high_and_untrained_generator_is_near_chance(ctx):
    from nodes.gan.evaluate import evaluate

    data = synthetic_dataset(16, 8, 64, seed=2)
    model = train_tiny(ctx, data, 1, preview_every=0)["model"]  # one step: the generator knows nothing yet
    result = evaluate(model, data, seed=0, classifier_steps=300)
    assert result.ceiling["colour"] >= 0.9 and result.ceiling["setting"] >= 0.9, result.table()
    for kind in ("object", "colour", "motion"):
        chance = 1 / len(ATTRIBUTES[kind])
        assert result.ceiling[kind] >= chance + 0.3, result.table()  # real clips are read well above chance
        assert result.generated[kind] <= chance + 0.25, result.table()
        assert result.floor[kind] <= chance + 0.25, result.table()
    attention_mass = result.attention_mass
    assert 0.0 <= attention_mass <= 1.0


def test_redraw_loss_targets_the_still_background_not_the_moving_object():
    """The background layer is scored against the clip's per-pixel median over time: a picture of
    the still scene costs nothing, and painting the moving object into it costs."""
    from nodes.gan.train import redraw_loss

    real = torch.full((1, 5, 3, 8, 8), -1.0)
    for t in range(5):
        real[0, t, :, 2, t] = 1.0  # a pixel moving right over a black scene
    still = torch.zeros(1, 3, 8, 8)  # black in [0, 1]
    assert redraw_loss(still, real).item() == 0.0
    painted = still.clone()
    painted[0, :, 2, 0:5] = 1.0  # the object's whole path painted into the background
    assert redraw_loss(painted, real).item() == pytest.approx(2.0 * 5 / 64)


def test_bag_of_words_marks_caption_words_only():
    from nodes.gan.text import Vocabulary
    from nodes.gan.train import bag_of_words

    vocab = Vocabulary(["a", "car", "red", "ball"])
    ids, _ = vocab.encode(["a red car", "zebra ball"], 6)
    bag = bag_of_words(torch.from_numpy(ids), len(vocab))
    assert vocab.words == ["<pad>", "<unk>", "a", "car", "red", "ball"]
    assert bag[0].tolist() == [0, 0, 1, 1, 1, 0]
    assert bag[1].tolist() == [0, 0, 0, 0, 0, 1]  # the unknown word and padding are not words to draw


# -- bad input ------------------------------------------------------------------------------


def test_settings_that_do_not_match_the_checkpoint_are_named(ctx, tiny_data):
    train_tiny(ctx, tiny_data, 2)
    path = Path(ctx.output_dir) / "gan" / "checkpoint.safetensors"
    before = path.read_bytes()
    for change, name in (({"width": 16}, "width"), ({"lr_g": 5e-4}, "lr_g"), ({"seed": 9}, "seed")):
        with pytest.raises(NodeInputError) as err:
            train_tiny(ctx, tiny_data, 4, **change)
        assert err.value.name == name and "checkpoint" in str(err.value)
    assert path.read_bytes() == before  # nothing already written is lost


def test_a_file_that_is_not_safetensors_is_refused(ctx, tiny_data, tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a checkpoint at all")
    with pytest.raises(NodeInputError) as err:
        gan_load(ctx, LoadParams(path=str(bad)))
    assert err.value.name == "path" and "safetensors" in str(err.value)
    with pytest.raises(NodeInputError) as err:
        gan_load(ctx, LoadParams(path=str(tmp_path / "missing.safetensors")))
    assert err.value.name == "path" and "gan.train" in str(err.value)
    folder = Path(ctx.output_dir) / "broken"
    folder.mkdir()
    (folder / "checkpoint.safetensors").write_bytes(b"garbage")
    with pytest.raises(NodeInputError) as err:
        train_tiny(ctx, tiny_data, 2, name="broken")
    assert err.value.name == "name"
    assert (folder / "checkpoint.safetensors").read_bytes() == b"garbage"
    from safetensors.torch import save_file

    older = tmp_path / "older.safetensors"
    save_file({"g.x": torch.zeros(1)}, str(older), metadata={"format": "reelgraph.gan/2"})
    with pytest.raises(NodeInputError) as err:
        gan_load(ctx, LoadParams(path=str(older)))
    assert err.value.name == "path" and "earlier Reelgraph GAN" in str(err.value) and "train again" in str(err.value)


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(ctx, tiny_data, monkeypatch):
    from nodes.gan import model as gan_model

    train_tiny(ctx, tiny_data, 2)
    path = Path(ctx.output_dir) / "gan" / "checkpoint.safetensors"
    good = path.read_bytes()
    real_forward = gan_model.Discriminator.forward
    monkeypatch.setattr(gan_model.Discriminator, "forward", lambda self, *a: real_forward(self, *a) * float("nan"))
    with pytest.raises(NodeInputError) as err:
        train_tiny(ctx, tiny_data, 4)
    assert err.value.name == "lr_d" and "last good checkpoint" in str(err.value)
    assert path.read_bytes() == good


def test_cancel_keeps_a_checkpoint_at_the_last_step(ctx, tiny_data):
    from server.engine.errors import Cancelled

    def cancel_at_3(done, total, preview=None):
        if done >= 3:
            ctx._cancel.set()

    ctx._on_progress = cancel_at_3
    with pytest.raises(Cancelled):
        train_tiny(ctx, tiny_data, 10, checkpoint_every=100)
    meta, _ = checkpoint.read(Path(ctx.output_dir) / "gan" / "checkpoint.safetensors")
    # the cancel is seen at the next progress report, after step 4 finished: every finished step is kept
    assert meta["step"] == "4"
    ctx._cancel.clear()
    ctx._on_progress = None
    assert train_tiny(ctx, tiny_data, 6, checkpoint_every=100)["model"].step == 6


def write_clip(path: Path, colour: tuple[int, int, int], frames: int = 6) -> None:
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=8)
        stream.width, stream.height, stream.pix_fmt = 48, 32, "yuv420p"
        for k in range(frames):
            img = np.full((32, 48, 3), colour, np.uint8)
            img[:, k * 6 : k * 6 + 8] = 255
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def test_folder_source_decodes_captioned_clips(ctx, tmp_path, monkeypatch):
    from nodes.gan import dataset_node

    monkeypatch.setattr(dataset_node, "CACHE", tmp_path / "cache")
    folder = tmp_path / "clips"
    folder.mkdir()
    for k, (name, colour) in enumerate((("one", (200, 30, 30)), ("two", (30, 200, 30)), ("three", (30, 30, 200)))):
        write_clip(folder / f"{name}.mp4", colour)
        (folder / f"{name}.txt").write_text(f"clip number {k}")
    out = captioned_dataset(ctx, DatasetParams(source="folder", folder=str(folder), size=16, frames=4))
    data = out["dataset"]
    assert data.train_count == 2 and len(data.heldout_captions) == 1
    assert data.heldout_clips.shape == (1, 4, 16, 16, 3)
    assert "number" in data.words
    assert len(list((tmp_path / "cache").glob("*.npy"))) == 3  # decoded once, cached
    model = train_tiny(ctx, data, 2, name="own")["model"]
    assert model.step == 2


@pytest.mark.parametrize(
    "setup, message",
    [
        ("empty", "no captioned clips"),
        ("one", "at least 2"),
        ("unreadable", "cannot be decoded"),
        ("missing", "not in"),
    ],
)
def test_folder_problems_name_the_folder_parameter(ctx, tmp_path, monkeypatch, setup, message):
    from nodes.gan import dataset_node

    monkeypatch.setattr(dataset_node, "CACHE", tmp_path / "cache")
    folder = tmp_path / "clips"
    folder.mkdir()
    if setup == "one":
        write_clip(folder / "a.mp4", (10, 20, 30))
        (folder / "a.txt").write_text("a clip")
    elif setup == "unreadable":
        (folder / "a.mp4").write_bytes(b"this is no video")
        (folder / "b.mp4").write_bytes(b"nor this")
        (folder / "captions.csv").write_text("file,caption\na.mp4,first\nb.mp4,second\n")
    elif setup == "missing":
        (folder / "captions.csv").write_text("file,caption\ngone.mp4,a clip that is not there\n")
    with pytest.raises(NodeInputError) as err:
        captioned_dataset(ctx, DatasetParams(source="folder", folder=str(folder), size=16, frames=4))
    assert err.value.name == "folder" and message in str(err.value)


def test_out_of_range_sizes_are_refused(ctx):
    from pydantic import ValidationError

    with pytest.raises(NodeInputError) as err:
        captioned_dataset(ctx, DatasetParams(size=48))
    assert err.value.name == "size"
    with pytest.raises(ValidationError):
        DatasetParams(size=256)


def test_shipped_gan_workflows_train_evaluate_explain_and_write_mp4s(tmp_path):
    """gan_train.json end to end at a tiny size, then gan_generate.json from the checkpoint it wrote."""
    import json

    from server.engine import Engine, Registry, Workflow

    root = Path(__file__).resolve().parents[2] / "workflows"
    registry = Registry.discover()
    engine = Engine(registry, output_dir=tmp_path)
    doc = json.loads((root / "gan_train.json").read_text())
    doc["nodes"]["data"]["params"].update(size=16, frames=4, heldout=16)
    doc["nodes"]["train"]["params"].update(steps=3, width=8, batch=4, threads=1)
    doc["nodes"]["evaluate"]["params"].update(classifier_steps=5)
    result = engine.run(Workflow.from_json(doc))
    assert result.status == "succeeded", {n: r.error for n, r in result.nodes.items() if r.error}
    assert (tmp_path / "gan" / "checkpoint.safetensors").is_file() and (tmp_path / "gan" / "loss.png").is_file()
    assert (tmp_path / "gan_eval.json").is_file()
    assert sorted(p.name for p in (tmp_path / "gan_attention").iterdir()) == ["heatmaps_0.png", "matrix_0.png"]
    assert list(tmp_path.glob("gan_heldout*.mp4"))

    doc = json.loads((root / "gan_generate.json").read_text())
    doc["nodes"]["load"]["params"]["path"] = str(tmp_path / "gan" / "checkpoint.safetensors")
    result = engine.run(Workflow.from_json(doc))
    assert result.status == "succeeded", {n: r.error for n, r in result.nodes.items() if r.error}
    assert list(tmp_path.glob("gan_clips*.mp4"))
