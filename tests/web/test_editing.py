"""Editing on the canvas the way node-editor users expect: rename by double-clicking the
title, and no menu item that would make nodes the workflow file cannot hold."""

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
    page.mouse.dblclick(*ed.title_point(node))
    page.fill(".rg-editor input", "")
    page.keyboard.press("Enter")
    ed.settle()
    assert "title" not in ed.nodes()[node], "an empty title gives back the catalog's"


def test_no_convert_to_subgraph_in_the_menus(ed: EditorPage) -> None:
    page = ed.page
    a = ed.add("text.prompt", (120, 120))
    ed.add("text.join", (480, 120))
    ed.settle()
    ed.focus_canvas()
    ed.key("Control+a")
    page.mouse.click(*ed.title_point(a), button="right")
    entries = page.locator(".litecontextmenu .litemenu-entry").evaluate_all("els => els.map(e => e.textContent)")
    assert entries and not any("Subgraph" in e for e in entries), entries
    ed.key("Escape")
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + box["width"] - 60, box["y"] + box["height"] - 60, button="right")
    entries = page.locator(".litecontextmenu .litemenu-entry").evaluate_all("els => els.map(e => e.textContent)")
    assert entries and not any("Subgraph" in e for e in entries), entries
