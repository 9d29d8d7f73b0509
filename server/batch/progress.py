"""One progress bar for a batch: done / running / failed and an ETA, a line per failed variant.

On a terminal it is a live rich bar; elsewhere (CI, pipes) one line per finished variant.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from server.progress import ConsoleProgress


class BatchProgress(ConsoleProgress):
    def __init__(self, total: int, *, enabled: bool = True, console: Console | None = None) -> None:
        super().__init__(enabled, console)
        self.total = total
        self.done = self.failed = self.running = 0
        self.progress = self.bar(
            TextColumn("batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
        )
        self.task = self.progress.add_task(self._counts(), total=total)

    def skipped(self, count: int) -> None:
        """Variants already finished by an earlier run of this batch."""
        with self.lock:
            self.done += count
            self._refresh()
        if count:
            self.note(f"resuming: {count} variant(s) already finished")

    def set_running(self, running: int) -> None:
        with self.lock:
            self.running = running
            self._refresh()

    def finished(self, record: dict[str, Any], *, final: bool) -> None:
        """A variant ended; ``final`` is False when it will be tried again."""
        status = record.get("status")
        name = f"#{record.get('variant')} {record.get('folder')}"
        with self.lock:
            if status == "succeeded":
                self.done += 1
            elif final:
                self.failed += 1
            self._refresh()
        if status != "succeeded":
            reason = (record.get("error") or {}).get("message") or "; ".join(
                str(p.get("message", p)) for p in record.get("problems", [])
            )
            again = "" if final else " (retrying)"
            self.note(f"[red]✗[/] {name} {status}{again}: {reason}")
        elif not self.live and self.enabled:
            self.note(f"[green]✓[/] {name} {record.get('seconds', 0):.1f}s")

    def _counts(self) -> str:
        return f"done {self.done} · running {self.running} · failed {self.failed}"

    def _refresh(self) -> None:
        self.progress.update(self.task, completed=self.done + self.failed, description=self._counts())
