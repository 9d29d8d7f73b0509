"""The pack's nodes: ``sample.tally`` (TEXT → TALLY) and ``sample.top`` (TALLY → TEXT)."""

from __future__ import annotations

import re
from collections import Counter

from pydantic import BaseModel, ConfigDict

from server.engine import Input, NodeContext, NodeInputError, Output, Param, node

from .tally import Tally


class TallyParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_length: int = Param(1, description="Shorter words are not counted.", ge=1, le=20)


@node(
    id="sample.tally",
    version="1.0.0",
    title="Word tally",
    category="sample",
    inputs={"text": Input("TEXT", "The text to count.")},
    outputs={"tally": Output("TALLY", "Word counts, most frequent first.")},
    params=TallyParams,
)
def tally(ctx: NodeContext, params: TallyParams, *, text: str) -> dict:
    """Count the words of a text."""
    words = [w for w in re.findall(r"[a-z']+", text.lower()) if len(w) >= params.min_length]
    if not words:
        raise NodeInputError("text", f"no words of {params.min_length} letters or more to count")
    return {"tally": Tally(tuple(sorted(Counter(words).items(), key=lambda kv: (-kv[1], kv[0]))))}


class TopParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: int = Param(3, description="How many words.", ge=1, le=100)


@node(
    id="sample.top",
    version="1.0.0",
    title="Top words",
    category="sample",
    output=True,
    inputs={"tally": Input("TALLY", "Word counts.")},
    outputs={"words": Output("TEXT", "The most frequent words, comma-separated.")},
    params=TopParams,
)
def top(ctx: NodeContext, params: TopParams, *, tally: Tally) -> dict:
    """The most frequent words of a tally."""
    return {"words": ", ".join(word for word, _ in tally.counts[: params.n])}
