"""Small value nodes: one number or seed driving the widgets of many nodes through links."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from server.engine.context import NodeContext
from server.engine.contract import Output, Param, node

MAX_SEED = 2**32 - 1


class NumberParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float = Param(1.0, description="The number.", step=0.1)


@node(
    id="value.number",
    version="1.0.0",
    title="Number",
    category="value",
    outputs={"value": Output("FLOAT", "The number."), "integer": Output("INT", "The number rounded.")},
    params=NumberParams,
    constant=True,
)
def number(ctx: NodeContext | None, params: NumberParams) -> dict:
    """One number wired into several parameters (a duration, a strength) so they change together."""
    return {"value": params.value, "integer": round(params.value)}


class SeedParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: int = Param(
        0, description="The seed; the editor can randomise it on every run.", ge=0, le=MAX_SEED, widget="seed"
    )


@node(
    id="value.seed",
    version="1.0.0",
    title="Seed",
    category="value",
    outputs={"seed": Output("INT", "The seed.")},
    params=SeedParams,
    constant=True,
)
def seed(ctx: NodeContext | None, params: SeedParams) -> dict:
    """One seed for a whole workflow: link it into every node's seed to vary them together."""
    return {"seed": params.seed}
