"""The ``scene.picture`` output node: write the scene graph and storyboard as PNG and SVG files.

The IMAGE outputs of scene.graph and scene.shots show in the editor; this node is how a
command-line user gets files to open (``python main.py run`` prints their paths).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from nodes.datatypes import MediaFile
from nodes.naming import FileStem
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError
from server.engine.partials import write_bytes_atomic, write_text_atomic

from .model import Scene
from .shots import ShotPlan


class PictureParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: FileStem = Param("understanding", description="Folder name for the pictures inside the run's output folder.")
    formats: Literal["png+svg", "png", "svg"] = Param("png+svg", description="Which files to write.")


@node(
    id="scene.picture",
    version="1.0.0",
    title="Save understanding pictures",
    category="scene",
    inputs={
        "scene": Input("SCENE", "The scene graph to draw."),
        "shots": Input("SHOTS", "The shot plan to draw as a storyboard (needs the scene too).", optional=True),
    },
    outputs={"files": Output("VIDEO", "The folder with scene_graph.png/.svg and storyboard.png/.svg.")},
    params=PictureParams,
    output=True,
)
def scene_picture_files(
    ctx: NodeContext, params: PictureParams, *, scene: Scene, shots: ShotPlan | None = None
) -> dict:
    """Write pictures of what the system understood: the scene graph and the storyboard."""
    from .picture import scene_picture
    from .storyboard import storyboard

    if not isinstance(scene, Scene):
        raise NodeInputError("scene", "connect a scene graph (scene.graph) to draw it")
    folder = Path(ctx.output_dir) / params.name
    folder.mkdir(parents=True, exist_ok=True)
    canvases = {"scene_graph": scene_picture(scene)}
    if shots is not None:
        canvases["storyboard"] = storyboard(scene, shots)
    written: list[str] = []
    for k, (stem, canvas) in enumerate(canvases.items()):
        ctx.progress(k, len(canvases))
        if "png" in params.formats:
            written.append(str(_write_png(canvas.to_image(), folder / f"{stem}.png")))
        if "svg" in params.formats:
            written.append(str(_write_text(canvas.to_svg(), folder / f"{stem}.svg")))
    ctx.progress(len(canvases), len(canvases))
    return {"files": MediaFile(path=folder, media_type="inode/directory", extra={"files": written})}


def _write_png(image: Any, path: Path) -> Path:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    write_bytes_atomic(path, buffer.getvalue())
    return path


def _write_text(text: str, path: Path) -> Path:
    write_text_atomic(path, text)
    return path
