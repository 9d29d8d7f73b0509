"""Editor speed in headless Chromium: load time and panning frame rate for a big workflow.

Starts the real server on loopback, opens the editor in Debian's Chromium (playwright,
``executable_path``, software rendering), then for an empty graph (baseline), a 30-node and
a 300-node workflow built from the live catalog (nodes of every type, linked where socket
types match, laid out on a grid):

* load: ``window.reelgraph.load(workflow)`` until the next frame is drawn (build the litegraph
  nodes and widgets from the catalog, make the links, first paint);
* pan: the view moves 12 px per animation frame for 2 s, as a drag would, at zoom 1 (the
  working zoom) and zoomed out to fit everything (all 300 nodes on screen); the rate is frames
  actually drawn per second (Chromium caps it at the display's 60 Hz), and the mean time of one
  full redraw shows the headroom under that cap.

A fourth workflow has the same 300 nodes with 150 of them in 30 subgraphs (issue #15).

Targets (issue #7): 300 nodes load in < 1 s and pan at ≥ 30 fps. The machine is shared with
other work, so figures are noisy upper bounds; compare with the baseline rows.

    .venv/bin/python bench/web.py [--nodes 300] [--seconds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def start_server(root: Path) -> tuple[str, callable]:
    """The real app on a free loopback port, in a daemon thread; returns (url, stop)."""
    from aiohttp import web

    from server.app import Config, create_app

    config = Config(host="127.0.0.1", port=0, data_dir=root / "data", output_dir=root / "output")
    runner = web.AppRunner(create_app(config), access_log=None, handle_signals=False)
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def main() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
        ready.set()
        loop.run_forever()

    threading.Thread(target=main, daemon=True).start()
    ready.wait(60)

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)

    return f"http://127.0.0.1:{runner.addresses[0][1]}", stop


def big_workflow(catalog: list[dict], count: int, seed: int = 7) -> dict:
    """`count` nodes cycling through every catalog type, each input linked to a recent node
    with a matching output, on a grid of 20 columns."""
    rng = random.Random(seed)
    nodes: dict[str, dict] = {}
    links: list[list[str]] = []
    outputs_by_type: dict[str, list[tuple[str, str]]] = {}
    for i in range(count):
        contract = catalog[i % len(catalog)]
        node_id = f"n{i}"
        nodes[node_id] = {"type": contract["id"], "params": {}, "ui": {"pos": [(i % 20) * 340, (i // 20) * 420]}}
        for name, spec in contract["inputs"].items():
            candidates = outputs_by_type.get(spec["type"], [])[-12:]
            if candidates:
                source, output = rng.choice(candidates)
                links.append([source, output, node_id, name])
        for name, spec in contract["outputs"].items():
            outputs_by_type.setdefault(spec["type"], []).append((node_id, name))
    return {"format": "reelgraph.workflow", "version": 1, "title": f"{count} nodes", "nodes": nodes, "links": links}


def with_subgraphs(workflow: dict, catalog: list[dict], groups: int = 30, size: int = 5) -> dict:
    """The same workflow with `groups` blocks of `size` consecutive nodes each made into a
    subgraph (as the editor's "Convert selection to subgraph" does: links crossing the block
    become exposed inputs and outputs, every inner parameter an exposed widget)."""
    props = {c["id"]: (c.get("params") or {}).get("properties", {}) for c in catalog}
    nodes = dict(workflow["nodes"])
    links = [list(link) for link in workflow["links"]]
    subgraphs: dict[str, dict] = {}
    ids = list(nodes)
    for g in range(min(groups, len(ids) // size)):
        block = ids[g * size : (g + 1) * size]
        inside, name, outer = set(block), f"block{g}", f"g{g}"
        inner_nodes = {n: nodes.pop(n) for n in block}
        definition = {
            "title": f"Block {g}",
            "nodes": inner_nodes,
            "links": [],
            "inputs": {},
            "outputs": {},
            "params": {},
        }
        kept = []
        for a, out, b, inp in links:
            if a in inside and b in inside:
                definition["links"].append([a, out, b, inp])
            elif b in inside:
                exposed = f"{b}_{inp}"
                definition["inputs"][exposed] = [[b, inp]]
                kept.append([a, out, outer, exposed])
            elif a in inside:
                exposed = f"{a}_{out}"
                definition["outputs"][exposed] = [a, out]
                kept.append([outer, exposed, b, inp])
            else:
                kept.append([a, out, b, inp])
        links = kept
        for n, node in inner_nodes.items():
            for param in props.get(node["type"], {}):
                definition["params"][f"{n}_{param}"] = [n, param]
        subgraphs[name] = definition
        nodes[outer] = {"type": f"subgraph:{name}", "params": {}, "ui": {"pos": inner_nodes[block[0]]["ui"]["pos"]}}
    title = f"{len(workflow['nodes'])} nodes, {groups} subgraphs"
    return {**workflow, "title": title, "nodes": nodes, "links": links, "subgraphs": subgraphs}


LOAD_JS = """async (wf) => {
  const frame = () => new Promise(r => requestAnimationFrame(r));
  await frame();
  const t0 = performance.now();
  window.reelgraph.load(wf);
  await frame();
  await frame();
  return performance.now() - t0;
}"""

PAN_JS = """async ([seconds, zoom]) => {
  const s = window.reelgraph.surface;
  const c = s.canvas;
  if (zoom === 'fit') s.fitView({whole: true}); else s.setView({offset: [0, 0], scale: zoom});
  const frame = () => new Promise(r => requestAnimationFrame(r));
  await frame(); await frame();
  const draw = c.draw.bind(c);
  let draws = 0;
  c.draw = (...a) => { draws += 1; return draw(...a); };
  const t0 = performance.now();
  let dx = 12;
  while (performance.now() - t0 < seconds * 1000) {
    c.ds.offset[0] -= dx;
    if (Math.abs(c.ds.offset[0]) > 4000) dx = -dx;
    c.setDirty(true, true);
    await frame();
  }
  const elapsed = (performance.now() - t0) / 1000;
  c.draw = draw;
  const times = [];
  for (let i = 0; i < 30; i++) {
    c.ds.offset[0] -= 5;
    const t = performance.now();
    c.draw(true, true);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {fps: draws / elapsed, draw_ms: times.reduce((a, b) => a + b, 0) / times.length,
          p90_ms: times[Math.floor(times.length * 0.9)], scale: c.ds.scale};
}"""


def measure(page, workflow: dict, seconds: float) -> dict:
    load_ms = min(page.evaluate(LOAD_JS, workflow) for _ in range(3))
    near = page.evaluate(PAN_JS, [seconds, 1.0])
    far = page.evaluate(PAN_JS, [seconds, "fit"])
    return {
        "nodes": len(workflow["nodes"]),
        "links": len(workflow["links"]),
        "load_ms": load_ms,
        "near": near,
        "far": far,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url, stop = start_server(Path(tmp))
        catalog = json.load(urllib.request.urlopen(f"{url}/api/nodes"))["nodes"]
        sizes = [0, 30, args.nodes]
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(url)
            page.wait_for_function("window.reelgraph && window.reelgraph.ready")
            for size in sizes:
                rows.append(measure(page, big_workflow(catalog, size), args.seconds))
            grouped = with_subgraphs(big_workflow(catalog, args.nodes), catalog)
            rows.append(
                {**measure(page, grouped, args.seconds), "label": f"{args.nodes} nodes, 150 of them in 30 subgraphs"}
            )
            browser.close()
        stop()
    print_table(rows, args.nodes)


def print_table(rows: list[dict], target_nodes: int) -> None:
    print(f"Editor in headless Chromium ({len(rows)} workflows; 1440×900; software rendering)\n")
    print("| workflow | load | pan fps, zoom 1 | redraw, zoom 1 | pan fps, all in view | redraw, all in view |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        label = r.get("label") or ("empty (baseline)" if r["nodes"] == 0 else f"{r['nodes']} nodes, {r['links']} links")
        near, far = r["near"], r["far"]
        print(
            f"| {label} | {r['load_ms']:.0f} ms | {near['fps']:.0f} | {near['draw_ms']:.1f} ms (p90 {near['p90_ms']:.1f}) "
            f"| {far['fps']:.0f} (zoom {far['scale']:.2f}) | {far['draw_ms']:.1f} ms (p90 {far['p90_ms']:.1f}) |"
        )
    for big in rows[-2:]:
        fps = min(big["near"]["fps"], big["far"]["fps"])
        ok_load = "✓" if big["load_ms"] < 1000 else "✗"
        ok_fps = "✓" if fps >= 30 else "✗"
        print(
            f"\n{big.get('label') or f'{target_nodes} nodes'}: load {big['load_ms']:.0f} ms (target < 1000 ms {ok_load}); "
            f"slowest pan {fps:.0f} fps (target ≥ 30 {ok_fps})"
        )


if __name__ == "__main__":
    main()
