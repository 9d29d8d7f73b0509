"""``serve --ray-address``: the queue's runs execute on a Ray cluster instead of in this process.

The queue, history and websockets stay here, unchanged: the worker thread calls
:meth:`RemoteRunner.run` exactly as it calls ``Engine.run``. The run itself happens in a Ray
actor (``RunActor``) that holds an engine, the node registry and the model manager, so models
stay loaded between runs. The actor's ``run`` is a streaming generator: each engine event is
yielded as it happens and re-emitted here to the worker's listener, so clients see the same
messages as for a local run. Cancelling sets the actor's cancel flag for that run (a threaded
actor, so the call gets through while the run is busy).

Outputs are files written by the actor under the server's output folder, so the cluster's
workers must see that folder (and ``data/``) on a shared file system. Events carry JSON only:
the thumbnails of finished FRAMES and IMAGE outputs are drawn by the actor (into the server's
previews folder) and their URLs added here to the ``node_finished`` messages and the run record; the step
previews of a running node are not sent (they would cross the network ten times a second).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from server.engine import Engine, Event, NodeResult, Problem, RunResult, Workflow, WorkflowInvalid
from server.engine.state import RunState
from server.engine.status import Status

from .file_refs import file_ref

log = logging.getLogger("reelgraph.server")
_DONE = object()


class RunActor:
    """Runs workflows on a cluster worker; one run at a time, with room for ``cancel`` calls."""

    def __init__(self, extra_nodes: tuple[str, ...], output_dir: str, input_dirs: tuple[str, ...], temp_dir: str,
                 cache_dir: str | None, previews_dir: str) -> None:  # fmt: skip
        from server.batch.job import _models, registry_for

        from .thumbnails import Thumbnails

        self.thumbnails = Thumbnails(Path(previews_dir))
        self.engine = Engine(
            registry_for(extra_nodes),
            output_dir=Path(output_dir),
            input_dirs=[Path(d) for d in input_dirs],
            temp_dir=Path(temp_dir),
            models=_models(),
            disk_cache=Path(cache_dir) if cache_dir else None,
        )
        self._cancels: dict[str, threading.Event] = {}

    def run(
        self, workflow: dict[str, Any], targets: list[str] | None, run_id: str, embed: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Yields ``{"event": …}`` for every engine event, then ``{"result": …}`` or ``{"invalid": …}``."""
        cancel = self._cancels.setdefault(run_id, threading.Event())
        events: queue.Queue[Any] = queue.Queue()
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["result"] = self.engine.run(
                    Workflow.from_json(workflow),
                    targets=targets,
                    run_id=run_id,
                    on_event=lambda e: events.put(self._wire(e)),
                    cancel=cancel,
                    embed=embed,
                )
            except WorkflowInvalid as exc:
                box["invalid"] = [p.to_json() for p in exc.problems]
            except Exception as exc:  # noqa: BLE001 - re-raised on the server
                box["error"] = f"{type(exc).__name__}: {exc}"
            finally:
                events.put(_DONE)

        thread = threading.Thread(target=work, name=f"reelgraph-remote-{run_id}")
        thread.start()
        try:
            while (item := events.get()) is not _DONE:
                yield {"event": item}
            thread.join()
        finally:
            self._cancels.pop(run_id, None)
        if "result" in box:
            yield {"result": box["result"].to_json()}
        elif "invalid" in box:
            yield {"invalid": box["invalid"]}
        else:
            yield {"error": box.get("error", "the run ended without a result")}

    def _wire(self, event: Event) -> dict[str, Any]:
        """The event as JSON, with the thumbnails of a finished node's FRAMES and IMAGE outputs
        (drawn here, on the engine's scheduling thread, before consumers read the values)."""
        doc = event.to_json()
        definition = self.engine.registry.get(event.data.get("type", ""))
        values = event.data.get("values") if event.type in ("node_finished", "node_cached") else None
        if definition is None or not values:
            return doc
        thumbs = {}
        for name, value in values.items():
            output = definition.outputs.get(name)
            thumb = self.thumbnails.make(output.type, value) if output is not None else None
            if thumb is not None:
                thumbs[name] = {"path": str(thumb.path), "size": [thumb.width, thumb.height], "tiles": thumb.tiles}
        if thumbs:
            doc["data"]["thumbnails"] = thumbs
        return doc

    def cancel(self, run_id: str) -> None:
        """Also works before the run has started here: it then starts cancelled."""
        self._cancels.setdefault(run_id, threading.Event()).set()


