"""Dropping media on the canvas: a picture or a sound is uploaded and becomes its load node
(real drag-and-drop events carrying a File in a DataTransfer); the dropped picture then runs
through image.animate to an MP4 that plays in the editor."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from .editor import EditorPage

pytestmark = pytest.mark.browser


@pytest.fixture
def ed(page, test_out: Path) -> EditorPage:
    return EditorPage(page, test_out)


def picture_bytes() -> bytes:
    y, x = np.mgrid[0:180, 0:320]
    img = np.stack([x * 255 // 319, y * 255 // 179, np.full_like(x, 90)], -1).astype(np.uint8)
    img[100:160, 130:190] = (220, 40, 40)
    buffer = io.BytesIO()
    Image.fromarray(img).save(buffer, format="PNG")
    return buffer.getvalue()


def sound_bytes() -> bytes:
    buffer = io.BytesIO()
    t = np.arange(22050) / 22050
    sf.write(buffer, (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 22050, format="WAV")
    return buffer.getvalue()


def drop(ed: EditorPage, name: str, mime: str, data: bytes, at: tuple[int, int] = (500, 400)) -> None:
    """Fire dragenter/dragover/drop on the stage with the file in a DataTransfer, as a browser does."""
    ed.page.evaluate(
        """([name, mime, b64, x, y]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: mime}));
            const stage = document.getElementById('stage');
            for (const type of ['dragenter', 'dragover', 'drop']) {
                stage.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, clientX: x, clientY: y,
                                                         dataTransfer: transfer}));
            }
        }""",
        [name, mime, base64.b64encode(data).decode(), *at],
    )


def wait_for_node(ed: EditorPage, node_type: str) -> tuple[str, dict]:
    ed.page.wait_for_function(
        "(t) => Object.values(window.reelgraph.workflow().nodes).some((n) => n.type === t)", arg=node_type,
        timeout=15_000,
    )  # fmt: skip
    return next((k, n) for k, n in ed.nodes().items() if n["type"] == node_type)


def test_a_dropped_picture_becomes_image_load_and_animates_to_an_mp4(ed: EditorPage, live_server) -> None:
    page = ed.page
    drop(ed, "holiday.png", "image/png", picture_bytes())
    node_id, node = wait_for_node(ed, "image.load")
    name = node["params"]["file"]
    assert name.startswith("holiday") and name.endswith(".png")
    assert (live_server.data_dir / "input" / name).read_bytes() == picture_bytes()
    assert "Uploaded" in page.inner_text("#toasts")

    wf = ed.workflow()
    wf["nodes"]["animate"] = {"type": "image.animate", "ui": {"pos": [700, 200]}, "params": {
        "camera": "push in", "duration": 1.0, "fps": 12, "width": 320, "height": 180, "motion": "none"}}  # fmt: skip
    wf["nodes"]["video"] = {"type": "encode.video", "ui": {"pos": [1000, 200]},
                            "params": {"format": "mp4", "filename_prefix": "dropped"}}  # fmt: skip
    wf["links"] = [[node_id, "image", "animate", "image"], ["animate", "frames", "video", "frames"]]
    ed.load(wf)
    run_id = page.evaluate("window.reelgraph.queue()")
    assert run_id, page.inner_text("#toasts")
    row = f'#queue-list [data-run="{run_id}"]'
    page.wait_for_selector(f"{row}.status-succeeded, {row}.status-failed, {row}.status-partial", timeout=120_000)
    assert page.locator(f"{row}.status-succeeded").count() == 1, page.inner_text("#queue-list")
    [mp4] = list(live_server.output_dir.rglob("dropped_*.mp4"))
    assert mp4.stat().st_size > 1000
    page.wait_for_selector("#outputs video", timeout=30_000)
    ed.shot("media_drop")


def test_a_dropped_sound_becomes_audio_load(ed: EditorPage, live_server) -> None:
    drop(ed, "voice.wav", "audio/wav", sound_bytes())
    _, node = wait_for_node(ed, "audio.load")
    assert node["params"]["file"].startswith("voice") and node["params"]["file"].endswith(".wav")


def test_a_dropped_workflow_json_still_opens_as_a_workflow(ed: EditorPage) -> None:
    import json

    doc = {"format": "reelgraph.workflow", "version": 1, "title": "Dropped", "links": [],
           "nodes": {"p": {"type": "text.prompt", "params": {"text": "hello"}, "ui": {"pos": [40, 40]}}}}  # fmt: skip
    drop(ed, "flow.json", "application/json", json.dumps(doc).encode())
    ed.page.wait_for_function("Object.keys(window.reelgraph.workflow().nodes).includes('p')", timeout=15_000)
    assert not any(n["type"].endswith(".load") for n in ed.nodes().values())
