"""The ``encode.video`` node: the finished file a user downloads, with the workflow inside it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from nodes.datatypes import Audio, Frames
from nodes.naming import FileStem
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node

from .files import check_prefix, ensure_folder, publish_unique, temp_path
from .metadata import WORKFLOW_KEY
from .spec import Format, Preset
from .writer import EXTENSIONS, check_inputs, encode_into, make_spec, media_file


class EncodeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Format = Param(
        "mp4",
        description="mp4: H.264 + AAC, plays in every browser. webm: VP9 + Opus. gif / webp: animated picture, "
        "no sound. png: a folder of frames (+ audio.wav). npz: raw frames + audio for analysis.",
    )
    filename_prefix: FileStem = Param(
        "reelgraph",
        description="File name start; the file is {prefix}_{NNNNN}.{ext} with the next free number "
        "(letters, digits, '_' and '-').",
        min_length=1,
        max_length=64,
    )
    crf: int = Param(
        20,
        description="Quality on x264's scale: 0 lossless, 18 visually clean, 23 default, 51 worst "
        "(mapped onto VP9's and WebP's own scales; PNG, GIF and npz ignore it).",
        ge=0,
        le=51,
    )
    preset: Preset = Param(
        "veryfast",
        description="Encoder effort: slower presets give smaller files at the same quality "
        "(also sets VP9 speed, WebP effort and PNG compression).",
    )
    fps: float = Param(
        0.0,
        description="Frame rate of the file; 0 keeps the frames' own rate.",
        ge=0.0,
        le=240.0,
        step=0.001,
        advanced=True,
    )
    audio_bitrate: int = Param(192, description="Sound bit rate in kbit/s (AAC or Opus).", ge=32, le=512, advanced=True)
    embed_workflow: bool = Param(
        True, description="Store the workflow in the file, so dropping it on the editor brings the graph back."
    )


@node(
    id="encode.video",
    version="1.0.0",
    title="Save video",
    category="encode",
    inputs={
        "frames": Input("FRAMES", "The picture."),
        "audio": Input("AUDIO", "The sound; trimmed or padded with silence to the picture's length.", optional=True),
    },
    outputs={"video": Output("VIDEO", "The written file.")},
    params=EncodeParams,
    output=True,
)
def encode_video(ctx: NodeContext, params: EncodeParams, *, frames: Frames, audio: Audio | None = None) -> dict:
    """Write frames and sound into a finished file in the output folder.

    The file is encoded under a hidden temporary name and renamed when complete, so a
    failed or cancelled run leaves nothing under a real name; numbered names never
    overwrite earlier results.
    """
    prefix = check_prefix(params.filename_prefix)
    metadata = {WORKFLOW_KEY: ctx.workflow, **ctx.embed} if params.embed_workflow and ctx.workflow else {}
    spec = make_spec(
        frames,
        fmt=params.format,
        fps=params.fps or None,
        crf=params.crf,
        preset=params.preset,
        metadata=metadata,
        audio_bitrate=params.audio_bitrate * 1000,
    )
    check_inputs(frames, audio)
    folder = ensure_folder(ctx.output_dir, "filename_prefix")
    with temp_path(folder, directory=params.format == "png") as temp:
        info = encode_into(frames, audio, temp, spec, lambda done, total: ctx.progress(done, total))
        final = publish_unique(temp, folder, prefix, EXTENSIONS[params.format])
    ctx.log.info("%s: wrote %s", ctx.node_id, final)
    return {"video": media_file(final, frames, audio, spec, info)}