class RemoteRunner:
    """What the worker calls instead of ``Engine.run`` when the server has a Ray address."""

    def __init__(self, address: str, *, extra_nodes: tuple[str, ...], output_dir: Path, input_dirs: tuple[Path, ...],
                 temp_dir: Path, cache_dir: Path | None, previews_dir: Path, roots: dict[str, Path]) -> None:  # fmt: skip
        import ray

        from server.batch.cluster import connect

        self._connected = connect(address)
        gpus = float(ray.cluster_resources().get("GPU", 0.0))
        actor = ray.remote(RunActor).options(
            num_cpus=1, num_gpus=1 if gpus else 0, max_concurrency=4, max_restarts=-1, max_task_retries=0
        )
        self.actor = actor.remote(
            extra_nodes,
            str(output_dir.resolve()),
            tuple(str(d.resolve()) for d in input_dirs),
            str(temp_dir.resolve()),
            str(cache_dir.resolve()) if cache_dir else None,
            str(previews_dir.resolve()),
        )
        self.address = address
        self.roots = roots

    def run(
        self,
        workflow: Workflow,
        *,
        targets: list[str] | None = None,
        run_id: str,
        on_event: Any = None,
        cancel: threading.Event | None = None,
        embed: dict[str, Any] | None = None,
    ) -> RunResult:
        import ray

        finished = threading.Event()
        watcher = threading.Thread(target=self._forward_cancel, args=(run_id, cancel, finished), daemon=True)
        watcher.start()
        last: dict[str, Any] = {}
        drawn: dict[str, dict[str, Any]] = {}  # node → its output summaries with preview keys
        try:
            for ref in self.actor.run.remote(workflow.to_json(), targets, run_id, embed or {}):  # type: ignore[attr-defined]
                item = ray.get(ref)
                if "event" in item and on_event is not None:
                    e = item["event"]
                    data = self._with_previews(e["data"])
                    outputs = data.get("outputs") or {}
                    if any(isinstance(o, dict) and "preview_url" in o for o in outputs.values()):
                        drawn[e["node"]] = data["outputs"]
                    on_event(Event(e["type"], e["run_id"], e["node"], data, e["time"]))
                else:
                    last = item
        except ray.exceptions.RayError as exc:
            raise RuntimeError(f"the run was lost on the Ray cluster: {str(exc).strip().splitlines()[0]}") from None
        finally:
            finished.set()
        if "invalid" in last:
            raise WorkflowInvalid([Problem(**p) for p in last["invalid"]])
        if "result" not in last:
            raise RuntimeError(last.get("error", "the remote run ended without a result"))
        result = _result(last["result"])
        for node, outputs in drawn.items():  # the run's record keeps the thumbnails, as for a local run
            if node in result.nodes:
                result.nodes[node].outputs = outputs
        return result

    def _with_previews(self, data: dict[str, Any]) -> dict[str, Any]:
        """``preview_url``, ``preview_size`` and ``preview_tiles`` on each output the actor drew."""
        thumbs = data.pop("thumbnails", None)
        if not thumbs or not isinstance(data.get("outputs"), dict):
            return data
        outputs = dict(data["outputs"])
        for name, thumb in thumbs.items():
            ref = file_ref(Path(thumb["path"]), self.roots)
            if ref is not None and isinstance(outputs.get(name), dict):
                keys = {"preview_url": ref["url"], "preview_size": thumb["size"], "preview_tiles": thumb["tiles"]}
                outputs[name] = {**outputs[name], **keys}
        return {**data, "outputs": outputs}

    def _forward_cancel(self, run_id: str, cancel: threading.Event | None, finished: threading.Event) -> None:
        while cancel is not None and not finished.is_set():
            if cancel.wait(0.1):
                self.actor.cancel.remote(run_id)  # type: ignore[attr-defined]
                return

    def cluster_info(self) -> dict[str, Any]:
        from server.batch.cluster import cluster_info

        return {"address": self.address, **cluster_info()}

    def close(self) -> None:
        import ray

        from server.batch.cluster import disconnect

        try:
            ray.kill(self.actor, no_restart=True)  # type: ignore[arg-type]
        except Exception:  # the cluster may be gone already
            log.warning("could not stop the remote run actor", exc_info=True)
        if self._connected:
            disconnect()


def _result(doc: dict[str, Any]) -> RunResult:
    state = RunState.settled({n: r["status"] for n, r in doc["nodes"].items()})
    nodes = {
        n: NodeResult(n, state, r.get("seconds", 0.0), r.get("cached", False), r.get("error"), r.get("outputs", {}))
        for n, r in doc["nodes"].items()
    }
    return RunResult(doc["run_id"], Status(doc["status"]), doc["seconds"], doc["targets"], nodes, {})
