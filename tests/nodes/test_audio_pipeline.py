"""The whole sound chain: Tokyo effects + music + speech → mix → file, directly and through the engine."""

from __future__ import annotations

import hashlib

import numpy as np
import soundfile as sf

from nodes.audio.effects import EffectsParams, effects
from nodes.audio.mixer import MixParams, mix
from nodes.audio.music import MusicParams, music
from nodes.audio.save import SaveParams, save
from nodes.audio.speech import SpeechParams, speech
from server.engine import Engine, Registry, Workflow
from tests.nodes.test_audio_support import (
    FPS,
    db,
    make_style,
    match,
    onsets,
    spectrogram_png,
    tokyo_scene,
    walk_timeline,
)

SPEECH_START, SPEECH_TEXT = 3.0, "Tokyo, after midnight. The rain never stops here."


def tokyo_mix(ctx, seed: int):
    timeline = walk_timeline()
    style = make_style(neon=0.9, noir=0.5, night=0.8, rain=0.6)
    fx = effects(ctx, EffectsParams(seed=seed), scene=tokyo_scene(), timeline=timeline)["audio"]
    bed = music(ctx, MusicParams(seed=seed), style=style, scene=tokyo_scene(), timeline=timeline)["audio"]
    words = speech(ctx, SpeechParams(start=SPEECH_START), text=SPEECH_TEXT)["audio"]
    mixed = mix(ctx, MixParams(), effects=fx, music=bed, speech=words)["audio"]
    return timeline, mixed, words, bed


def test_tokyo_mix_is_audible_in_sync_and_byte_identical_per_seed(ctx, test_out) -> None:
    timeline, mixed, words, bed = tokyo_mix(ctx, seed=11)
    assert mixed.samples.shape == (480000, 2) and -30 < db(mixed.samples) < -12
    steps = np.array([e.time for e in timeline.of_kind("footstep")])
    found = onsets(mixed.samples, mixed.sample_rate)
    dist, _ = match(steps, found, 1 / FPS)
    assert dist.max() < 1 / FPS, f"steps not heard in the mix: {steps[dist >= 1 / FPS]}"
    # Every other onset is explained: a word, or a hi-hat of the music bed.
    speaking = (SPEECH_START - 0.1, SPEECH_START + words.duration)
    known = np.concatenate([steps, onsets(bed.samples, bed.sample_rate)])
    unexplained = [t for t in found if not speaking[0] <= t <= speaking[1] and np.abs(known - t).min() > 1 / FPS]
    assert not unexplained
    path = save(ctx, SaveParams(format="flac", filename_prefix="tokyo"), audio=mixed)["file"].path
    again = save(ctx, SaveParams(format="flac", filename_prefix="again"), audio=tokyo_mix(ctx, seed=11)[1])["file"]
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(again.path.read_bytes()).digest()
    other = tokyo_mix(ctx, seed=12)[1]
    assert not np.array_equal(other.samples, mixed.samples)
    back, sr = sf.read(path, dtype="float32")
    assert sr == 48000 and np.abs(back - mixed.samples).max() < 1e-4
    spectrogram_png(mixed.samples, mixed.sample_rate, test_out / "audio_tokyo_mix.png", list(steps))


def test_sound_nodes_run_through_the_engine(tmp_path) -> None:
    registry = Registry.discover()
    assert {"audio.effects", "audio.music", "audio.speech", "audio.mix", "audio.save"} <= {d.id for d in registry.all()}
    doc = {
        "format": "reelgraph.workflow", "version": 1,
        "nodes": {
            "words": {"type": "text.prompt", "params": {"text": "Welcome to the night market."}},
            "voice": {"type": "audio.speech", "params": {"start": 0.5}},
            "fx": {"type": "audio.effects", "params": {"cues": "rain, crowd, city", "duration": 4.0, "seed": 3}},
            "mix": {"type": "audio.mix", "params": {"duck_db": 8}},
            "out": {"type": "audio.save", "params": {"format": "ogg", "filename_prefix": "market"}},
        },
        "links": [["words", "text", "voice", "text"], ["voice", "audio", "mix", "speech"],
                  ["fx", "audio", "mix", "effects"], ["mix", "audio", "out", "audio"]],
    }  # fmt: skip
    engine = Engine(registry, output_dir=tmp_path / "out", temp_dir=tmp_path / "tmp")
    result = engine.run(Workflow.from_json(doc))
    assert result.status == "succeeded", result.to_json()
    written = result.values["out"]["file"]
    audio, sr = sf.read(written.path, dtype="float32")
    assert sr == 48000 and audio.shape == (4 * 48000, 2) and db(audio) > -40
    bad = dict(doc, nodes={**doc["nodes"], "fx": {"type": "audio.effects", "params": {"sample_rate": 12345}}})
    problems = engine.validate(Workflow.from_json(bad))
    assert any(p.node == "fx" and p.name == "sample_rate" for p in problems)
