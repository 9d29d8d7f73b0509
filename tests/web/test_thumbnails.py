"""Pictures of finished nodes in the editor: a keyframe strip on a FRAMES node, a picture on an
IMAGE node, kept after the run (and when served from the cache), opened larger in the Outputs
panel with a click."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.stub_nodes import SHOT_COLOURS

from .editor import EditorPage

pytestmark = pytest.mark.browser


@pytest.fixture
def ed(page, test_out: Path) -> EditorPage:
    return EditorPage(page, test_out)


WORKFLOW = {
    "format": "reelgraph.workflow",
    "version": 1,
    "title": "Thumbnails",
    "nodes": {
        "frames": {"type": "webtest.frames", "params": {"count": 36}, "ui": {"pos": [60, 80], "size": [300, 230]}},
        "picture": {"type": "webtest.picture", "params": {}, "ui": {"pos": [60, 420]}},
        "view": {"type": "srv.look", "params": {}, "ui": {"pos": [520, 240]}},
    },
    "links": [["frames", "frames", "view", "frames"], ["picture", "picture", "view", "picture"]],
}

LOADED = """([id, tiles]) => {
    const p = window.reelgraph.surface.node(id).rg.preview;
    return Boolean(p) && p.images.some((i) => (i.rgTiles ?? 1) === tiles && i.complete && i.naturalWidth > 0);
}"""


def node_pixels(ed: EditorPage, node: str) -> np.ndarray:
    """What the canvas shows of ``node`` (title bar to bottom edge), as an RGB array."""
    r = ed.rect(node)
    png = ed.page.screenshot(clip={"x": r["x"], "y": r["y"], "width": r["w"], "height": r["h"]})
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def shows_colour(pixels: np.ndarray, colour: tuple[int, int, int], tolerance: int = 24) -> int:
    """How many pixels are within ``tolerance`` of ``colour`` on every channel."""
    return int((np.abs(pixels - np.array(colour)).max(axis=-1) <= tolerance).sum())


def preview_point(ed: EditorPage, node: str) -> tuple[float, float]:
    """A client point inside the node's picture area (just above its bottom edge)."""
    return ed.page.evaluate(
        """(id) => {
            const s = window.reelgraph.surface;
            const n = s.node(id);
            return s.clientPosOf([n.pos[0] + n.size[0] / 2, n.pos[1] + n.size[1] - 30]);
        }""",
        node,
    )


def test_finished_nodes_show_their_strip_and_picture(ed: EditorPage) -> None:
    page = ed.page
    ed.load(WORKFLOW)
    view = page.evaluate("window.reelgraph.surface.getView()")
    page.evaluate("window.reelgraph.surface.setView({offset: [-5000, -5000], scale: 1})")  # run with the nodes unseen
    page.locator('[data-action="queue"]').click()
    page.wait_for_function("window.reelgraph.surface.node('view').rg.state?.status === 'done'", timeout=30_000)
    page.wait_for_function(LOADED, arg=["frames", 8], timeout=15_000)
    page.wait_for_function(LOADED, arg=["picture", 1], timeout=15_000)
    page.evaluate("(view) => window.reelgraph.surface.setView(view)", view)
    ed.settle()
    ed.shot("thumbnails_after_run")

    frames = node_pixels(ed, "frames")
    for colour in SHOT_COLOURS:  # every shot has at least one tile on the node...
        assert shows_colour(frames, colour) > 200, colour
    node, widget = ed.rect("frames"), ed.rect("frames", "count")
    slots_and_widgets = frames[round(widget["y"] - node["y"]) - 24 : round(widget["y"] + widget["h"] - node["y"])]
    assert max(shows_colour(slots_and_widgets, c) for c in SHOT_COLOURS) == 0  # ...all below the widgets
    preview = ed.node_state("frames")["preview"]
    assert preview["caption"] == "frames · 36 frames · 3.0 s · 3 shots"
    assert shows_colour(node_pixels(ed, "picture"), (250, 210, 40)) > 200  # the yellow disc

    page.mouse.click(*preview_point(ed, "frames"))  # a click on the strip: larger, in the Outputs panel
    card = page.locator("#outputs .output-card").first
    card.locator(".strip-grid .strip-tile").nth(7).wait_for()
    assert card.locator(".strip-tile").count() == 8
    assert "Frames · frames" in card.locator("figcaption").inner_text()
    page.wait_for_function(
        "() => { const t = document.querySelector('#outputs .strip-tile'); return t && t.offsetHeight > 50; }"
    )
    ed.shot("thumbnails_panel")

    page.locator('[data-action="queue"]').click()  # again: everything cached, the pictures stay
    page.wait_for_function("window.reelgraph.surface.node('frames').rg.state?.status === 'cached'", timeout=15_000)
    page.wait_for_function(LOADED, arg=["frames", 8], timeout=15_000)
    ed.settle()
    assert shows_colour(node_pixels(ed, "frames"), SHOT_COLOURS[1]) > 200
