"""Bypass and mute in the editor: Ctrl+B / Ctrl+M on the selection, drawn on the node, saved
in the workflow file, honoured by the run, and the Mode menu offers the same."""

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


def two_branches(tag: str) -> dict:
    wf = chain(tag, seconds=0.3)
    wf["nodes"]["other"] = {"type": "webtest.clip", "params": {"seconds": 1.0}, "ui": {"pos": [660, 420]}}
    wf["links"].append(["count", "value", "other", "value"])
    return wf


def run_and_wait(ed: EditorPage) -> str:
    run_id = ed.page.evaluate("window.reelgraph.queue()")
    assert run_id, ed.page.inner_text("#toasts")
    row = f'#queue-list [data-run="{run_id}"]'
    ed.page.wait_for_selector(f"{row}.status-succeeded, {row}.status-failed, {row}.status-partial", timeout=60_000)
    return run_id


def test_bypass_and_mute_change_what_runs_and_survive_save_and_reload(ed: EditorPage, live_server) -> None:
    page = ed.page
    ed.load(two_branches("modes"))
    ed.settle()
    page.mouse.click(*ed.title_point("steps"))
    ed.key("Control+b")
    assert ed.nodes()["steps"]["mode"] == "bypass"
    page.mouse.click(*ed.title_point("other"))
    ed.key("Control+m")
    assert ed.nodes()["other"]["mode"] == "mute"
    assert page.locator("#doc-title.is-dirty").count() == 1
    ed.shot("bypass_and_mute")

    run_and_wait(ed)
    assert ed.node_state("clip")["state"]["status"] == "done"
    assert ed.node_state("count")["state"]["status"] in ("done", "cached")
    assert ed.node_state("steps")["state"] is None, "a bypassed node does not run"
    assert ed.node_state("other")["state"] is None, "a muted node does not run"

    ed.key("Control+s")
    page.fill(".rg-modal input", "modes")
    page.keyboard.press("Enter")
    page.wait_for_selector(".toast.success")
    saved = json.load(urllib.request.urlopen(f"{live_server.url}/api/workflows/modes"))
    assert saved["nodes"]["steps"]["mode"] == "bypass" and saved["nodes"]["other"]["mode"] == "mute"
    assert "mode" not in saved["nodes"]["clip"]
    page.reload()
    page.wait_for_function("window.reelgraph && window.reelgraph.ready")
    assert ed.nodes()["steps"]["mode"] == "bypass" and ed.nodes()["other"]["mode"] == "mute"

    page.mouse.click(*ed.title_point("steps"))
    ed.key("Control+b")  # again: back to running
    assert "mode" not in ed.nodes()["steps"]
    run_and_wait(ed)
    page.wait_for_function("window.reelgraph.surface.node('steps').rg.state?.status === 'done'")


def test_the_mode_menu_mutes_and_a_bypass_that_cannot_pass_through_is_explained(ed: EditorPage) -> None:
    page = ed.page
    ed.load(two_branches("menu"))
    ed.settle()
    x, y = ed.title_point("other")
    page.mouse.click(x, y, button="right")
    page.locator(".litemenu-entry", has_text="Mode").first.click()
    page.locator(".litemenu-entry", has_text="Mute (Ctrl+M)").click()
    ed.settle()
    assert ed.nodes()["other"]["mode"] == "mute"

    page.mouse.click(*ed.title_point("count"))
    ed.key("Control+b")  # count has no INT input to pass through
    page.evaluate("window.reelgraph.queue()")
    page.wait_for_selector(".toast.error")
    assert "count is bypassed, but nothing passes through" in page.inner_text("#toasts")
    errors = ed.node_state("count")["errors"]
    assert errors and errors[0]["name"] == "value"
    ed.shot("bypass_impossible")
