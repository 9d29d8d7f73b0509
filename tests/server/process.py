"""``python main.py serve`` as a real process on a free port, for tests that kill it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class Process:
    """``python main.py serve`` on a free port, with the server tests' stub nodes loaded."""

    def __init__(self, data: Path, output: Path, extra_nodes: str = "tests.stub_nodes") -> None:
        env = {**os.environ, "REELGRAPH_EXTRA_NODES": extra_nodes, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "main.py", "serve", "--port", "0", "--data-dir", str(data), "-o", str(output)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.base = ""

    async def started(self) -> str:
        seen = []
        while True:
            line = await asyncio.wait_for(asyncio.to_thread(self.proc.stdout.readline), 30)
            seen.append(line)
            assert line, f"server exited with {self.proc.wait(10)}:\n{''.join(seen)}"
            match = re.search(r"listening on (http://\S+?)/", line)
            if match:
                self.base = match.group(1)
                return self.base

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.proc.stdout.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        if not self.proc.stdout.closed:
            self.proc.stdout.close()
