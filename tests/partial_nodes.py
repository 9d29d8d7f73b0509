"""A stub node for interrupt and crash tests: it holds a partial output file open, the way
``encode.video`` does while encoding, and waits to be cancelled.

Loaded into a real CLI or server through ``REELGRAPH_EXTRA_NODES=tests.partial_nodes``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from nodes.encode.files import temp_path
from server.engine.context import NodeContext
from server.engine.contract import Output, Param, node


class HoldParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    marker: str = Param("", description="A file the node writes the partial file's path into once it exists.")
    stubborn: bool = Param(False, description="Never reach a cancellation point (a node stuck in C code).")


@node(
    id="test.hold_partial",
    version="1.0.0",
    title="Hold a partial file",
    category="test",
    outputs={"out": Output("TEXT")},
    params=HoldParams,
    output=True,
    deterministic=False,
)
def hold_partial(ctx: NodeContext, params: HoldParams) -> dict:
    """Write half a file under a partial name in the output folder, then wait for cancellation."""
    with temp_path(ctx.output_dir) as part:
        part.write_bytes(b"half a video")
        Path(params.marker).write_text(str(part))
        pause = threading.Event()
        while True:
            if not params.stubborn:
                ctx.progress(0, 0)  # the cancellation point
            pause.wait(0.02)
