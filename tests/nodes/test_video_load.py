"""video.load: lazy decoding of real files, frame ranges, resampling, resizing, audio, bad input."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from nodes.video.decode import VideoReader
from nodes.video.load import LoadParams, load_video
from server.engine.errors import NodeInputError

from .video_media import TONE_HZ, context, frame_index, write_audio_only, write_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return write_clip(tmp_path_factory.mktemp("load") / "clip.mp4")


def load(folder: Path, **params) -> dict:
    return load_video(context(folder), LoadParams(**params))


def test_whole_clip_every_frame_in_order_with_its_sound(clip):
    out = load(clip.parent, file=clip.name)
    frames, audio = out["frames"], out["audio"]
    assert (frames.count, frames.width, frames.height, frames.fps, out["fps"]) == (48, 160, 96, 24.0, 24.0)
    assert [frame_index(f) for f in frames.to_array()] == list(range(48))
    assert audio.channels == 2 and audio.sample_rate == 48000
    assert abs(audio.duration - 2.0) < 1e-6
    spectrum = np.abs(np.fft.rfft(audio.samples[:48000, 0]))
    assert abs(np.argmax(spectrum) - TONE_HZ) <= 1  # 1 Hz bins: the tone we wrote


def test_range_rate_and_size(clip):
    out = load(clip.parent, file=clip.name, start=0.5, end=1.5, fps=12, width=80)
    frames = out["frames"]
    assert (frames.count, frames.width, frames.height, frames.fps) == (12, 80, 48, 12.0)
    assert [frame_index(f) for f in frames.to_array()] == list(range(12, 36, 2))  # every other frame from 0.5 s
    assert abs(out["audio"].duration - 1.0) < 1e-6
    assert load(clip.parent, file=clip.name, max_frames=5)["frames"].count == 5


def test_reads_are_lazy_and_seek_only_when_they_jump(clip):
    frames = load(clip.parent, file=clip.name)["frames"]
    reader = frames._producer
    assert isinstance(reader, VideoReader) and reader._container is None  # nothing decoded yet
    assert [frame_index(f) for f in frames.read(40, 44)] == [40, 41, 42, 43]  # a jump: seeks
    assert [frame_index(f) for f in frames.read(5, 8)] == [5, 6, 7]  # backwards: seeks again
    assert [frame_index(f) for f in frames.read(8, 10)] == [8, 9]  # continues without seeking
    frames.read(44, 48)
    assert reader._container is None  # closed once the end was read


def test_memory_stays_flat_in_clip_length(tmp_path):
    """Streaming a clip 4× longer costs no more memory: chunks are decoded and dropped."""
    peaks = []
    for count in (48, 192):
        path = write_clip(tmp_path / f"c{count}.mp4", count=count, size=(320, 192), audio=False)
        frames = load(tmp_path, file=path.name)["frames"]
        tracemalloc.start()
        for chunk in frames.chunks(16):
            del chunk
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.5 * peaks[0], peaks
    assert peaks[1] < 192 * 320 * 192 * 3 / 4  # far below holding the clip


def test_a_clip_without_sound_gives_silence(tmp_path):
    path = write_clip(tmp_path / "mute.mp4", count=24, audio=False)
    audio = load(tmp_path, file=path.name)["audio"]
    assert abs(audio.duration - 1.0) < 1e-6 and not audio.samples.any()


@pytest.mark.parametrize(("name", "codec"), [("clip.webm", "libvpx-vp9"), ("clip.ts", "libx264")])
def test_other_containers_and_codecs(tmp_path, name, codec):
    """VP9 in WebM; MPEG-TS, whose clock starts at 1.4 s rather than 0."""
    path = write_clip(tmp_path / name, count=24, codec=codec, audio=name.endswith(".ts"))
    out = load(tmp_path, file=path.name, start=0.5)
    assert [frame_index(f) for f in out["frames"].to_array()] == list(range(12, 24))
    if name.endswith(".ts"):
        tone = out["audio"].samples[:, 0]
        assert abs(out["audio"].duration - 0.5) < 0.01 and np.abs(tone[: len(tone) // 2]).max() > 0.2


def error(folder: Path, **params) -> NodeInputError:
    with pytest.raises(NodeInputError) as caught:
        load(folder, **params)
    return caught.value


def test_bad_files_are_refused_by_name(tmp_path, clip):
    (tmp_path / "notes.mp4").write_bytes(b"this is not a video at all" * 10)
    exc = error(tmp_path, file="notes.mp4")
    assert exc.name == "file" and "notes.mp4" in str(exc) and "not a media file" in str(exc)

    write_audio_only(tmp_path / "song.m4a")
    exc = error(tmp_path, file="song.m4a")
    assert exc.name == "file" and "no video stream" in str(exc) and "audio" in str(exc)

    data = clip.read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 2])  # moov first? then the samples are missing
    exc = error(tmp_path, file="cut.mp4")
    assert exc.name == "file" and "cut.mp4" in str(exc)

    assert error(tmp_path, file="").name == "file"
    assert error(tmp_path, file="../etc/passwd").name == "file"
    assert error(tmp_path, file="missing.mp4").name == "file"
    (tmp_path / "clip.mp4").write_bytes(data)
    exc = error(tmp_path, file="clip.mp4", start=5.0)
    assert exc.name == "start" and "2.000 s" in str(exc)


def test_an_unsupported_codec_is_refused(tmp_path):
    """A Matroska file whose video track names a codec no decoder knows (the codec id patched)."""
    data = write_clip(tmp_path / "clip.mkv", count=12, audio=False).read_bytes()
    assert data.count(b"V_MPEG4/ISO/AVC") == 1
    (tmp_path / "odd.mkv").write_bytes(data.replace(b"V_MPEG4/ISO/AVC", b"V_QUUX/ISO/ABCD"))
    exc = error(tmp_path, file="odd.mkv")
    assert exc.name == "file" and "odd.mkv" in str(exc) and "not one this FFmpeg build can decode" in str(exc)


def test_a_truncated_file_whose_index_survived_is_refused(tmp_path, clip):
    """With the index at the front (faststart), a cut file still opens; the missing end is found at load."""
    import av

    whole = tmp_path / "fast.mp4"
    with av.open(str(clip)) as src, av.open(str(whole), "w", options={"movflags": "faststart"}) as out:
        streams = {s.index: out.add_stream_from_template(s) for s in src.streams}
        for packet in src.demux():
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
    assert load(tmp_path, file="fast.mp4")["frames"].count == 48
    data = whole.read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: int(len(data) * 0.8)])
    exc = error(tmp_path, file="cut.mp4")
    assert exc.name == "file" and "truncated" in str(exc), exc
