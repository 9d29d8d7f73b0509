"""The ``gan.dataset`` node (formerly ``dataset.captioned``): captioned clips to train a text-to-video model on."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from server.engine.context import NodeContext
from server.engine.contract import Output, Param, node
from server.engine.errors import NodeInputError

CACHE = Path.home() / ".cache" / "reelgraph" / "gan_clips"


class DatasetParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: Literal["synthetic", "folder"] = Param(
        "synthetic",
        description="synthetic: the animatic renderer draws unlimited labelled clips from a prompt grammar (objects × "
        "colours × motions × settings × times of day), with held-out compositions never seen in training. "
        "folder: your own videos with captions.",
    )
    folder: str = Param(
        "",
        description="For source=folder: a folder of videos with captions.csv (columns file,caption) or a .txt "
        "beside each video. Decoded with PyAV, centre-cropped, resized and cached.",
        widget="file",
    )
    size: int = Param(64, description="Frame width and height in pixels (16, 32, 64 or 128).", ge=16, le=128)
    frames: int = Param(16, description="Frames per clip.", ge=4, le=32)
    heldout: int = Param(
        128,
        description="Held-out clips (synthetic: cycling through the held-out compositions; folder: the last ones "
        "by name, at most a quarter).",
        ge=1,
        le=2048,
    )
    fps: float = Param(8.0, description="Frame rate the clips are shown at.", ge=1.0, le=60.0)
    seed: int = Param(
        0, description="Seed of the held-out draws and of the synthetic training batches.", ge=0, widget="seed"
    )


@node(
    id="gan.dataset",
    version="1.0.0",
    title="Captioned clips",
    category="gan",
    former_ids=("dataset.captioned",),  # renamed so that id, category and package agree
    outputs={
        "dataset": Output("DATASET", "Training clips (drawn per batch for synthetic) and a held-out split."),
        "sheet": Output("IMAGE", "A contact sheet: held-out clips, eight frames each."),
    },
    params=DatasetParams,
)
def captioned_dataset(ctx: NodeContext, params: DatasetParams) -> dict:
    """Captioned clips for ``gan.train``: a synthetic, labelled set or a folder of your own videos."""
    from .dataset import contact_sheet, synthetic_dataset
    from .model import SIZES

    if params.size not in SIZES:
        raise NodeInputError("size", f"size {params.size} is not supported; use one of {list(SIZES)}")
    if params.source == "synthetic":
        data = synthetic_dataset(params.size, params.frames, params.heldout, params.seed, params.fps)
    else:
        data = _folder_dataset(ctx, params)
    ctx.progress(1, 1)
    return {"dataset": data, "sheet": contact_sheet(data.heldout_clips)}


def _folder_dataset(ctx: NodeContext, params: DatasetParams):
    from .dataset import CaptionedClips
    from .folder import FolderError, load_folder
    from .text import Vocabulary

    if not params.folder.strip():
        raise NodeInputError("folder", "source=folder needs a folder of videos with captions")
    try:
        clips, captions = load_folder(Path(params.folder).expanduser(), params.size, params.frames, CACHE)
    except FolderError as exc:
        raise NodeInputError("folder", str(exc)) from exc
    if len(clips) < 2:
        raise NodeInputError("folder", f"found {len(clips)} captioned clip; training needs at least 2 (1 held out)")
    held = min(params.heldout, max(1, len(clips) // 4))
    ctx.log.info("%s: %d clips, %d held out", ctx.node_id, len(clips), held)
    return CaptionedClips(
        source="folder",
        size=params.size,
        frames=params.frames,
        fps=params.fps,
        seed=params.seed,
        heldout_clips=clips[-held:],
        heldout_captions=captions[-held:],
        train_clips=clips[:-held],
        train_captions=captions[:-held],
        words=Vocabulary.from_captions(captions).words[2:],
    )
