"""The editor as a daily workspace: a reload keeps the open workflow, workflows open at a
readable zoom clear of the panels, panels fold away, the toolbar keeps to one row at 1024 px,
and a run neither overlaps nodes, nor marks the workflow unsaved, nor adds undo steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from .editor import EditorPage

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def ed(page, test_out: Path) -> EditorPage:
    return EditorPage(page, test_out)


def open_from_library(ed: EditorPage, name: str) -> None:
    ed.key("Control+o")
    ed.page.locator(f'.rg-list-item[data-name="{name}"]').click()
    ed.page.wait_for_function("Object.keys(window.reelgraph.workflow().nodes).length > 3")
    ed.settle()


def node_rects(ed: EditorPage) -> dict[str, dict]:
    return {node: ed.rect(node) for node in ed.nodes()}


def box(page, selector: str) -> dict:
    found = page.locator(selector).bounding_box()
    assert found, selector
    return {"x": found["x"], "y": found["y"], "w": found["width"], "h": found["height"]}


def inside(r: dict, outer: dict, slack: float = 1.0) -> bool:
    return (
        r["x"] >= outer["x"] - slack
        and r["y"] >= outer["y"] - slack
        and r["x"] + r["w"] <= outer["x"] + outer["w"] + slack
        and r["y"] + r["h"] <= outer["y"] + outer["h"] + slack
    )


def apart(a: dict, b: dict) -> bool:
    return (
        a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
    )


def overlapping(rects: dict[str, dict]) -> list[tuple[str, str]]:
    names = sorted(rects)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if not apart(rects[a], rects[b])]


def test_reload_keeps_the_open_workflow(ed: EditorPage) -> None:
    page = ed.page
    page.locator('.catalog-item[data-type="text.prompt"]').click()  # a real gesture: reload asks first
    ed.settle()
    ed.add("text.join", (420, 80))
    ed.settle()
    before = ed.workflow()
    assert len(before["nodes"]) == 2
    page.on("dialog", lambda d: d.accept())  # "leave the page?" — yes, like pressing F5 and confirming
    page.reload()
    page.wait_for_function("window.reelgraph && window.reelgraph.ready")
    after = ed.workflow()
    assert after["nodes"] == before["nodes"]
    assert page.locator("#doc-title.is-dirty").count() == 1, "still unsaved after the reload"
    page.reload()  # twice: the restore itself must not have written an empty graph
    page.wait_for_function("window.reelgraph && window.reelgraph.ready")
    assert ed.workflow()["nodes"] == before["nodes"]


def test_open_at_a_readable_zoom_clear_of_the_panels(ed: EditorPage) -> None:
    page = ed.page
    open_from_library(ed, "tokyo_walk")
    view = ed.workflow()["ui"]["view"]
    assert view["scale"] >= 0.7, view
    stage = box(page, "#stage")
    rects = node_rects(ed)
    shown = [n for n, r in rects.items() if inside(r, stage)]
    assert len(shown) >= 3, "the first columns of the pipeline are on the stage"
    for node, r in rects.items():  # wholly on the stage or wholly off it: never half under a panel
        assert inside(r, stage) or apart(r, stage), (node, r, stage)
    ed.shot("open_readable")

    ed.key(".")  # Fit again: the whole graph as an overview
    assert all(inside(r, stage) for r in node_rects(ed).values())
    ed.key(".")
    assert ed.workflow()["ui"]["view"]["scale"] >= 0.7


def test_panels_fold_and_the_toolbar_keeps_to_one_row_at_1024(ed: EditorPage) -> None:
    page = ed.page
    page.set_viewport_size({"width": 1024, "height": 720})
    ed.settle()
    toolbar = box(page, "#toolbar")
    assert toolbar["h"] <= 49
    tops = page.locator("#toolbar button").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert max(tops) <= 32, "no button wraps its label onto two lines"
    overflow = page.evaluate(
        "(() => { const t = document.getElementById('toolbar'); return t.scrollWidth - t.clientWidth; })()"
    )
    assert overflow <= 0
    narrow = box(page, "#stage")["w"]
    assert narrow >= 0.5 * 1024
    page.locator('[data-action="toggle-sidebar"]').click()
    page.locator('[data-action="toggle-catalog"]').click()
    ed.settle()
    assert box(page, "#stage")["w"] == pytest.approx(1024, abs=2)
    canvas_width = page.evaluate("document.getElementById('graph').clientWidth")
    assert canvas_width == pytest.approx(1024, abs=2)
    ed.shot("panels_folded_1024")
    page.reload()  # the choice is remembered
    page.wait_for_function("window.reelgraph && window.reelgraph.ready")
    assert page.locator("#catalog").is_hidden() and page.locator("#sidebar").is_hidden()
    ed.key("Control+[")
    assert page.locator("#catalog").is_visible()


@pytest.mark.slow
def test_a_run_keeps_nodes_apart_the_document_clean_and_undo_intact(ed: EditorPage) -> None:
    page = ed.page
    open_from_library(ed, "tokyo_walk")
    steps = page.evaluate("window.reelgraph.editor.history.steps.length")
    saved_sizes = {n: v["ui"]["size"] for n, v in ed.nodes().items()}
    run_id = page.evaluate("window.reelgraph.queue()")
    assert run_id, page.inner_text("#toasts")
    row = f'#queue-list [data-run="{run_id}"]'
    page.wait_for_selector(f"{row}.status-succeeded, {row}.status-failed, {row}.status-partial", timeout=240_000)
    assert page.locator(f"{row}.status-succeeded").count() == 1, page.inner_text("#queue-list")
    page.wait_for_function("window.reelgraph.surface.node('understanding').rg.preview")
    ed.settle()
    previews = page.evaluate(
        "window.reelgraph.surface.ids().filter(id => window.reelgraph.surface.node(id).rg.preview)"
    )
    assert len(previews) >= 3, previews
    assert overlapping(node_rects(ed)) == []
    assert page.locator("#doc-title.is-dirty").count() == 0, "a run is not an edit"
    assert page.evaluate("window.reelgraph.editor.history.steps.length") == steps, "a run adds no undo step"
    assert {n: v["ui"]["size"] for n, v in ed.nodes().items()} == saved_sizes, "grown sizes are not saved"
    ed.key(".")
    ed.shot("tokyo_after_run")

    ed.page.evaluate("window.reelgraph.surface.setParam('music', 'seed', 8)")
    ed.settle()
    assert page.locator("#doc-title.is-dirty").count() == 1
    ed.focus_canvas()
    ed.key("Control+z")
    assert page.locator("#doc-title.is-dirty").count() == 0
    kept = page.evaluate("window.reelgraph.surface.ids().filter(id => window.reelgraph.surface.node(id).rg.preview)")
    assert sorted(kept) == sorted(previews), "undo keeps the previews"
    assert ed.node_state("video")["state"]["status"] in ("done", "cached")
    assert overlapping(node_rects(ed)) == []


def test_outputs_panel_labels_runs_and_has_no_duplicates_for_cached_reruns(ed: EditorPage) -> None:
    from .test_runs import chain

    page = ed.page
    ed.load(chain("outputs", seconds=0.3))
    for _ in range(2):
        run_id = page.evaluate("window.reelgraph.queue()")
        row = f'#queue-list [data-run="{run_id}"]'
        page.wait_for_selector(f"{row}.status-succeeded", timeout=60_000)
    cards = page.locator("#outputs .output-card")
    keys = cards.evaluate_all("els => els.map(e => e.dataset.key)")
    assert len(keys) == len(set(keys)) and any(k.startswith("clip|") for k in keys), keys
    video_card = page.locator('#outputs .output-card[data-key^="clip|"]').first
    number = page.evaluate("(id) => window.reelgraph.editor.runNumbers.get(id)", run_id)
    assert video_card.locator(".run").inner_text() == f"run #{number} · cached"
    ed.shot("outputs_panel")
    page.mouse.click(*ed.title_point("clip"))
    page.wait_for_selector("#inspector .insp-file video")
    assert "cached" in page.inner_text("#inspector .insp-facts")
    ed.key("Alt+n")
    assert page.locator("#outputs .output-card").count() == 0, "a new workflow starts with an empty panel"


def test_the_empty_canvas_offers_the_examples_with_gpu_ones_marked(ed: EditorPage) -> None:
    page = ed.page
    page.wait_for_selector(".gallery-card")
    names = page.locator(".gallery-card").evaluate_all("els => els.map(e => e.dataset.name)")
    assert {"tokyo_walk", "tokyo_wan"} <= set(names)
    wan = page.locator('.gallery-card[data-name="tokyo_wan"]')
    assert "gpu" in wan.get_attribute("class")
    assert "Needs a CUDA GPU and Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in wan.inner_text()
    walk = page.locator('.gallery-card[data-name="tokyo_walk"]')
    assert "CPU" in walk.inner_text() and "gpu" not in walk.get_attribute("class")
    ed.shot("gallery")
    ed.key("Control+o")
    detail = page.locator('.rg-list-item[data-name="tokyo_wan"]').inner_text()
    assert "GPU: needs a CUDA GPU and Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in detail
    ed.key("Escape")
    walk.click()
    page.wait_for_function("Object.keys(window.reelgraph.workflow().nodes).length > 3")
    assert page.locator("#empty-hint").is_hidden()


def test_the_minimap_moves_the_view_and_folds_away(ed: EditorPage) -> None:
    page = ed.page
    open_from_library(ed, "tokyo_walk")
    stage = box(page, "#stage")
    assert apart(ed.rect("video"), stage), "the last node starts off the stage at a readable zoom"
    mini = box(page, "#minimap")
    scale = ed.workflow()["ui"]["view"]["scale"]
    page.mouse.click(mini["x"] + mini["w"] - 12, mini["y"] + mini["h"] * 0.3)  # the right end of the pipeline
    ed.settle()
    assert ed.workflow()["ui"]["view"]["scale"] == scale, "the minimap moves the view, it does not zoom"
    video = ed.rect("video")
    assert not apart(video, stage), "after a click on its place in the minimap, the last node is in view"
    ed.shot("minimap")
    ed.key("Alt+m")
    assert page.locator("#minimap").is_hidden()
    ed.key("Alt+m")
    assert page.locator("#minimap").is_visible()


def test_the_preview_slot_resizes_by_hand_without_changing_the_saved_size(ed: EditorPage) -> None:
    from .test_runs import chain

    page = ed.page
    ed.load(chain("slot", seconds=0.3))
    run_id = page.evaluate("window.reelgraph.queue()")
    page.wait_for_selector(f'#queue-list [data-run="{run_id}"].status-succeeded', timeout=60_000)
    page.wait_for_function("window.reelgraph.surface.node('steps').rg.slot > 0")
    saved = ed.nodes()["steps"]["ui"]["size"]
    slot = page.evaluate("window.reelgraph.surface.node('steps').rg.slot")
    r = ed.rect("steps")
    corner = (r["x"] + r["w"] - 3, r["y"] + r["h"] - 3)
    ed.drag(corner, (corner[0], corner[1] + 80))
    grown = page.evaluate("window.reelgraph.surface.node('steps').rg.slot")
    assert grown > slot + 40, (slot, grown)
    assert ed.nodes()["steps"]["ui"]["size"] == saved
    assert overlapping(node_rects(ed)) == []
