"""The ``image.load`` node: a picture from the input folders as an IMAGE."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from server.engine.context import NodeContext
from server.engine.contract import Output, Param, node
from server.engine.errors import NodeInputError
from server.engine.paths import file_fingerprint

from .picture import parse_colour, read_picture


class ImageLoadParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str = Param(
        "",
        description="The picture's name in the input folders: the editor's uploads (drop a file on the canvas), "
        "or with the CLI a path under --input-dir (default the current folder). Any format Pillow reads.",
        widget="file",
        max_length=1024,
    )
    background: str = Param(
        "#000000", description="Colour under transparent parts of the picture ('#rrggbb').", widget="color"
    )


@node(
    id="image.load",
    version="1.0.0",
    title="Load image",
    category="image",
    outputs={"image": Output("IMAGE", "The picture, upright (EXIF orientation applied), RGB.")},
    params=ImageLoadParams,
    fingerprint=lambda params, folders: file_fingerprint(folders, params.file.strip()),  # a replaced file is re-read
)
def load_image(ctx: NodeContext, params: ImageLoadParams) -> dict:
    """Read a picture (PNG, JPEG, WebP, GIF's first frame, TIFF, BMP, …) from the input folders.

    Sizes from 16 to 16384 pixels a side within Pillow's decompression-bomb limit are accepted;
    the size is checked from the header before anything is decoded."""
    background = parse_colour(params.background)
    if not params.file.strip():
        raise NodeInputError("file", "name a picture: upload one (drop it on the canvas) or give its path")
    path = ctx.input_file(params.file.strip(), "file")
    ctx.progress(0, 1)
    image = read_picture(path, "file", background)
    ctx.log.info("%s: %s, %d×%d", ctx.node_id, path.name, image.shape[1], image.shape[0])
    ctx.progress(1, 1, image)
    return {"image": image}
