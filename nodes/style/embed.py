"""The ``style.embed`` node: a style vector with named axes, readable tags and a palette."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from nodes.scene.model import Scene
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .model import Style


class EmbedParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    backend: Literal["auto", "builtin", "encoder"] = Param(
        "auto",
        description="builtin: interpretable axes from the words and the scene, no weights; encoder: a local text "
        "encoder (model_path) gives the embedding and the axes; auto: encoder when model_path is set, else builtin.",
    )
    model_path: str = Param(
        "",
        description="A CLIP text model or sentence-transformers model: a save_pretrained folder or a hub id "
        "already in the local cache, e.g. openai/clip-vit-base-patch32. Nothing is downloaded.",
        max_length=1000,
        widget="model",
        model_kinds=("embedding",),
        model_optional=True,
    )


@node(
    id="style.embed",
    version="1.0.0",
    title="Style",
    category="style",
    inputs={
        "text": Input("TEXT", "The prompt (style words: neon, noir, pastel, golden hour...).", optional=True),
        "scene": Input("SCENE", "The scene graph (time of day, weather, light, colours).", optional=True),
    },
    outputs={"style": Output("STYLE", "Named style axes (0..1), tags, a palette, and an embedding with an encoder.")},
    params=EmbedParams,
)
def style_embed(ctx: NodeContext, params: EmbedParams, *, text: str | None = None, scene: Scene | None = None) -> dict:
    """The look of the video as numbers a renderer can read: warmth, saturation, neon, rain,
    golden hour, night... plus readable tags and a colour palette."""
    from .builtin import builtin_vector, tags_from_vector
    from .palette import palette

    if not (text and text.strip()) and scene is None:
        raise NodeInputError("text", "connect a prompt (text) or a scene graph (scene); there is nothing to style")
    words = text if text and text.strip() else (scene.settings.get("prompt", "") if scene is not None else "")
    ctx.progress(0, 2)
    lexical = builtin_vector(words, scene)
    use_encoder = params.backend == "encoder" or (params.backend == "auto" and params.model_path.strip())
    if not use_encoder:
        style = Style(
            vector=lexical,
            axes=_names(),
            tags=tuple(tags_from_vector(lexical, scene)),
            palette=palette(lexical, scene),
            backend="builtin",
        )
        ctx.progress(2, 2)
        return {"style": style}
    style = _encoder_style(ctx, params, words, scene, lexical)
    ctx.progress(2, 2)
    return {"style": style}


def _encoder_style(
    ctx: NodeContext, params: EmbedParams, words: str, scene: Scene | None, lexical: np.ndarray
) -> Style:
    from .builtin import tags_from_vector
    from .encoder import load_encoder
    from .palette import palette

    if not params.model_path.strip():
        raise NodeInputError(
            "model_path",
            "backend 'encoder' needs model_path: the folder of a local CLIP text "
            "model or sentence-transformers model (or choose backend 'builtin')",
        )
    encoder = load_encoder(params.model_path)
    ctx.progress(1, 2)
    embedding = encoder.embed([words or " "])[0]
    vector = encoder.axes(embedding)
    # tags and palette combine what the encoder measured with what the words say outright
    blended = (vector + lexical) / 2
    tags = tags_from_vector(lexical, scene) + [t for t in tags_from_vector(vector, None, 0.75)]
    return Style(
        vector=vector,
        axes=_names(),
        tags=tuple(dict.fromkeys(tags)),
        palette=palette(blended, scene),
        backend=f"encoder:{encoder.kind}:{encoder.name}",
        embedding=embedding.astype(np.float32),
    )


def _names() -> tuple[str, ...]:
    from .axes import AXIS_NAMES

    return AXIS_NAMES
