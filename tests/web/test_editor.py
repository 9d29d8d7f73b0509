"""The editor in headless Chromium against the real server: catalog, canvas, widgets,
library, import, undo, validation errors. Screenshots go to the test_out folder."""

from __future__ import annotations

import base64
import io
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .editor import EditorPage, dumps

pytestmark = pytest.mark.browser


@pytest.fixture
def ed(page, test_out: Path) -> EditorPage:
    return EditorPage(page, test_out)


def catalog(live_server) -> list[dict]:
    with urllib.request.urlopen(f"{live_server.url}/api/nodes") as response:
        return json.load(response)["nodes"]


def test_editor_loads_with_the_whole_catalog(ed: EditorPage, live_server) -> None:
    page = ed.page
    nodes = catalog(live_server)
    assert page.locator(".catalog-item").count() == len(nodes)
    categories = {n["category"] for n in nodes}
    assert page.locator(".catalog-group").count() == len(categories)
    page.wait_for_selector("#connection.online")
    page.fill("#catalog-search", "prompt")
    shown = page.locator(".catalog-item").evaluate_all("els => els.map(e => e.dataset.type)")
    assert "text.prompt" in shown and len(shown) < len(nodes)
    page.fill("#catalog-search", "zzzz-nothing")
    assert page.locator(".catalog-item").count() == 0
    assert "No node matches" in page.inner_text("#catalog-list")
    page.fill("#catalog-search", "")
    ed.shot("empty_editor")


def test_add_nodes_by_drag_search_and_context_menu(ed: EditorPage) -> None:
    page = ed.page
    stage = page.locator("#graph")
    page.locator('.catalog-item[data-type="text.prompt"]').drag_to(stage, target_position={"x": 200, "y": 150})
    ed.settle()
    assert [n["type"] for n in ed.nodes().values()] == ["text.prompt"]
    pos = ed.nodes()["prompt"]["ui"]["pos"]
    box = stage.bounding_box()
    dropped = page.evaluate("([x, y]) => window.reelgraph.surface.graphPosAt(x, y)", [box["x"] + 200, box["y"] + 150])
    assert abs(pos[0] - (dropped[0] - 20)) < 3 and abs(pos[1] - (dropped[1] - 10)) < 3

    page.mouse.dblclick(box["x"] + 600, box["y"] + 420)
    page.wait_for_selector(".rg-palette input")
    page.keyboard.type("join")
    page.wait_for_selector('.rg-palette li.selected[data-type="text.join"]')
    ed.shot("palette")
    page.keyboard.press("Enter")
    ed.settle()
    assert sorted(n["type"] for n in ed.nodes().values()) == ["text.join", "text.prompt"]

    page.mouse.click(box["x"] + 300, box["y"] + 600, button="right")
    page.locator(".litecontextmenu .litemenu-entry", has_text="Add Node").click()
    page.locator(".litecontextmenu .litemenu-entry", has_text="value").click()
    page.locator(".litecontextmenu .litemenu-entry", has_text="Seed").click()
    ed.settle()
    assert sorted(n["type"] for n in ed.nodes().values()) == ["text.join", "text.prompt", "value.seed"]
    assert page.locator("#empty-hint.hidden").count() == 1
    ed.shot("added_nodes")


def test_connect_refuse_wrong_type_and_disconnect(ed: EditorPage) -> None:
    page = ed.page
    prompt = ed.add("text.prompt", (60, 80))
    number = ed.add("value.number", (60, 300))
    join = ed.add("text.join", (480, 120))
    ed.settle()
    ed.drag(ed.slot(prompt, "output", "text"), ed.slot(join, "input", "first"))
    assert ed.links() == [[prompt, "text", join, "first"]]

    ed.drag(ed.slot(number, "output", "value"), ed.slot(join, "input", "second"))
    assert ed.links() == [[prompt, "text", join, "first"]], "a FLOAT output must not connect to a TEXT input"
    ed.shot("connected")

    separator = ed.rect(join, "separator")  # a TEXT parameter can be fed by a TEXT link instead
    ed.drag(ed.slot(prompt, "output", "text"), (separator["x"] + 30, separator["y"] + separator["h"] / 2))
    assert [prompt, "text", join, "separator"] in ed.links()
    ed.shot("widget_linked")
    ed.key("Control+z")

    first = ed.slot(join, "input", "first")
    ed.drag(first, (first[0] + 140, first[1] + 260))
    if page.locator(".rg-palette").count():
        page.keyboard.press("Escape")
    ed.settle()
    assert ed.links() == []


