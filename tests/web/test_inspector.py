"""The inspector and full error text: click a node to see its values as a JSON tree, its
timing and cache key; a failure's whole message is in the toast, the queue row and the
inspector (with a copy button), however long it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from .editor import EditorPage
from .test_runs import chain

pytestmark = pytest.mark.browser

LONG = (
    "the model folder /data/models/Wan-AI/Wan2.1-T2V-1.3B-Diffusers is not on this machine; "
    "a workflow may name a model this machine does not have, and this one does, so fetch it once with "
    "`hf download Wan-AI/Wan2.1-T2V-1.3B-Diffusers` and run again (nothing is downloaded at run time)"
)


@pytest.fixture
def ed(page, test_out: Path) -> EditorPage:
    return EditorPage(page, test_out)


def test_the_whole_error_is_in_the_toast_the_queue_and_the_inspector(ed: EditorPage) -> None:
    page = ed.page
    wf = chain("long-error")
    wf["nodes"]["steps"] = {"type": "webtest.fail", "params": {"message": LONG}, "ui": {"pos": [340, 80]}}
    ed.load(wf)
    ed.settle()
    run_id = page.evaluate("window.reelgraph.queue()")
    page.wait_for_selector(".toast.error")
    page.wait_for_function("document.getElementById('toasts').innerText.includes('run again')")
    assert LONG in page.inner_text("#toasts").replace("\n", " ")

    row = page.locator(f'#queue-list [data-run="{run_id}"]')
    row.locator(".run-errors summary").click()
    assert LONG in row.locator(".run-errors pre").inner_text()

    page.mouse.click(*ed.title_point("steps"))
    page.wait_for_selector("#inspector .insp-error-text")
    assert page.locator('.tab[data-tab="inspector"].active').count() == 1
    assert not page.evaluate("window.reelgraph.dirty"), (
        "selecting a node (which litegraph brings to the front) is no edit"
    )
    text = page.inner_text("#inspector .insp-error-text")
    assert LONG in text and "input “value”" in text
    page.locator("#inspector .insp-error .insp-copy").click()
    page.wait_for_function("document.querySelector('#inspector .insp-error .insp-copy').textContent !== 'Copy'")
    ed.shot("inspector_error")

    page.locator('.tab[data-tab="outputs"]').click()
    x, y = ed.title_point("clip")
    ed.drag((x, y), (x + 30, y + 60))
    assert page.locator('.tab[data-tab="outputs"].active').count() == 1, "dragging a node leaves the panel alone"
    ed.key("Escape")
    page.mouse.click(*ed.title_point("count"))
    page.wait_for_selector("#inspector .insp-output")
    facts = page.inner_text("#inspector .insp-facts")
    assert "cache key" in facts and ("done" in facts or "cached" in facts)


def test_the_inspector_shows_the_scene_as_json_and_the_storyboard_names_no_ids(ed: EditorPage) -> None:
    page = ed.page
    ed.key("Control+o")
    page.locator('.rg-list-item[data-name="understand_tokyo"]').click()
    page.wait_for_function("Object.keys(window.reelgraph.workflow().nodes).length > 3")
    run_id = page.evaluate("window.reelgraph.queue()")
    row = f'#queue-list [data-run="{run_id}"]'
    page.wait_for_selector(f"{row}.status-succeeded, {row}.status-failed, {row}.status-partial", timeout=120_000)
    scene = next(n for n, v in ed.nodes().items() if v["type"] == "scene.graph")
    ed.key(".")
    page.mouse.click(*ed.title_point(scene))
    page.wait_for_selector("#inspector .insp-output[data-output='scene'] .json-tree")
    tree = page.inner_text("#inspector .insp-output[data-output='scene'] .json-tree")
    assert 'type: "SCENE"' in tree and "entities:" in tree and 'time_of_day: "night"' in tree
    assert page.locator("#inspector .insp-output[data-output='scene'] details").count() > 3
    ed.shot("inspector_scene")
    names = page.evaluate(
        """async () => {
            const { subjectName } = await import('/js/pictures.js');
            return [subjectName({subject: 'e0', action: 'walk'}), subjectName({subject: 'e0', subject_label: 'woman'})];
        }"""
    )
    assert names == ["", "woman"]


def test_the_inspector_draws_a_written_sound_as_a_waveform_with_a_player(ed: EditorPage) -> None:
    page = ed.page
    ed.load(
        {
            "format": "reelgraph.workflow",
            "version": 1,
            "nodes": {
                "words": {"type": "text.prompt", "params": {"text": "Rain on a neon street."}, "ui": {"pos": [40, 80]}},
                "voice": {"type": "audio.speech", "params": {}, "ui": {"pos": [360, 80]}},
                "save": {"type": "audio.save", "params": {}, "ui": {"pos": [680, 80]}},
            },
            "links": [["words", "text", "voice", "text"], ["voice", "audio", "save", "audio"]],
        }
    )
    run_id = page.evaluate("window.reelgraph.queue()")
    assert run_id, page.inner_text("#toasts")
    row = f'#queue-list [data-run="{run_id}"]'
    page.wait_for_selector(f"{row}.status-succeeded, {row}.status-failed", timeout=120_000)
    assert page.locator(f"{row}.status-succeeded").count() == 1, page.inner_text("#queue-list")
    page.mouse.click(*ed.title_point("save"))
    page.wait_for_selector("#inspector .insp-audio audio")
    page.wait_for_function("document.querySelector('#inspector .insp-audio canvas.waveform')?.rgWave")
    ed.shot("inspector_audio")
