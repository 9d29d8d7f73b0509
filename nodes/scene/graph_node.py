"""The ``scene.graph`` node: analysed text -> scene graph (and a picture of it)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from nodes.text.doc import Doc
from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

ENGLISH_RATIO = 0.5  # below this (see nodes/text/pipeline.english_check) the text is refused


class GraphParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    picture_width: int = Param(
        1400, description="Minimum width of the picture in pixels.", ge=480, le=4000, step=10, advanced=True
    )


@node(
    id="scene.graph",
    version="1.0.0",
    title="Scene graph",
    category="scene",
    inputs={"doc": Input("DOC", "Analysed text from text.analyze.")},
    outputs={
        "scene": Output("SCENE", "Setting, entities with attributes and motions, and the relations between them."),
        "picture": Output("IMAGE", "The scene graph drawn as a picture."),
    },
    params=GraphParams,
)
def scene_graph(ctx: NodeContext, params: GraphParams, *, doc: Doc) -> dict:
    """Who and what is in the scene, what they look like, what they do, where and when:
    pronouns and lists resolved ("She" is the woman; "a jacket, a dress and boots" are three
    worn things)."""
    from .build import build_scene
    from .picture import scene_picture

    if not isinstance(doc, Doc) or not doc.tokens:
        raise NodeInputError("doc", "the analysed text is empty; connect text.analyze to a prompt")
    if doc.english_ratio < ENGLISH_RATIO and doc.warnings:
        raise NodeInputError("doc", f"{doc.warnings[0]}; a scene graph built from it would be guesswork")
    ctx.progress(0, 2)
    scene = build_scene(doc)
    if not scene.entities():  # still a scene: its place, time and weather, drawn as a neutral stage
        warning = _nothing_found(doc)
        scene.graph.nodes["scene"].setdefault("warnings", []).append(warning)
        ctx.log.warning("%s: %s", ctx.node_id, warning)
    ctx.progress(1, 2)
    picture = scene_picture(scene, params.picture_width).to_array()
    ctx.progress(2, 2, picture)
    return {"scene": scene, "picture": picture}


def _nothing_found(doc: Doc) -> str:
    reason = "; ".join(doc.warnings) if doc.warnings else "no nouns that name people, animals, objects or places"
    return (
        f"found nothing to draw in the text ({reason}); showing the place alone. Name people, animals or "
        "things to see them, e.g. 'A woman walks down a rainy street at night'"
    )