def test_edit_widgets_from_the_schema(ed: EditorPage) -> None:
    page = ed.page
    video = ed.add("encode.video", (80, 60))
    prompt = ed.add("text.prompt", (520, 60))
    ed.settle()

    crf = ed.rect(video, "crf")
    page.mouse.click(crf["x"] + crf["w"] - 8, crf["y"] + crf["h"] / 2)  # the right arrow steps up
    ed.settle()
    assert ed.params(video)["crf"] == 21
    page.mouse.click(crf["x"] + crf["w"] / 2, crf["y"] + crf["h"] / 2)  # the middle opens a prompt
    page.wait_for_selector(".rg-editor input")
    assert page.inner_text(".rg-editor .title") == "crf", "the editor names the parameter, not 'Value'"
    page.fill(".rg-editor input", "99")
    page.keyboard.press("Enter")
    ed.settle()
    assert ed.params(video)["crf"] == 21, "an out-of-range number is refused, not silently clamped"
    [error] = ed.node_state(video)["errors"]
    assert error["name"] == "crf" and "99 is above the maximum 51" in error["message"]
    assert "allowed: 0 to 51" in page.inner_text("#toasts")
    page.mouse.click(crf["x"] + crf["w"] / 2, crf["y"] + crf["h"] / 2)
    page.wait_for_selector(".rg-editor input")
    page.fill(".rg-editor input", "30")
    page.keyboard.press("Enter")
    ed.settle()
    assert ed.params(video)["crf"] == 30 and ed.node_state(video)["errors"] is None

    fmt = ed.rect(video, "format")
    page.mouse.click(fmt["x"] + fmt["w"] / 2, fmt["y"] + fmt["h"] / 2)
    menu = page.locator(".litecontextmenu .litemenu-entry")
    choices = menu.evaluate_all("els => els.map(e => e.textContent)")
    assert "webm" in choices
    menu.filter(has_text="webm").first.click()
    ed.settle()
    assert ed.params(video)["format"] == "webm"

    embed = ed.rect(video, "embed_workflow")
    before = ed.params(video)["embed_workflow"]
    page.mouse.click(embed["x"] + embed["w"] / 2, embed["y"] + embed["h"] / 2)
    ed.settle()
    assert ed.params(video)["embed_workflow"] is (not before)

    text = ed.rect(prompt, "text")
    page.mouse.click(text["x"] + text["w"] / 2, text["y"] + text["h"] / 2)
    page.wait_for_selector(".rg-editor textarea")
    page.fill(".rg-editor textarea", "A lion stalks through the tall grass\nat sunset.")
    page.keyboard.press("Control+Enter")
    ed.settle()
    assert ed.params(prompt)["text"] == "A lion stalks through the tall grass\nat sunset."
    ed.shot("widgets")


def test_seed_randomize_toggle(ed: EditorPage) -> None:
    page = ed.page
    seed = ed.add("value.seed", (100, 100))
    ed.settle()
    toggle = ed.rect(seed, "seed:randomize")
    page.mouse.click(toggle["x"] + toggle["w"] / 2, toggle["y"] + toggle["h"] / 2)
    ed.settle()
    assert ed.nodes()[seed]["ui"]["randomize"] == ["seed"]
    values = {
        page.evaluate("window.reelgraph.surface.randomizeSeeds() && window.reelgraph.workflow()")["nodes"][seed][
            "params"
        ]["seed"]
        for _ in range(4)
    }
    assert len(values) > 1


