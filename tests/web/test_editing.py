"""Editing on the canvas the way node-editor users expect: rename by double-clicking the
title, Alt+drag to clone, reroutes that are saved, and only the subgraph command whose
result the workflow file can hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from .editor import EditorPage

pytestmark = pytest.mark.browser


@pytest.fixture
def ed(page, test_out: Path) -> EditorPage:
    return EditorPage(page, test_out)


def test_double_click_the_title_to_rename(ed: EditorPage) -> None:
    page = ed.page
    node = ed.add("text.prompt", (120, 120))
    ed.settle()
    page.mouse.dblclick(*ed.title_point(node))
    page.wait_for_selector(".rg-editor input")
    assert page.input_value(".rg-editor input") == "Prompt"
    page.fill(".rg-editor input", "Opening line")
    page.keyboard.press("Enter")
    ed.settle()
    assert ed.nodes()[node]["title"] == "Opening line"
    assert page.locator(".rg-palette").count() == 0, "a double-click on a title does not open the node search"
    ed.key("Control+z")
    assert "title" not in ed.nodes()[node]
    ed.key("Control+Shift+z")
    ed.settle()  # the redo rebuilds the graph: double-click the node that is drawn now
    assert ed.nodes()[node]["title"] == "Opening line"
    page.mouse.dblclick(*ed.title_point(node))
    page.wait_for_selector(".rg-editor input")
    page.fill(".rg-editor input", "")
    page.keyboard.press("Enter")
    ed.settle()
    assert "title" not in ed.nodes()[node], "an empty title gives back the catalog's"


def test_the_menus_offer_our_subgraphs_not_litegraphs(ed: EditorPage) -> None:
    page = ed.page
    a = ed.add("text.prompt", (120, 120))
    ed.add("text.join", (480, 120))
    ed.settle()
    ed.focus_canvas()
    ed.key("Control+a")
    page.mouse.click(*ed.title_point(a), button="right")
    entries = page.locator(".litecontextmenu .litemenu-entry").evaluate_all("els => els.map(e => e.textContent)")
    assert not any("Convert to Subgraph" in e for e in entries), entries
    assert "Convert selection to subgraph" in entries
    ed.key("Escape")
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + box["width"] - 60, box["y"] + box["height"] - 60, button="right")
    entries = page.locator(".litecontextmenu .litemenu-entry").evaluate_all("els => els.map(e => e.textContent)")
    assert entries and not any("Convert to Subgraph" in e for e in entries), entries


def link_centre(ed: EditorPage, from_node: str) -> tuple[float, float]:
    pos = ed.page.evaluate(
        """(from) => {
            const s = window.reelgraph.surface;
            for (const l of s.graph._links.values()) {
                if (s.graph.getNodeById(l.origin_id).properties.id === from && l._pos) return s.clientPosOf(l._pos);
            }
            return null;
        }""",
        from_node,
    )
    assert pos, f"no drawn link from {from_node}"
    return pos[0], pos[1]


def test_reroutes_are_saved_in_the_workflow_and_come_back(ed: EditorPage, live_server) -> None:
    import json
    import urllib.request

    from .test_runs import chain

    page = ed.page
    ed.load(chain("reroute"))
    ed.settle()
    page.mouse.click(*link_centre(ed, "count"))
    page.locator(".litemenu-entry", has_text="Add Reroute").click()
    ed.settle()
    [reroute] = ed.workflow()["ui"]["reroutes"]
    assert reroute["links"] == [["count", "value", "steps", "value"]]
    assert page.locator("#doc-title.is-dirty").count() == 1, "adding a reroute is an edit"
    start = page.evaluate("(p) => window.reelgraph.surface.clientPosOf(p)", reroute["pos"])
    ed.drag((start[0], start[1]), (start[0] + 10, start[1] + 120))
    [moved] = ed.workflow()["ui"]["reroutes"]
    assert moved["pos"][1] > reroute["pos"][1] + 60
    assert ed.links() == chain("reroute")["links"], "the reroute changes the drawing, not what is linked"
    ed.shot("reroute")

    ed.key("Control+s")
    page.fill(".rg-modal input", "rerouted")
    page.keyboard.press("Enter")
    page.wait_for_selector(".toast.success")
    saved = json.load(urllib.request.urlopen(f"{live_server.url}/api/workflows/rerouted"))
    assert saved["ui"]["reroutes"] == [moved]
    page.reload()
    page.wait_for_function("window.reelgraph && window.reelgraph.ready")
    assert ed.workflow()["ui"]["reroutes"] == [moved]
    parent = page.evaluate("[...window.reelgraph.surface.graph._links.values()].map(l => l.parentId ?? null)")
    assert moved["id"] in parent, "the link is drawn through its reroute again"


def test_alt_drag_clones_a_node_and_the_catalog_follows_the_pipeline(ed: EditorPage) -> None:
    page = ed.page
    node = ed.add("text.prompt", (120, 120), {"text": "Fog over the bay."})
    ed.settle()
    x, y = ed.title_point(node)
    page.keyboard.down("Alt")
    ed.drag((x, y), (x + 40, y + 260))
    page.keyboard.up("Alt")
    nodes = ed.nodes()
    assert len(nodes) == 2 and all(n["type"] == "text.prompt" for n in nodes.values())
    assert [n["params"]["text"] for n in nodes.values()] == ["Fog over the bay."] * 2
    categories = page.locator(".catalog-group").evaluate_all("els => els.map(e => e.dataset.category)")
    pipeline = [c for c in ("text", "scene", "style", "render", "video", "audio", "encode") if c in categories]
    assert [c for c in categories if c in pipeline] == pipeline
