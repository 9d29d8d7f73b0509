"""A thin driver for the editor page: reads state through `window.reelgraph`, acts with the
real mouse and keyboard wherever a person would (dragging sockets, clicking widgets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class EditorPage:
    def __init__(self, page: Any, out: Path | None = None) -> None:
        self.page = page
        self.out = out

    # -- reading -----------------------------------------------------------------------
    def workflow(self) -> dict:
        return self.page.evaluate("window.reelgraph.workflow()")

    def nodes(self) -> dict:
        return self.workflow()["nodes"]

    def links(self) -> list[list[str]]:
        return self.workflow()["links"]

    def params(self, node: str) -> dict:
        return self.nodes()[node]["params"]

    def node_state(self, node: str) -> dict:
        return self.page.evaluate("(id) => { const n = window.reelgraph.surface.node(id); return n && n.rg; }", node)

    # -- geometry (client pixels) ------------------------------------------------------
    def slot(self, node: str, kind: str, name: str) -> tuple[float, float]:
        pos = self.page.evaluate("([id, k, n]) => window.reelgraph.surface.slotClientPos(id, k, n)", [node, kind, name])
        assert pos, f"no {kind} slot {name!r} on node {node!r}"
        return pos[0], pos[1]

    def rect(self, node: str, widget: str | None = None) -> dict:
        rect = self.page.evaluate("([id, w]) => window.reelgraph.surface.clientRectOf(id, w)", [node, widget])
        assert rect, f"no node {node!r}" + (f" widget {widget!r}" if widget else "")
        return rect

    def title_point(self, node: str) -> tuple[float, float]:
        r = self.rect(node)
        return r["x"] + r["w"] * 0.45, r["y"] + 14

    # -- acting ------------------------------------------------------------------------
    def add(self, node_type: str, pos: tuple[int, int] | None = None, params: dict | None = None) -> str:
        return self.page.evaluate(
            "([t, pos, params]) => window.reelgraph.surface.addNode(t, {pos: pos || undefined, params: params || {}})",
            [node_type, list(pos) if pos else None, params],
        )

    def load(self, workflow: dict, name: str | None = None) -> None:
        self.page.evaluate("([wf, name]) => window.reelgraph.load(wf, name)", [workflow, name])

    def drag(self, start: tuple[float, float], end: tuple[float, float], steps: int = 12) -> None:
        mouse = self.page.mouse
        mouse.move(*start)
        mouse.down()
        mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=steps)
        mouse.move(*end, steps=steps)
        mouse.up()
        self.settle()

    def settle(self) -> None:
        """Let the canvas draw and the debounced change handler record the edit."""
        self.page.wait_for_timeout(150)

    def key(self, combo: str) -> None:
        self.page.keyboard.press(combo)
        self.settle()

    def focus_canvas(self) -> None:
        self.page.evaluate("document.getElementById('graph').focus()")

    def shot(self, name: str) -> Path | None:
        if self.out is None:
            return None
        path = self.out / f"web_{name}.png"
        self.page.screenshot(path=str(path))
        return path


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2) + "\n"