def test_undo_redo_copy_paste_and_groups(ed: EditorPage) -> None:
    page = ed.page
    prompt = ed.add("text.prompt", (100, 100))
    ed.settle()
    ed.add("text.join", (450, 100))
    ed.settle()
    assert len(ed.nodes()) == 2
    ed.key("Control+z")
    assert list(ed.nodes()) == [prompt]
    ed.key("Control+Shift+z")
    assert len(ed.nodes()) == 2
    ed.key("Control+z")

    page.mouse.click(*ed.title_point(prompt))
    ed.key("Control+c")
    page.mouse.move(700, 500)
    ed.key("Control+v")
    ids = list(ed.nodes())
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(n["type"] == "text.prompt" for n in ed.nodes().values())

    ed.key("Control+a")
    ed.key("Control+g")
    groups = ed.workflow()["ui"]["groups"]
    assert len(groups) == 1 and groups[0]["bounding"][2] > 200
    ed.shot("group")
    ed.key("Control+z")
    assert ed.workflow()["ui"]["groups"] == []


def test_save_open_and_unsaved_warning(ed: EditorPage, live_server) -> None:
    page = ed.page
    prompt = ed.add("text.prompt", (80, 80), {"text": "Rain on a neon street."})
    join = ed.add("text.join", (420, 80))
    ed.settle()
    ed.drag(ed.slot(prompt, "output", "text"), ed.slot(join, "input", "first"))
    assert page.locator("#doc-title.is-dirty").count() == 1

    ed.key("Control+s")
    page.fill(".rg-modal input", "neon street")
    page.keyboard.press("Enter")
    page.wait_for_selector(".toast.success")
    assert page.locator("#doc-title.is-dirty").count() == 0
    assert page.inner_text("#doc-title .name") == "neon street"
    saved = json.load(urllib.request.urlopen(f"{live_server.url}/api/workflows/neon%20street"))
    assert saved["nodes"][prompt]["params"]["text"] == "Rain on a neon street."
    assert saved["links"] == [[prompt, "text", join, "first"]]

    ed.add("value.seed", (80, 400))
    ed.settle()
    assert page.locator("#doc-title.is-dirty").count() == 1
    page.locator('[data-action="new"]').click()
    page.wait_for_selector(".rg-modal", state="visible")
    assert "unsaved changes" in page.inner_text(".rg-modal").lower()
    page.locator(".rg-modal button.ok").click()
    ed.settle()
    assert ed.nodes() == {}

    page.reload()
    page.wait_for_function("window.reelgraph && window.reelgraph.ready")
    ed.key("Control+o")
    page.wait_for_selector('.rg-list-item[data-name="neon street"]')
    ed.shot("library")
    page.locator('.rg-list-item[data-name="neon street"]').click()
    page.wait_for_function("Object.keys(window.reelgraph.workflow().nodes).length === 2")
    assert ed.links() == [[prompt, "text", join, "first"]]
    assert ed.params(prompt)["text"] == "Rain on a neon street."
    ed.shot("reopened")

    ed.key("Control+o")
    rows = page.locator(".rg-list-item")
    rows.first.wait_for()
    examples_with_delete = rows.evaluate_all(
        "els => els.filter(e => e.innerText.includes('example') && e.querySelector('button')).length"
    )
    assert examples_with_delete == 0, "examples ship with the app and cannot be deleted"
    page.locator('.rg-list-item[data-name="neon street"] button.danger').click()
    page.locator(".rg-modal button.ok.danger").click()
    page.wait_for_selector('.rg-list-item[data-name="neon street"]', state="detached")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{live_server.url}/api/workflows/neon%20street")


def test_import_json_file_and_png_with_embedded_workflow(ed: EditorPage, tmp_path: Path) -> None:
    page = ed.page
    workflow = {
        "format": "reelgraph.workflow",
        "version": 1,
        "title": "Imported",
        "nodes": {
            "words": {"type": "text.prompt", "params": {"text": "Waves at dawn."}, "ui": {"pos": [40, 60]}},
            "both": {"type": "text.join", "params": {"separator": ", "}, "ui": {"pos": [380, 60]}},
        },
        "links": [["words", "text", "both", "first"]],
    }
    path = tmp_path / "imported.json"
    path.write_text(dumps(workflow))
    page.set_input_files("#import-file", str(path))
    page.wait_for_function("Object.keys(window.reelgraph.workflow().nodes).length === 2")
    assert ed.links() == [["words", "text", "both", "first"]]
    assert ed.params("both")["separator"] == ", "
    assert ed.workflow()["title"] == "Imported"

    png = png_with_workflow(
        {**workflow, "title": "From a picture", "nodes": {"only": workflow["nodes"]["words"]}, "links": []}
    )
    drop_file(page, "#stage", "still.png", "image/png", png)
    page.locator(".rg-modal button.ok").click()  # the imported graph above was never saved
    page.wait_for_function("window.reelgraph.workflow().title === 'From a picture'")
    assert list(ed.nodes()) == ["only"]


