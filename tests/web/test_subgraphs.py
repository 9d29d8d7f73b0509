"""Subgraphs in the editor: convert a selection into one node with exposed inputs, outputs
and widgets, save it in the file, run it (the server flattens it), and unpack it again."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from .editor import EditorPage
from .test_runs import chain

pytestmark = pytest.mark.browser


@pytest.fixture
def ed(page, test_out: Path) -> EditorPage:
    return EditorPage(page, test_out)


def menu(ed: EditorPage, node: str, entry: str) -> None:
    ed.page.mouse.click(*ed.title_point(node), button="right")
    ed.page.locator(".litecontextmenu .litemenu-entry", has_text=entry).first.click()
    ed.settle()


def test_convert_run_save_and_unpack_a_subgraph(ed: EditorPage, live_server) -> None:
    page = ed.page
    original = chain("subgraph", seconds=0.3)
    ed.load(original)
    ed.settle()
    page.mouse.click(*ed.title_point("count"))
    page.keyboard.down("Shift")
    page.mouse.click(*ed.title_point("steps"))
    page.keyboard.up("Shift")
    assert sorted(page.evaluate("window.reelgraph.surface.selectedIds()")) == ["count", "steps"]
    menu(ed, "steps", "Convert selection to subgraph")

    wf = ed.workflow()
    assert sorted(wf["nodes"]) == ["clip", "group"]
    assert wf["nodes"]["group"]["type"] == "subgraph:group"
    definition = wf["subgraphs"]["group"]
    assert sorted(definition["nodes"]) == ["count", "steps"]
    assert definition["links"] == [["count", "value", "steps", "value"]]
    assert definition["outputs"] == {"value": ["steps", "value"]}
    assert wf["links"] == [["group", "value", "clip", "value"]]
    assert wf["nodes"]["group"]["params"]["seconds"] == 0.3, "inner widgets are exposed on the subgraph node"
    ed.shot("subgraph")

    page.evaluate("window.reelgraph.surface.setParam('group', 'value', 5)")
    run_id = page.evaluate("window.reelgraph.queue()")
    assert run_id, page.inner_text("#toasts")
    page.wait_for_selector(f'#queue-list [data-run="{run_id}"].status-succeeded', timeout=60_000)
    assert ed.node_state("group")["state"]["status"] == "done"
    assert ed.node_state("clip")["state"]["status"] == "done"
    page.mouse.click(*ed.title_point("group"))
    page.wait_for_selector("#inspector .insp-inner")
    page.evaluate("window.reelgraph.surface.setParam('group', 'tag', 'selected')")
    succeeded = "document.querySelectorAll('#queue-list .queue-run.status-succeeded').length"
    before = page.evaluate(succeeded)
    page.locator('[data-action="queue-selected"]').click()  # only the subgraph: not the clip after it
    # the node states still say 'done' from the first run until the second starts: wait for the run itself
    page.wait_for_function(f"{succeeded} > {before}", timeout=60_000)
    assert ed.node_state("group")["state"]["status"] == "done"
    assert ed.node_state("clip")["state"] is None
    assert "steps" in page.inner_text("#inspector")

    ed.key("Control+s")
    page.fill(".rg-modal input", "grouped")
    page.keyboard.press("Enter")
    page.wait_for_selector(".toast.success")
    saved = json.load(urllib.request.urlopen(f"{live_server.url}/api/workflows/grouped"))
    assert saved["subgraphs"]["group"]["outputs"] == {"value": ["steps", "value"]}
    page.reload()
    page.wait_for_function("window.reelgraph && window.reelgraph.ready")
    assert ed.workflow()["nodes"]["group"]["params"]["value"] == 5

    menu(ed, "group", "Unpack subgraph")
    wf = ed.workflow()
    assert sorted(wf["nodes"]) == ["clip", "count", "steps"]
    assert sorted(wf["links"]) == sorted(original["links"])
    assert wf["nodes"]["count"]["params"]["value"] == 5, "the exposed value goes back into its node"
    assert "subgraphs" not in wf
