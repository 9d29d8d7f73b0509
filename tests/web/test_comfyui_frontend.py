"""The official ComfyUI frontend (the pinned ``comfyui-frontend-package``) on our server, in
real Chromium, as a ComfyUI user meets it: the app starts without console errors beyond the
ones stock ComfyUI shows too, the node library lists our categories, an API prompt loaded and
run from the Run button executes on our engine (``progress_state`` reaches the page, the
output node shows its picture, the job is listed), and a changed setting and a saved
workflow survive a reload. Screenshots go to ``tests/_out/``.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import CHROMIUM_ARGS, REPO, VIEWPORT, LiveServer, _ServerThread, chromium_path

OUT = REPO / "tests" / "_out"
# What stock ComfyUI logs too on a fresh install without network: its index.html links
# user.css files that do not exist until a user writes one, it probes comfy.templates.json and
# workflows/.index.json before they are written, and it reaches for fonts and telemetry on the
# internet.
STOCK_ERRORS = (
    re.compile(r"Failed to load resource: the server responded with a status of 404"),
    re.compile(r"Failed to load resource: net::ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|CONNECTION_REFUSED)"),
)
STOCK_404 = re.compile(r"/(user\.css|api/userdata/(user\.css|comfy\.templates\.json|workflows%2F\.index\.json))$")
PROMPT = {
    "1": {"class_type": "srv.number", "inputs": {"value": 7}},
    "2": {"class_type": "test.slow", "inputs": {"a": ["1", 0], "seconds": 1.0, "steps": 5, "tag": "comfyui-ui"}},
    "3": {"class_type": "srv.save", "inputs": {"a": ["2", 0]}},
}


@pytest.fixture(scope="module")
def comfy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from server.app import Config, create_app

    root = tmp_path_factory.mktemp("comfyui-server")
    config = Config(
        host="127.0.0.1",
        port=0,
        data_dir=root / "data",
        output_dir=root / "output",
        cpu_workers=2,
        extra_nodes=("tests.stub_nodes",),
        frontend="comfyui",
    )
    server = _ServerThread(create_app(config))
    port = server.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", config.data_dir, config.output_dir)
    finally:
        server.stop()


@pytest.fixture
def comfy_page(comfy_server: LiveServer) -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium on this machine: install Debian's `chromium` package (the setup does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        errors: list[str] = []
        frames: list[str] = []
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        page.on("console", lambda msg: _console(errors, msg))
        page.on("response", lambda r: _response(errors, r))
        page.on(
            "websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f) if isinstance(f, str) else None)
        )
        page.errors, page.frames_seen = errors, frames
        open_app(page, comfy_server.url)
        yield page
        browser.close()
    assert not errors, "the ComfyUI frontend logged errors stock ComfyUI does not:\n" + "\n".join(errors)


def _console(errors: list[str], msg) -> None:
    if msg.type == "error" and not any(p.search(msg.text) for p in STOCK_ERRORS):
        errors.append(f"console: {msg.text}")


def _response(errors: list[str], response) -> None:
    if response.status >= 400 and "127.0.0.1" in response.url and not STOCK_404.search(response.url.split("?")[0]):
        errors.append(f"HTTP {response.status} {response.request.method} {response.url}")


def open_app(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.app?.graph && !document.getElementById('splash-loader')", timeout=60_000)
    page.wait_for_function("window.app.vueAppReady === true", timeout=60_000)
    page.keyboard.press("Escape")  # the templates dialog a new user is greeted with


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.load(resp)


def test_comfyui_frontend_runs_a_reelgraph_prompt(comfy_page, comfy_server):
    page = comfy_page
    OUT.mkdir(parents=True, exist_ok=True)
    # the node library: our categories
    page.get_by_role("button", name=re.compile("Node Library", re.IGNORECASE)).first.click()
    library = page.locator(".side-bar-panel, .sidebar-content-container").first
    library.get_by_text("test", exact=True).first.wait_for(timeout=15_000)
    library.get_by_text("text", exact=True).first.wait_for(timeout=15_000)
    page.screenshot(path=str(OUT / "comfyui_node_library.png"))
    page.get_by_role("button", name=re.compile("Node Library", re.IGNORECASE)).first.click()

    # load our prompt as a ComfyUI API prompt and press Run
    page.evaluate("p => window.app.loadApiJson(p, 'reelgraph prompt')", PROMPT)
    page.wait_for_function("window.app.graph.nodes.length === 3")
    page.get_by_role("button", name=re.compile(r"^Run", re.IGNORECASE)).first.click()
    page.wait_for_function(
        "window.app.graph.nodes.some(n => n.type === 'test.slow' && n.progress !== undefined) || "
        "document.querySelector('[class*=running], [data-node-executing]') !== null",
        timeout=20_000,
    )
    page.screenshot(path=str(OUT / "comfyui_running.png"))
    jobs = {}
    for _ in range(200):
        jobs = _get(f"{comfy_server.url}/api/jobs?status=completed,failed")
        if jobs["jobs"]:
            break
        page.wait_for_timeout(100)
    [job] = jobs["jobs"]
    assert job["status"] == "completed" and job["outputs_count"] == 1
    # the picture in the output node
    page.wait_for_function(
        "window.app.graph.nodes.find(n => n.type === 'srv.save')?.imgs?.length > 0 || "
        "(window.app.nodeOutputs && Object.keys(window.app.nodeOutputs).length > 0)",
        timeout=20_000,
    )
    states = [json.loads(f) for f in page.frames_seen if '"progress_state"' in f]
    running = {n for m in states for n, s in m["data"]["nodes"].items() if s["state"] == "running"}
    assert {"1", "2", "3"} <= running
    assert not any('"run_started"' in f for f in page.frames_seen)  # only ComfyUI's messages
    page.screenshot(path=str(OUT / "comfyui_finished.png"))


def _tokyo_prompt() -> dict:
    """The shipped Tokyo workflow as a ComfyUI API prompt, shortened to keep the test quick."""
    from server.app.comfy import workflow_to_prompt
    from server.engine import Registry

    workflow = json.loads((REPO / "workflows" / "tokyo_walk.json").read_text())
    workflow["nodes"]["shots"]["params"]["duration"] = 3
    workflow["nodes"]["animatic"]["params"].update(width=384, height=216, fps=12)
    workflow["nodes"]["video"]["params"]["filename_prefix"] = "tokyo_comfyui"
    return workflow_to_prompt(workflow, Registry.discover())


@pytest.mark.slow
def test_the_tokyo_workflow_runs_from_the_comfyui_frontend(comfy_page, comfy_server):
    page = comfy_page
    prompt = _tokyo_prompt()
    video_node = next(k for k, v in prompt.items() if v["class_type"] == "encode.video")
    page.evaluate("p => window.app.loadApiJson(p, 'tokyo')", prompt)
    page.wait_for_function(f"window.app.graph.nodes.length === {len(prompt)}")
    page.get_by_role("button", name=re.compile(r"^Run", re.IGNORECASE)).first.click()
    page.wait_for_function(
        f"window.app.nodeOutputs?.[{video_node!r}]?.images?.some(i => i.filename.endsWith('.mp4'))",
        timeout=300_000,
    )
    [job] = _get(f"{comfy_server.url}/api/jobs?status=completed,failed")["jobs"][:1]
    assert job["status"] == "completed", job
    output = page.evaluate(f"window.app.nodeOutputs[{video_node!r}].images[0]")
    assert output["filename"].startswith("tokyo_comfyui") and output["type"] == "output"
    assert (Path(comfy_server.output_dir) / output.get("subfolder", "") / output["filename"]).stat().st_size > 10_000
    page.locator("#graph-canvas").click(position={"x": 700, "y": 600})
    page.keyboard.press(".")  # fit the whole graph in view: the output node's player is drawn when visible
    page.locator("video").first.wait_for(timeout=20_000)  # the MP4 plays inside the output node
    page.wait_for_function("(v => v.readyState >= 1 && v.duration > 2)(document.querySelector('video'))")
    page.screenshot(path=str(OUT / "comfyui_tokyo.png"))


def test_setting_and_saved_workflow_survive_a_reload(comfy_page, comfy_server):
    page = comfy_page
    page.evaluate("() => window.app.extensionManager.setting.set('Comfy.LinkRenderMode', 0)")
    page.evaluate("p => window.app.loadApiJson(p, 'kept')", PROMPT)
    page.keyboard.press("Control+s")
    dialog = page.get_by_role("dialog")
    dialog.locator("input").first.fill("kept by reelgraph")
    page.keyboard.press("Enter")
    for _ in range(100):
        if (Path(comfy_server.data_dir) / "user" / "workflows" / "kept by reelgraph.json").is_file():
            break
        page.wait_for_timeout(100)
    page.reload()
    open_app(page, comfy_server.url)
    assert page.evaluate("() => window.app.extensionManager.setting.get('Comfy.LinkRenderMode')") == 0
    page.get_by_role("button", name=re.compile("Workflows", re.IGNORECASE)).first.click()
    page.get_by_text("kept by reelgraph").first.wait_for(timeout=15_000)
    page.screenshot(path=str(OUT / "comfyui_workflows_after_reload.png"))


def _subfolder(path: Path, root: Path) -> str:
    relative = path.parent.relative_to(root).as_posix()
    return "" if relative == "." else relative


def test_a_dropped_reelgraph_video_restores_the_graph(comfy_page, comfy_server):
    """Our MP4 carries ComfyUI's ``prompt`` (and ``workflow`` when queued from its frontend):
    handing it to the frontend's file loader (what a drop does) rebuilds the graph."""
    page = comfy_page
    prompt = {
        "1": {"class_type": "webtest.frames", "inputs": {"count": 6}},
        "2": {"class_type": "encode.video", "inputs": {"frames": ["1", 0], "filename_prefix": "dropped"}},
    }
    page.evaluate("p => window.app.loadApiJson(p, 'to drop')", prompt)
    page.wait_for_function("window.app.graph.nodes.length === 2")
    page.get_by_role("button", name=re.compile(r"^Run", re.IGNORECASE)).first.click()
    videos: list[Path] = []
    for _ in range(300):
        videos = sorted(Path(comfy_server.output_dir).rglob("dropped*.mp4"))
        if videos:
            break
        page.wait_for_timeout(100)
    assert videos, "the run wrote no video"
    page.evaluate("() => window.app.graph.clear()")
    page.evaluate(
        """async url => {
            const blob = await (await fetch(url)).blob();
            await window.app.handleFile(new File([blob], 'dropped.mp4', {type: 'video/mp4'}));
        }""",
        f"/api/view?filename={videos[0].name}&type=output&subfolder={_subfolder(videos[0], comfy_server.output_dir)}",
    )
    page.wait_for_function("window.app.graph.nodes.length === 2", timeout=15_000)
    types = page.evaluate("() => window.app.graph.nodes.map(n => n.type).sort()")
    assert types == ["encode.video", "webtest.frames"]
    page.screenshot(path=str(OUT / "comfyui_dropped_video.png"))