def test_validation_errors_show_on_the_node_and_input(ed: EditorPage) -> None:
    page = ed.page
    video = ed.add("encode.video", (120, 80))
    ed.settle()
    page.locator('[data-action="queue"]').click()
    page.wait_for_selector(".toast.error")
    page.wait_for_function("(id) => window.reelgraph.surface.node(id).rg.errors", arg=video)
    errors = ed.node_state(video)["errors"]
    assert any(e["name"] == "frames" for e in errors), errors
    assert "cannot run" in page.inner_text(".toast.error")
    ed.shot("validation_error")


def png_with_workflow(workflow: dict) -> bytes:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("workflow", json.dumps(workflow))
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 40)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def drop_file(page, selector: str, name: str, mime: str, data: bytes) -> None:
    """Drop a file on an element the way a person dragging it from the desktop does."""
    page.evaluate(
        """([selector, name, mime, b64]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: mime}));
            const target = document.querySelector(selector);
            const box = target.getBoundingClientRect();
            const at = {clientX: box.x + box.width / 2, clientY: box.y + box.height / 2, bubbles: true, cancelable: true};
            target.dispatchEvent(new DragEvent("dragover", {...at, dataTransfer: transfer}));
            target.dispatchEvent(new DragEvent("drop", {...at, dataTransfer: transfer}));
        }""",
        [selector, name, mime, base64.b64encode(data).decode()],
    )


def test_file_widget_uploads_and_takes_a_path(ed: EditorPage, live_server, tmp_path: Path) -> None:
    page = ed.page
    story = ed.add("webtest.story", (100, 100))
    ed.settle()
    picture = tmp_path / "reference.png"
    picture.write_bytes(png_with_workflow({"unrelated": True}))
    box = ed.rect(story, "picture")
    page.mouse.click(box["x"] + box["w"] / 2, box["y"] + box["h"] / 2)
    page.wait_for_selector(".rg-modal")
    with page.expect_file_chooser() as chooser:
        page.locator(".rg-modal button.upload").click()
    chooser.value.set_files(str(picture))
    page.wait_for_selector(".rg-modal", state="detached")
    ed.settle()
    value = ed.params(story)["picture"]
    assert value.endswith(".png")
    with urllib.request.urlopen(f"{live_server.url}/api/files/input/{value}") as response:
        assert response.read() == picture.read_bytes()

    page.mouse.click(box["x"] + box["w"] / 2, box["y"] + box["h"] / 2)
    page.fill(".rg-modal input[type=text]", "models/reference.png")
    page.keyboard.press("Enter")
    ed.settle()
    assert ed.params(story)["picture"] == "models/reference.png"


def test_export_downloads_the_workflow_json(ed: EditorPage) -> None:
    page = ed.page
    prompt = ed.add("text.prompt", (100, 100), {"text": "Export me."})
    ed.settle()
    with page.expect_download() as download:
        page.locator('[data-action="export"]').click()
    doc = json.loads(Path(download.value.path()).read_text())
    assert download.value.suggested_filename == "workflow.json"
    assert doc["format"] == "reelgraph.workflow" and doc["version"] == 1
    assert doc["nodes"][prompt] == {
        "type": "text.prompt",
        "params": {"text": "Export me."},
        "ui": {"pos": [100, 100], "size": doc["nodes"][prompt]["ui"]["size"]},
    }
    assert doc["meta"]["node_versions"]["text.prompt"]
    assert doc["ui"]["view"] == {"offset": [0, 0], "scale": 1}


def test_dropping_a_video_with_an_embedded_workflow_opens_it(ed: EditorPage, tmp_path: Path) -> None:
    workflow = {
        "format": "reelgraph.workflow",
        "version": 1,
        "title": "From a video",
        "nodes": {"seed": {"type": "value.seed", "params": {"seed": 42}, "ui": {"pos": [80, 80]}}},
        "links": [],
    }
    drop_file(ed.page, "#stage", "walk.mp4", "video/mp4", mp4_with_workflow(workflow, tmp_path / "walk.mp4"))
    ed.page.wait_for_function("window.reelgraph.workflow().title === 'From a video'")
    assert ed.params("seed")["seed"] == 42


