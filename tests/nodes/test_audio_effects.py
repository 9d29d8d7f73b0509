"""audio.effects: sound design from the scene graph, synced to the TIMELINE."""

from __future__ import annotations

import numpy as np
import pytest

from nodes.audio.cues import CUES, plan_sounds
from nodes.audio.effects import EffectsParams, effects
from nodes.datatypes import Timeline, TimelineEvent
from server.engine.errors import NodeInputError
from tests.nodes.test_audio_support import FPS, db, make_scene, match, onsets, tokyo_scene, walk_timeline, walker


def run(ctx, scene=None, timeline=None, **params):
    return effects(ctx, EffectsParams(**params), scene=scene, timeline=timeline)["audio"]


def test_tokyo_effects_are_stereo_full_length_and_audible(ctx, progress) -> None:
    audio = run(ctx, tokyo_scene(), walk_timeline(), seed=1)
    assert audio.sample_rate == 48000 and audio.samples.shape == (480000, 2)
    assert audio.samples.dtype == np.float32 and np.isfinite(audio.samples).all()
    assert -40 < db(audio.samples) < -15 and np.abs(audio.samples).max() <= 0.98
    assert progress.calls and progress.calls[-1][0] == progress.calls[-1][1]


def test_same_seed_same_samples_other_seed_other_samples(ctx) -> None:
    a = run(ctx, tokyo_scene(), walk_timeline(4.0, 8), seed=7, sample_rate=22050)
    b = run(ctx, tokyo_scene(), walk_timeline(4.0, 8), seed=7, sample_rate=22050)
    c = run(ctx, tokyo_scene(), walk_timeline(4.0, 8), seed=8, sample_rate=22050)
    assert a.samples.tobytes() == b.samples.tobytes()
    assert not np.array_equal(a.samples, c.samples)


def test_footstep_onsets_land_within_one_frame_of_the_timeline(ctx) -> None:
    timeline = walk_timeline()
    steps = np.array([e.time for e in timeline.of_kind("footstep")])
    audio = run(ctx, tokyo_scene(), timeline, seed=1)
    found = onsets(audio.samples, audio.sample_rate)
    dist, extra = match(steps, found, 1 / FPS)
    assert dist.max() < 1 / FPS, f"steps without an onset near them: {steps[dist >= 1 / FPS]}"
    assert extra == 0, f"onsets that are no step: {found}"
    # The check can fail: another walk's contacts do not line up with these sounds.
    other = np.array([e.time for e in walk_timeline(jitter_seed=99).of_kind("footstep")]) + 0.2
    assert match(other, found, 1 / FPS)[0].max() > 1 / FPS


def test_without_a_timeline_walkers_get_a_steady_gait(ctx) -> None:
    scene = make_scene(setting="city_street", entities=[("e0", walker(speed="walk"))])
    audio = run(ctx, scene, None, seed=2, duration=6.0, cues="footsteps")
    found = onsets(audio.samples, audio.sample_rate)
    assert 9 <= len(found) <= 13  # 1.9 steps per second
    gaps = np.diff(found)
    assert np.allclose(gaps, np.median(gaps), atol=0.04)


def test_renderer_pan_and_gain_hints_steer_each_step(ctx) -> None:
    events = (
        TimelineEvent(0.5, "footstep", "e0.1", {"foot": "left", "pan": -0.9, "gain": 1.0}),
        TimelineEvent(1.5, "footstep", "e0.1", {"foot": "right", "pan": 0.9, "gain": 1.0}),
        TimelineEvent(2.5, "footstep", "e0.2", {"foot": "left", "pan": 0.0, "gain": 0.1}),
    )
    audio = run(ctx, tokyo_scene(), Timeline(3.0, events), seed=3, cues="footsteps").samples
    sr = 48000

    def window(t):
        return audio[int(t * sr) : int((t + 0.15) * sr)]

    left, right, far = window(0.5), window(1.5), window(2.5)
    assert db(left[:, 0]) > db(left[:, 1]) + 10 and db(right[:, 1]) > db(right[:, 0]) + 10
    assert db(far) < db(left) - 8


