"""Where a workflow's words come from: the prompt and simple text utilities."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from server.engine.context import NodeContext
from server.engine.contract import Input, Output, Param, node

MAX_PROMPT_CHARS = 50_000


class PromptParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Param(
        "",
        description=f"What the video should show, in plain English (up to {MAX_PROMPT_CHARS:,} characters).",
        multiline=True,
        max_length=MAX_PROMPT_CHARS,
    )

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the prompt is empty; write what the video should show")
        return value


@node(
    id="text.prompt",
    version="1.0.0",
    title="Prompt",
    category="text",
    outputs={"text": Output("TEXT", "The prompt text.")},
    params=PromptParams,
)
def prompt(ctx: NodeContext, params: PromptParams) -> dict:
    """The words the whole pipeline starts from."""
    return {"text": params.text.strip()}


class JoinParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    separator: str = Param(" ", description="Put between the two texts; use \\n for a new line.")


@node(
    id="text.join",
    version="1.0.0",
    title="Join text",
    category="text",
    inputs={"first": Input("TEXT", "Comes first."), "second": Input("TEXT", "Comes second.", optional=True)},
    outputs={"text": Output("TEXT", "first + separator + second.")},
    params=JoinParams,
)
def join(ctx: NodeContext, params: JoinParams, *, first: str, second: str | None = None) -> dict:
    """Combine two texts, e.g. a subject prompt and a reusable style suffix."""
    separator = params.separator.replace("\\n", "\n")
    return {"text": first if not second else f"{first}{separator}{second}"}