def test_dropping_a_video_that_also_carries_comfyui_keys_opens_ours(ed: EditorPage, tmp_path: Path) -> None:
    """Files written today hold ComfyUI's graph under ``workflow`` and its API prompt under
    ``prompt``; ours is under ``reelgraph``, and that is the one our editor opens."""
    workflow = {
        "format": "reelgraph.workflow",
        "version": 1,
        "title": "Both editors",
        "nodes": {"seed": {"type": "value.seed", "params": {"seed": 7}, "ui": {"pos": [80, 80]}}},
        "links": [],
    }
    tags = {
        "prompt": {"seed": {"class_type": "value.seed", "inputs": {"seed": 7}}},
        "workflow": {"id": "g", "nodes": [{"id": 1, "type": "value.seed"}], "links": []},
    }
    video = mp4_with_workflow(workflow, tmp_path / "both.mp4", key="reelgraph", extra=tags)
    drop_file(ed.page, "#stage", "both.mp4", "video/mp4", video)
    ed.page.wait_for_function("window.reelgraph.workflow().title === 'Both editors'")
    assert ed.params("seed")["seed"] == 7


def mp4_with_workflow(workflow: dict, path: Path, key: str = "workflow", extra: dict | None = None) -> bytes:
    """A tiny MP4 carrying the workflow in its container tags (``key``; files written before the
    ComfyUI keys used ``workflow``), plus ``extra`` tags."""
    import av
    import numpy as np

    with av.open(str(path), "w", options={"movflags": "+faststart+use_metadata_tags"}) as container:
        for name, value in (extra or {}).items():
            container.metadata[name] = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
        container.metadata[key] = json.dumps(workflow, ensure_ascii=True, separators=(",", ":"))
        stream = container.add_stream("libx264", rate=8)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for i in range(4):
            frame = av.VideoFrame.from_ndarray(np.full((32, 32, 3), i * 50, np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path.read_bytes()


def test_hover_explains_sockets_and_widgets(ed: EditorPage, live_server) -> None:
    page = ed.page
    video = ed.add("encode.video", (120, 100))
    ed.settle()
    contract = next(n for n in catalog(live_server) if n["id"] == "encode.video")
    box = ed.rect(video, "crf")
    page.mouse.move(box["x"] + box["w"] / 2, box["y"] + box["h"] / 2)
    page.wait_for_selector("#tooltip.shown")
    assert contract["params"]["properties"]["crf"]["description"][:40] in page.inner_text("#tooltip")
    page.mouse.move(*ed.slot(video, "input", "frames"))
    page.wait_for_function("document.querySelector('#tooltip.shown')?.innerText.startsWith('frames · FRAMES')")
    ed.shot("tooltip")


def test_leaving_with_unsaved_changes_asks_first(ed: EditorPage) -> None:
    page = ed.page
    page.locator('.catalog-item[data-type="text.prompt"]').click()  # a real user gesture, and an edit
    ed.settle()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]


def test_unknown_node_types_survive_open_and_save(ed: EditorPage) -> None:
    workflow = {
        "format": "reelgraph.workflow",
        "version": 1,
        "nodes": {
            "words": {"type": "text.prompt", "params": {"text": "Fog."}, "ui": {"pos": [40, 60]}},
            "future": {
                "type": "future.node",
                "title": "From a newer install",
                "params": {"mode": "fast", "level": 3},
                "ui": {"pos": [380, 60]},
            },
        },
        "links": [["words", "text", "future", "prompt"]],
    }
    ed.load(workflow)
    ed.settle()
    saved = ed.workflow()
    assert saved["nodes"]["future"]["type"] == "future.node"
    assert saved["nodes"]["future"]["title"] == "From a newer install"
    assert saved["nodes"]["future"]["params"] == {"mode": "fast", "level": 3}
    assert saved["links"] == [["words", "text", "future", "prompt"]]
    assert "future.node" in ed.node_state("future")["note"]
    ed.shot("unknown_node")
