"""Run progress for people at a terminal: live per-node bars, then a table of timings.

Fed by engine events only. On a terminal it draws live bars; elsewhere (CI, pipes) it
prints one line per finished node, so logs stay readable.
"""

from __future__ import annotations

import threading
from typing import Self

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from server.engine import Event, RunResult, Workflow
from server.engine.status import Status

MARKS = {
    Status.SUCCEEDED: "[green]✓[/]",
    Status.CACHED: "[cyan]↺[/]",
    Status.FAILED: "[red]✗[/]",
    Status.SKIPPED: "[yellow]–[/]",
    Status.CANCELLED: "[yellow]⊘[/]",
    Status.PENDING: " ",
}


class ConsoleProgress:
    """Rich bars on a terminal, plain lines elsewhere: what the run reporter and the batch bar
    share. Subclasses build ``self.progress`` from the columns they show."""

    progress: Progress

    def __init__(self, enabled: bool, console: Console | None) -> None:
        self.enabled = enabled
        self.console = console or Console(stderr=True, highlight=False)
        self.live = enabled and self.console.is_terminal
        self.lock = threading.Lock()

    def bar(self, *columns: ProgressColumn | str, transient: bool = False) -> Progress:
        return Progress(*columns, console=self.console, transient=transient, disable=not self.live)

    def __enter__(self) -> Self:
        if self.live:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.progress.stop()

    def note(self, text: str) -> None:
        if self.enabled:
            self.console.print(text)


class Reporter(ConsoleProgress):
    def __init__(self, enabled: bool = True, console: Console | None = None) -> None:
        super().__init__(enabled, console)
        self.progress = self.bar(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            transient=True,
        )
        self.tasks: dict[str | None, TaskID] = {}  # by node id

    def on_event(self, event: Event) -> None:
        if not self.enabled:
            return
        with self.lock:
            handler = getattr(self, f"_on_{event.type}", None)
            if handler:
                handler(event)

    def _on_node_started(self, event: Event) -> None:
        if self.live:
            self.tasks[event.node] = self.progress.add_task(f"{event.node} [dim]{event.data['type']}[/]", total=None)

    def _on_node_progress(self, event: Event) -> None:
        task = self.tasks.get(event.node)
        if task is not None:
            self.progress.update(task, completed=event.data["done"], total=event.data["total"] or None)

    def _on_node_finished(self, event: Event) -> None:
        self._done(
            event, f"{MARKS[Status.SUCCEEDED]} {event.node} [dim]{event.data['type']}[/] {event.data['seconds']:.2f}s"
        )

    def _on_node_cached(self, event: Event) -> None:
        self._done(event, f"{MARKS[Status.CACHED]} {event.node} [dim]{event.data['type']}[/] cached")

    def _on_node_failed(self, event: Event) -> None:
        where = f".{event.data['input']}" if event.data.get("input") else ""
        self._done(event, f"{MARKS[Status.FAILED]} {event.node}{where}: {event.data['error']['message']}")

    def _done(self, event: Event, line: str) -> None:
        task = self.tasks.pop(event.node, None)
        if task is not None:
            self.progress.remove_task(task)
        self.console.print(line)

    def summary(self, result: RunResult, workflow: Workflow) -> None:
        if not self.enabled:
            return
        table = Table(title=f"run {result.status} in {result.seconds:.2f}s", title_justify="left")
        for column in ("node", "type", "status", "seconds", "cached"):
            table.add_column(column, justify="right" if column == "seconds" else "left")
        for node_id, r in result.nodes.items():
            node_type = workflow.nodes[node_id].type
            seconds = f"{r.seconds:.2f}" if r.status is Status.SUCCEEDED else ""
            table.add_row(
                node_id, node_type, f"{MARKS.get(r.status, '')} {r.status}", seconds, "yes" if r.cached else ""
            )
        self.console.print(table)
        for node_id, r in result.nodes.items():
            if r.error:
                self.console.print(f"[red]{node_id}[/] ({workflow.nodes[node_id].type}) failed: {r.error['message']}")
        for node_id, values in result.values.items():
            for value in values.values():
                path = getattr(value, "path", None)
                if path is not None and node_id in result.targets:
                    self.console.print(f"[bold]wrote[/] {path}")
