"""Server load: submit many small runs over ``POST /prompt`` while websocket clients listen.

Starts the real server (``python main.py serve``, stub nodes from the server tests) in a
subprocess, connects ``--clients`` websocket clients (each its own client id; ``--all`` of
them also subscribe to every run), submits ``--runs`` small runs spread over the client ids
with ``--concurrency`` submitters, and waits until every run is final. It then checks that
every run succeeded and that every client received every event meant for it (the full native
and ComfyUI event sequence of each of its runs, nothing from other clients' runs unless
subscribed), and prints a table:

* accepted runs/s (submission) and executed runs/s (end to end), against the engine
  executing the same workflows in-process, measured in the same run (the floor);
* ``POST /prompt`` latency p50/p99 under load, against ``GET /prompt`` latency measured on
  the idle server just before (the HTTP floor);
* event delivery lag (engine event time → client receipt) p50/p99;
* server RSS before and after.

The machine is shared and has 2 cores that the benchmark's own clients compete for: expect
noise, compare ratios.

    .venv/bin/python bench/server.py [--runs 1000] [--clients 50] [--all 2] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

EXTRA_NODES = "tests.stub_nodes"
NATIVE_SEQUENCE = [
    "run_queued",
    "run_started",
    "node_started",
    "node_progress",
    "node_finished",
    "node_started",
    "node_finished",
    "run_finished",
]
COMFY_SEQUENCE = ["execution_start", "executing", "progress", "executing", "executed", "execution_success", "executing"]
# progress_state (the frontend's per-node status) comes with every state change; how many
# depends on how the run's steps coalesce, so the sequence is checked without them.
UNCOUNTED = {"progress_state"}


def prompt(i: int) -> dict:
    """A small run: a one-step slow node (a distinct tag: never a cache hit) into an output node."""
    return {
        "1": {"class_type": "test.slow", "inputs": {"seconds": 0, "steps": 1, "tag": f"bench-{i}"}},
        "2": {"class_type": "test.sink", "inputs": {"a": ["1", 0]}},
    }


@dataclass
class Listener:
    client_id: str
    everything: bool
    native: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    comfy: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lags: list[float] = field(default_factory=list)
    messages: int = 0

    async def listen(self, session: aiohttp.ClientSession, base: str, ready: asyncio.Event) -> None:
        query = f"clientId={self.client_id}&events=all" + ("&subscribe=all" if self.everything else "")
        async with session.ws_connect(f"{base.replace('http', 'ws')}/ws?{query}", max_msg_size=0) as ws:
            ready.set()
            async for msg in ws:
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    continue
                now = time.time()
                self.messages += 1
                message = json.loads(msg.data)
                data = message["data"]
                if "run_id" in data:
                    self.native[data["run_id"]].append(message["type"])
                    if "time" in data:
                        self.lags.append(now - data["time"])
                elif "prompt_id" in data and message["type"] not in UNCOUNTED:
                    self.comfy[data["prompt_id"]].append(message["type"])

    def check(self, expected: set[str]) -> list[str]:
        """What this client missed or got that was not meant for it."""
        problems = []
        for run_id in expected:
            if self.native.get(run_id) != NATIVE_SEQUENCE:
                problems.append(f"{self.client_id}: native events of {run_id}: {self.native.get(run_id)}")
            if self.comfy.get(run_id) != COMFY_SEQUENCE:
                problems.append(f"{self.client_id}: ComfyUI events of {run_id}: {self.comfy.get(run_id)}")
        stray = (set(self.native) | set(self.comfy)) - expected
        if stray:
            problems.append(f"{self.client_id}: received events of {len(stray)} runs not meant for it")
        return problems


class Server:
    def __init__(self, folder: Path) -> None:
        env = {**os.environ, "REELGRAPH_EXTRA_NODES": EXTRA_NODES, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "main.py",
                "serve",
                "--port",
                "0",
                "--data-dir",
                str(folder / "data"),
                "-o",
                str(folder / "out"),
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        line = ""
        while "listening on" not in line:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"the server did not start (exit {self.proc.poll()})")
        self.base = re.search(r"(http://\S+?)/", line).group(1)

    def rss(self) -> int:
        return psutil.Process(self.proc.pid).memory_info().rss

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


async def http_floor(session: aiohttp.ClientSession, base: str, count: int = 300) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        async with session.get(f"{base}/prompt") as resp:
            await resp.read()
        times.append(time.perf_counter() - start)
    return times


async def submit_all(
    session: aiohttp.ClientSession, base: str, runs: int, clients: int, concurrency: int
) -> tuple[dict[str, str], list[float], float]:
    owner: dict[str, str] = {}
    latencies: list[float] = []
    next_index = iter(range(runs))

    async def submitter() -> None:
        for i in next_index:
            client_id = f"c{i % clients}"
            start = time.perf_counter()
            async with session.post(f"{base}/prompt", json={"prompt": prompt(i), "client_id": client_id}) as resp:
                body = await resp.json()
            latencies.append(time.perf_counter() - start)
            if resp.status != 200:
                raise SystemExit(f"run {i} was refused: {body}")
            owner[body["prompt_id"]] = client_id

    start = time.perf_counter()
    await asyncio.gather(*(submitter() for _ in range(concurrency)))
    return owner, latencies, time.perf_counter() - start


async def wait_final(session: aiohttp.ClientSession, base: str, runs: int, timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        async with session.get(f"{base}/api/runs?limit=1") as resp:
            counts = (await resp.json())["counts"]
        if counts["queued"] == 0 and counts["running"] == 0 and sum(counts.values()) >= runs:
            return counts
        if time.monotonic() > deadline:
            raise SystemExit(f"runs did not finish in {timeout:.0f} s: {counts}")
        await asyncio.sleep(0.2)


def engine_floor(runs: int) -> float:
    """Runs/s of the engine executing the same workflows in-process: no HTTP, no store, no websockets."""
    from server.app.comfy import prompt_to_workflow
    from server.engine import Engine, Registry, Workflow

    registry = Registry.from_modules([EXTRA_NODES])
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(registry, output_dir=tmp, temp_dir=tmp)
        workflows = [Workflow.from_json(prompt_to_workflow(prompt(i + runs), registry)[0]) for i in range(runs)]
        start = time.perf_counter()
        for wf in workflows:
            engine.run(wf, on_event=lambda e: None)
        seconds = time.perf_counter() - start
        engine.close()
    return runs / seconds


async def bench(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp))
        try:
            return await measure(server, args)
        finally:
            server.stop()


async def measure(server: Server, args: argparse.Namespace) -> int:
    rss_idle = server.rss()
    connector = aiohttp.TCPConnector(limit=args.concurrency + args.clients + 4)
    async with aiohttp.ClientSession(connector=connector) as session:
        floor = await http_floor(session, server.base)
        listeners = [Listener(f"c{k}", k < args.all) for k in range(args.clients)]
        readies = [asyncio.Event() for _ in listeners]
        tasks = [asyncio.create_task(lst.listen(session, server.base, ready)) for lst, ready in zip(listeners, readies)]
        await asyncio.gather(*(r.wait() for r in readies))
        started = time.perf_counter()
        owner, latencies, submit_seconds = await submit_all(
            session, server.base, args.runs, args.clients, args.concurrency
        )
        counts = await wait_final(session, server.base, args.runs, args.timeout)
        total_seconds = time.perf_counter() - started
        rss_loaded = server.rss()
        await asyncio.sleep(1.0)  # let the last events arrive
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    problems = [] if counts["succeeded"] == args.runs else [f"not every run succeeded: {counts}"]
    for listener in listeners:
        expected = set(owner) if listener.everything else {r for r, c in owner.items() if c == listener.client_id}
        problems += listener.check(expected)
    lags = [lag for listener in listeners for lag in listener.lags]
    engine_rate = engine_floor(min(args.runs, 300))
    ms = 1000.0
    rows = [
        ("accepted runs/s (POST /prompt)", f"{args.runs / submit_seconds:,.0f}", ""),
        (
            "executed runs/s (end to end)",
            f"{args.runs / total_seconds:,.0f}",
            f"{engine_rate:,.0f} (engine in-process)",
        ),
        (
            "POST /prompt latency p50 (ms)",
            f"{percentile(latencies, 50) * ms:.2f}",
            f"{percentile(floor, 50) * ms:.2f} (GET /prompt, idle)",
        ),
        (
            "POST /prompt latency p99 (ms)",
            f"{percentile(latencies, 99) * ms:.2f}",
            f"{percentile(floor, 99) * ms:.2f} (GET /prompt, idle)",
        ),
        ("event delivery lag p50 (ms)", f"{percentile(lags, 50) * ms:.2f}", ""),
        ("event delivery lag p99 (ms)", f"{percentile(lags, 99) * ms:.2f}", ""),
        ("websocket messages received", f"{sum(lst.messages for lst in listeners):,}", ""),
        ("server RSS idle → loaded (MiB)", f"{rss_idle / 2**20:.0f} → {rss_loaded / 2**20:.0f}", ""),
    ]
    print(
        f"\n{args.runs} runs, {args.clients} websocket clients ({args.all} subscribed to all), "
        f"{args.concurrency} concurrent submitters, {os.cpu_count()} CPUs"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'server':>14}  baseline")
    for name, value, base in rows:
        print(f"{name:<{width}}  {value:>14}  {base}")
    if problems:
        print(f"\nFAILED: {len(problems)} problems, e.g.:\n  " + "\n  ".join(problems[:10]))
        return 1
    print(
        f"\nOK: all {args.runs} runs succeeded; every client received every event meant for it "
        "(full native and ComfyUI sequences) and none meant for others."
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--all", type=int, default=2, help="how many clients subscribe to every run")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=600)
    return asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
