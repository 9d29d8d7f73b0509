"""The ``text.analyze`` node: tokens, sentences, lemmas, UPOS, entities and dependencies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node
from server.engine.errors import NodeInputError

from .doc import Doc

# About 3,500 words: far beyond any prompt, small enough that analysis stays well under a second.
MAX_ANALYZE_CHARS = 20_000


class AnalyzeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    backend: Literal["auto", "builtin", "spacy"] = Param(
        "auto",
        description=(
            "auto: an installed spaCy English pipeline (the model below, else en_core_web_trf/lg/md/sm) or the "
            "built-in analyser when none is installed; builtin: the rule-based analyser that needs no model; "
            "spacy: an installed spaCy pipeline (an error if there is none)."
        ),
    )
    model: str = Param(
        "",
        description="spaCy pipeline to use: a package name such as en_core_web_sm, or the folder of a saved "
        "pipeline. Empty: found automatically.",
        max_length=500,
    )


@node(
    id="text.analyze",
    version="1.0.0",
    title="Analyse text",
    category="text",
    inputs={"text": Input("TEXT", "The prompt to analyse.")},
    outputs={"doc": Output("DOC", "Tokens, sentences, lemmas, UPOS tags, entities and dependency relations.")},
    params=AnalyzeParams,
)
def analyze(ctx: NodeContext, params: AnalyzeParams, *, text: str) -> dict:
    """Show what the words are: parts of speech, lemmas, named things and who does what.
    The output records which backend ran (``builtin`` or ``spacy:<model>``)."""
    check_text(text)
    from .pipeline import analyse, pipeline, resolve_backend

    backend = resolve_backend(params.backend, params.model)
    ctx.progress(0, 2)
    pipeline(backend)  # load (cached per process) before the timed part
    ctx.progress(1, 2)
    doc: Doc = analyse(text, backend)
    for warning in doc.warnings:
        ctx.log.warning("%s: %s", ctx.node_id, warning)
    ctx.progress(2, 2)
    return {"doc": doc}


def check_text(text: str) -> None:
    if not isinstance(text, str) or not text.strip():
        raise NodeInputError("text", "the text is empty; connect a prompt that describes the scene")
    if len(text) > MAX_ANALYZE_CHARS:
        raise NodeInputError(
            "text",
            f"the text has {len(text):,} characters; text.analyze handles up to {MAX_ANALYZE_CHARS:,} "
            "(about 3,500 words); shorten it or split it into several prompts",
        )