def test_neon_drops_out_on_each_flicker(ctx) -> None:
    flicker = TimelineEvent(2.0, "flicker", "e1.0", {"duration": 0.3})
    audio = run(ctx, tokyo_scene(), Timeline(4.0, (flicker,)), seed=4, cues="neon").samples
    sr = 48000
    lit, out = audio[int(1.0 * sr) : int(1.8 * sr)], audio[int(2.06 * sr) : int(2.26 * sr)]
    assert db(out) < db(lit) - 12


@pytest.mark.parametrize("cue", CUES)
def test_every_layer_renders_finite_audible_sound(ctx, cue) -> None:
    audio = run(ctx, tokyo_scene(), walk_timeline(3.0, 5), seed=5, cues=cue, sample_rate=22050)
    assert np.isfinite(audio.samples).all()
    assert db(audio.samples) > -70, f"{cue} is silent"


def test_scene_inference_reads_setting_weather_entities_and_motions() -> None:
    savanna = make_scene(
        setting="savanna", time_of_day="night",
        entities=[("e0", walker("lion", "animal", "stalk")), ("e1", {"label": "lion", "type": "animal",
                  "motions": [{"verb": "roar"}]})],
    )  # fmt: skip
    plan = plan_sounds(savanna)
    assert {"wind", "insects", "footsteps", "animal"} <= set(plan.cues) and plan.surface == "dirt"
    beach = plan_sounds(make_scene(setting="beach", weather=["storm"], time_of_day="day"))
    assert {"waves", "rain", "thunder", "wind"} <= set(beach.cues) and beach.surface == "wet" and beach.rain > 0.8
    street = plan_sounds(make_scene(setting="city_street", entities=[("c", {"type": "vehicle", "label": "car"})]))
    assert {"city", "engine"} <= set(street.cues)
    sparse = plan_sounds(make_scene())  # no optional field at all
    assert sparse.cues == () and sparse.surface == "concrete"


def test_cues_param_edits_or_replaces_the_inferred_sounds() -> None:
    scene = tokyo_scene()
    assert set(plan_sounds(scene, "auto, +birds, -neon").cues) == {"rain", "footsteps", "crowd", "city", "birds"}
    assert plan_sounds(scene, "wind, seagulls").cues == ("wind", "birds")
    with pytest.raises(NodeInputError) as err:
        plan_sounds(scene, "rain, kazoo")
    assert err.value.name == "cues" and "kazoo" in str(err.value)


def test_timeline_events_imply_sounds_the_scene_did_not_name() -> None:
    events = [TimelineEvent(0.0, "weather", None, {"kind": "rain"}),
              TimelineEvent(1.0, "action", "car", {"verb": "pass_by"})]  # fmt: skip
    assert {"rain", "engine"} <= set(plan_sounds(make_scene(setting="generic"), events=events).cues)


def test_a_timeline_alone_is_enough(ctx) -> None:
    timeline = walk_timeline(3.0, 6)
    audio = run(ctx, None, timeline, seed=1, sample_rate=22050)
    steps = np.array([e.time for e in timeline.of_kind("footstep")])
    assert match(steps, onsets(audio.samples, 22050), 1 / FPS)[0].max() < 1 / FPS


def test_an_empty_scene_still_gets_room_tone(ctx) -> None:
    audio = run(ctx, make_scene(setting="interior"), None, duration=2.0, sample_rate=22050)
    assert -75 < db(audio.samples) < -55


def test_bad_inputs_name_the_parameter(ctx) -> None:
    with pytest.raises(NodeInputError) as err:
        run(ctx, tokyo_scene(), None)
    assert err.value.name == "duration"
    with pytest.raises(NodeInputError) as err:
        run(ctx, tokyo_scene(), Timeline(2.0, (TimelineEvent(float("nan"), "footstep", "e0"),)))
    assert err.value.name == "timeline" and "nan" in str(err.value)
    with pytest.raises(NodeInputError) as err:
        run(ctx, None, None, duration=1.0)
    assert err.value.name == "scene"
    with pytest.raises(NodeInputError) as err:
        run(ctx, "a street", None, duration=1.0)
    assert err.value.name == "scene"
