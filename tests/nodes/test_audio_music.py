"""audio.music: a music bed whose mode, tempo, chords and instruments follow the style."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nodes.audio.compose import SCALES, chord, mood_from_style, parse_key, score
from nodes.audio.dsp import rng_for
from nodes.audio.music import MusicParams, music
from nodes.datatypes import Timeline
from server.engine.errors import NodeInputError
from tests.nodes.test_audio_support import db, make_scene, make_style

WARM = make_style(warmth=0.9, golden_hour=0.8)
NOIR = make_style(noir=0.8, night=0.7, neon=0.5, rain=0.5)
FUTURE = make_style(futuristic=0.95, neon=0.8)
NATURE = make_style(nature=0.9, pastel=0.5)


def mood(style, scene=None, tempo=0.0, key="auto", seed=0):
    return mood_from_style(style, scene, rng_for(seed, "music"), tempo, key)


def test_style_sets_mode_tempo_and_instruments() -> None:
    warm, noir, future, nature = mood(WARM), mood(NOIR), mood(FUTURE), mood(NATURE)
    assert warm.mode == "major" and nature.mode == "major"
    assert noir.mode == "minor" and noir.sevenths and future.mode == "minor"
    assert warm.tempo < future.tempo and noir.tempo < future.tempo and nature.tempo < future.tempo
    assert future.pad == "saw" and future.drums > 0.7 and future.arp > 0.6 and not future.bell
    assert nature.pad == "soft" and nature.bell and nature.drums == 0.0
    mild = make_style(warmth=0.3)
    assert mood(mild).mode == "major"
    assert mood(mild, make_scene(setting="city_street", time_of_day="night")).mode == "minor"


def test_chords_are_built_from_the_key() -> None:
    m = mood(WARM, key="C major")
    tonic = chord(m, 0)
    assert [p % 12 for p in tonic] == [0, 4, 7]
    assert all(p % 12 in SCALES["major"] for d in range(7) for p in chord(m, d))
    dominant_in_minor = chord(mood(NOIR, key="A minor"), 4)
    assert (dominant_in_minor[1] - dominant_in_minor[0]) % 12 == 4  # raised leading tone: E major(7)


def test_score_follows_the_tempo() -> None:
    m = mood(FUTURE, tempo=120.0)
    notes = score(m, 8.0, rng_for(0, "music"))
    kicks = sorted(n.time for n in notes if n.part == "kick")
    assert np.allclose(np.diff(kicks), 0.5)  # four on the floor at 120 bpm
    assert {n.part for n in notes} == {"pad", "bass", "arp", "lead", "kick", "snare", "hat"}
    assert max(n.time for n in notes) < 8.0


def test_the_melody_follows_the_harmony_in_phrases() -> None:
    m = mood(WARM, key="D major", tempo=96.0)
    bar = 4 * 60.0 / m.tempo
    notes = score(m, 12 * bar, rng_for(3, "music"))
    lead = [n for n in notes if n.part == "lead"]
    scale = {(m.root + s) % 12 for s in SCALES["major"]}
    assert lead and all(n.pitch % 12 in scale and 62 <= n.pitch <= 84 for n in lead)
    assert min(n.time for n in lead) >= bar - 1e-9  # enters after the first bar
    assert max(n.time + n.length for n in lead) <= 11 * bar + 1e-9  # and leaves the last one to the fade
    for n in lead:  # each bar's downbeat sings a tone of that bar's chord
        b = round(n.time / bar)
        if abs(n.time - b * bar) < 1e-9:
            assert n.pitch % 12 in {p % 12 for p in chord(m, m.progression[b % len(m.progression)])}
    steps = [abs(a.pitch - b.pitch) for a, b in itertools.pairwise(lead)]
    assert np.median(steps) <= 3  # a singable line: mostly steps, few leaps

    def rhythm(b: int) -> list[float]:
        return [round(n.time - b * bar, 6) for n in lead if b * bar <= n.time < (b + 1) * bar]

    assert rhythm(3) == rhythm(1) and rhythm(7) == rhythm(5)  # bar three answers bar one
    assert len(rhythm(4)) == 1 and len(rhythm(8)) == 1  # the fourth bar breathes on one note
    assert mood(FUTURE).lead < m.lead  # a driving beat leaves less room for a tune


@pytest.mark.parametrize(
    "text,expected", [("A minor", (9, "minor")), ("Bb", (10, None)), ("c#m", (1, "minor")), ("auto", (None, None))]
)
def test_keys_are_read_leniently(text, expected) -> None:
    assert parse_key(text) == expected


def test_an_unreadable_key_names_the_parameter(ctx) -> None:
    with pytest.raises(NodeInputError) as err:
        music(ctx, MusicParams(duration=2, key="H dorian"), style=WARM)
    assert err.value.name == "key"


def test_music_is_audible_at_its_level_and_deterministic(ctx) -> None:
    a = music(ctx, MusicParams(seed=3, duration=6.0, level_db=-20), style=NOIR)["audio"]
    b = music(ctx, MusicParams(seed=3, duration=6.0, level_db=-20), style=NOIR)["audio"]
    c = music(ctx, MusicParams(seed=4, duration=6.0, level_db=-20), style=NOIR)["audio"]
    assert a.samples.shape == (288000, 2) and np.isfinite(a.samples).all()
    assert -23 < db(a.samples) < -19  # normalised, then faded at both ends
    assert a.samples.tobytes() == b.samples.tobytes() and not np.array_equal(a.samples, c.samples)
    assert np.abs(a.samples[-100:]).max() < 1e-3  # faded out


def test_the_beat_is_heard_at_the_tempo(ctx) -> None:
    audio = music(ctx, MusicParams(seed=1, duration=8.0, tempo=120.0, sample_rate=22050), style=FUTURE)["audio"]
    low = audio.samples.mean(axis=1)
    hop = 220  # 10 ms
    energy = np.square(low[: len(low) // hop * hop]).reshape(-1, hop).mean(axis=1)
    onset = np.maximum(np.diff(np.log(energy + 1e-9)), 0)
    ac = np.correlate(onset - onset.mean(), onset - onset.mean(), "full")[len(onset) - 1 :]
    lag = 20 + int(np.argmax(ac[20:150]))  # search 0.2–1.5 s
    assert lag % 50 in (0, 1, 49)  # a multiple of the 0.5 s beat


def test_duration_comes_from_the_timeline(ctx) -> None:
    audio = music(ctx, MusicParams(sample_rate=22050), style=WARM, timeline=Timeline(3.0))["audio"]
    assert audio.samples.shape == (66150, 2)
    with pytest.raises(NodeInputError) as err:
        music(ctx, MusicParams(), style=WARM)
    assert err.value.name == "duration"
    with pytest.raises(NodeInputError) as err:
        music(ctx, MusicParams(duration=1), style={"neon": 1})
    assert err.value.name == "style"
