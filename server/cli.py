"""The command line: ``run``, ``batch``, ``validate``, ``nodes`` and ``serve``.

Exit codes: 0 success; 1 a run failed, was partial or was cancelled; 2 invalid input.
User errors print a clear message and no traceback (``--debug`` shows one). Progress and
tables go to stderr, so ``--print`` output on stdout stays clean JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Self

from server.engine import Engine, Problem, Registry, RunResult, Workflow, WorkflowInvalid, describe, jsondoc, partials
from server.progress import Reporter

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class UsageError(Exception):
    """A bad command-line value; reported as one line, exit 2."""


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except WorkflowInvalid as exc:
        print_problems(None, exc.problems)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        if getattr(args, "debug", False):
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (run again with --debug for a traceback)", file=sys.stderr)
        return EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python main.py", description="Reelgraph: text-to-video node pipelines.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a workflow headless")
    run.add_argument("workflow", help="workflow JSON file")
    run.add_argument("-o", "--output-dir", default="output", help="where output files go (default: ./output)")
    run.add_argument(
        "--input-dir",
        dest="input_dirs",
        action="append",
        metavar="DIR",
        help="a folder media-loading nodes may read from, relative names resolved inside it "
        "(repeatable; default: the current folder)",
    )
    run.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NODE.PARAM=VALUE",
        help="override a parameter (VALUE is JSON, or a plain string)",
    )
    run.add_argument(
        "--only", action="append", default=[], metavar="NODE", help="run only this node and what it needs (repeatable)"
    )
    run.add_argument(
        "--bypass",
        action="append",
        default=[],
        metavar="NODE",
        help="run without this node: each output passes its first input of the same type through (repeatable)",
    )
    run.add_argument(
        "--mute",
        action="append",
        default=[],
        metavar="NODE",
        help="do not run this node, nor what needs its outputs (repeatable)",
    )
    run.add_argument(
        "--print",
        dest="prints",
        action="append",
        default=[],
        metavar="NODE[.OUTPUT]",
        help="write this node's output(s) as JSON to stdout (repeatable)",
    )
    run.add_argument(
        "--cache-dir",
        default=str(default_cache_dir()),
        help="where expensive results (diffusion keyframes, video, sound) persist across runs (default: %(default)s)",
    )
    run.add_argument("--no-disk-cache", action="store_true", help="keep results in memory only")
    add_gpu_memory_option(run)
    run.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    run.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks for errors")
    run.set_defaults(handler=cmd_run)

    add_batch_parser(sub)

    validate = sub.add_parser("validate", help="check workflow files; exit 2 when any is invalid")
    validate.add_argument("workflows", nargs="+", metavar="WORKFLOW")
    validate.set_defaults(handler=cmd_validate)

    nodes = sub.add_parser("nodes", help="list the node catalog")
    nodes.add_argument("--json", action="store_true", help="the full catalog as JSON")
    nodes.add_argument("--markdown", action="store_true", help="a reference of every node, as Markdown")
    nodes.set_defaults(handler=cmd_nodes)

    serve = sub.add_parser("serve", help="start the editor and API server")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8188)
    serve.add_argument("--token", default=None, help="access token (generated when binding beyond loopback)")
    serve.add_argument("--data-dir", default="data", help="queue, history, workflow library, uploads")
    serve.add_argument("-o", "--output-dir", default="output")
    serve.add_argument(
        "--frontend",
        choices=("reelgraph", "comfyui"),
        default="reelgraph",
        help="the editor at / (default: reelgraph); 'comfyui' serves the official ComfyUI frontend there"
        " and moves ours to /reelgraph/",
    )
    serve.add_argument(
        "--ray-address",
        default=None,
        metavar="ADDRESS",
        help="run queued workflows on a Ray cluster (auto, HOST:PORT or ray://HOST:PORT) instead of in this process",
    )
    add_gpu_memory_option(serve)
    serve.set_defaults(handler=cmd_serve)
    return parser


# -- run -------------------------------------------------------------------------------
def add_gpu_memory_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gpu-memory",
        type=float,
        default=None,
        metavar="GIB",
        help="GPU memory models may keep resident (default: 85%% of the card); bigger models are offloaded "
        "to RAM between uses (also $REELGRAPH_GPU_MEMORY)",
    )


def apply_gpu_memory(args: argparse.Namespace) -> None:
    """Hand ``--gpu-memory`` to the process-wide model manager (built on first use) through its
    environment setting, checked here so that a bad value is a usage error, not a failed node."""
    from server.models.manager import GPU_MEMORY_ENV, gpu_budget_from_env

    if args.gpu_memory is not None:
        os.environ[GPU_MEMORY_ENV] = str(args.gpu_memory)
    try:
        gpu_budget_from_env()
    except ValueError as exc:
        message = str(exc) if args.gpu_memory is None else str(exc).replace(f"${GPU_MEMORY_ENV}", "--gpu-memory")
        raise UsageError(message) from None


def cmd_run(args: argparse.Namespace) -> int:
    apply_gpu_memory(args)
    registry = discover_registry()
    workflow = Workflow.load(args.workflow)
    apply_overrides(workflow, args.overrides)
    apply_mode_options(workflow, bypass=args.bypass, mute=args.mute)
    prints = [parse_print_spec(workflow, spec) for spec in args.prints]
    targets = choose_targets(workflow, registry, args.only, [node for node, _ in prints])
    disk_cache = None if args.no_disk_cache else Path(args.cache_dir)
    partials.sweep(Path(args.output_dir))  # what a killed run left half-written
    engine = Engine(
        registry,
        output_dir=Path(args.output_dir),
        input_dirs=[Path(d) for d in args.input_dirs or ["."]],
        models=_model_manager(),
        disk_cache=disk_cache,
    )
    reporter = Reporter(enabled=not args.quiet)
    result = run_cancellable(engine, workflow, targets, reporter)
    reporter.summary(result, workflow)
    if result.status == "cancelled" and args.quiet:
        print("cancelled", file=sys.stderr)
    if prints:
        emit_prints(result, prints)
    engine.close()
    return EXIT_OK if result.status == "succeeded" else EXIT_FAILED


def run_cancellable(engine: Engine, workflow: Workflow, targets: list[str] | None, reporter: Reporter) -> RunResult:
    """Run on a worker thread; Ctrl-C or SIGTERM cancels it cooperatively instead of killing mid-write.

    The signal handler only sets the cancel flag (a ``KeyboardInterrupt`` raised inside
    ``Thread.join`` can leave CPython believing a live thread has stopped), and the main thread
    waits for the run to wind down: the running node stops at its next progress point, its
    partial files are removed, and the summary is printed. A third signal forces an exit, after
    removing this process's partial files.
    """
    cancel, finished = threading.Event(), threading.Event()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            from server.app.comfy import workflow_to_prompt  # the server package: only when running

            embed = {"prompt": workflow_to_prompt(workflow.to_json(), engine.registry)}  # for ComfyUI's frontend
            box["result"] = engine.run(
                workflow, targets=targets, on_event=reporter.on_event, cancel=cancel, embed=embed
            )
        except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread
            box["error"] = exc
        finally:
            finished.set()

    signals = _Signals(cancel)
    thread = threading.Thread(target=work, name="reelgraph-run")
    with reporter, signals:
        thread.start()
        told = 0
        while not finished.wait(0.1):
            if signals.count > told:
                told = signals.count
                reporter.note(
                    "cancelling… (completed nodes stay cached; press Ctrl-C twice more to force quit)"
                    if told == 1
                    else "still cancelling: waiting for the running node to stop (once more forces quit)"
                )
        thread.join()
        if signals.count > told:
            reporter.note("cancelled")
    if "error" in box:
        raise box["error"]
    return box["result"]


class _Signals:
    """SIGINT and SIGTERM set the cancel flag while a run is in progress; the third one exits now."""

    FORCE_AFTER = 3

    def __init__(self, cancel: threading.Event) -> None:
        self.cancel = cancel
        self.count = 0
        self._previous: dict[int, Any] = {}

    def __call__(self, signum: int, frame: Any) -> None:
        self.count += 1
        self.cancel.set()
        if self.count >= self.FORCE_AFTER:
            partials.remove_live()
            os.write(2, b"\nforced quit: partial files removed\n")
            os._exit(130)

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                if signal.getsignal(sig) is not signal.SIG_IGN:  # nohup / background jobs keep ignoring
                    self._previous[sig] = signal.signal(sig, self)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def apply_overrides(workflow: Workflow, overrides: list[str]) -> None:
    for item in overrides:
        key, sep, raw = item.partition("=")
        node_id, dot, param = key.rpartition(".")
        if not sep or not dot or not node_id or not param:
            raise UsageError(f"--set {item!r}: expected NODE.PARAM=VALUE, e.g. --set prompt.text='a red fox'")
        if node_id not in workflow.nodes:
            raise UsageError(f"--set {item!r}: no node {node_id!r}; nodes: {', '.join(workflow.nodes)}")
        try:
            json.loads(raw)
        except json.JSONDecodeError:
            value: Any = raw  # not JSON at all: a plain string
        else:
            try:
                value = jsondoc.parse(raw)
            except jsondoc.JSONRejected as exc:
                raise UsageError(f"--set {item!r}: {exc}") from None
        workflow.nodes[node_id].params[param] = value


def apply_mode_options(workflow: Workflow, *, bypass: list[str], mute: list[str]) -> None:
    """--bypass / --mute set the node's mode as the editor's Ctrl+B / Ctrl+M would (the file is not changed)."""
    for option, mode, nodes in (("--bypass", "bypass", bypass), ("--mute", "mute", mute)):
        for node_id in nodes:
            if node_id not in workflow.nodes:
                raise UsageError(f"{option} {node_id!r}: no node {node_id!r}; nodes: {', '.join(workflow.nodes)}")
            workflow.nodes[node_id].extra["mode"] = mode


def parse_print_spec(workflow: Workflow, spec: str) -> tuple[str, str | None]:
    if spec in workflow.nodes:
        return spec, None
    node_id, _, output = spec.rpartition(".")
    if node_id in workflow.nodes:
        return node_id, output
    raise UsageError(f"--print {spec!r}: no node {spec!r}; nodes: {', '.join(workflow.nodes)}")


def choose_targets(workflow: Workflow, registry: Registry, only: list[str], printed: list[str]) -> list[str] | None:
    """--only wins; --print adds the printed nodes to the workflow's output nodes."""
    if only:
        return list(dict.fromkeys([*only, *printed]))
    if not printed:
        return None
    outputs = [n for n, node in workflow.nodes.items() if (d := registry.get(node.type)) and d.output]
    return list(dict.fromkeys([*outputs, *printed]))


def emit_prints(result: RunResult, prints: list[tuple[str, str | None]]) -> None:
    documents: dict[str, Any] = {}
    for node_id, output in prints:
        values = result.values.get(node_id)
        if values is None:
            documents[node_id] = {"status": result.nodes[node_id].status if node_id in result.nodes else "not run"}
        elif output is None:
            documents[node_id] = {name: describe(v, full=True) for name, v in values.items()}
        elif output not in values:
            raise UsageError(f"--print {node_id}.{output}: outputs are {', '.join(values)}")
        else:
            documents[f"{node_id}.{output}"] = describe(values[output], full=True)
    body = next(iter(documents.values())) if len(documents) == 1 else documents
    json.dump(body, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


# -- batch -----------------------------------------------------------------------------
def add_batch_parser(sub: Any) -> None:
    batch = sub.add_parser(
        "batch", help="render many variants of a workflow (prompts × seeds × parameters), locally or on Ray"
    )
    batch.add_argument("workflow", help="workflow JSON file")
    batch.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="NODE.PARAM=V1,V2",
        help="values to try for a parameter (repeatable; every combination unless --zip)",
    )
    batch.add_argument("--zip", action="store_true", help="pair the n-th values of each option instead of combining")
    batch.add_argument("--prompts", metavar="FILE", help="a text file of prompts, one per line")
    batch.add_argument(
        "--prompt-node", metavar="NODE", help="the node whose text --prompts sets (default: the only text.prompt)"
    )
    batch.add_argument("--seeds", metavar="SPEC", help="seeds such as 1-8 or 1,5,9, set on every node with a seed")
    batch.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="NODE.PARAM=VALUE", help="as for run"
    )
    batch.add_argument("-o", "--output-dir", default="renders", help="one folder per variant (default: ./renders)")
    batch.add_argument(
        "--executor", choices=("local", "ray"), default="local", help="where variants run (default: local)"
    )
    batch.add_argument(
        "--ray-address",
        default=None,
        metavar="ADDRESS",
        help="an existing Ray cluster: auto, HOST:PORT or ray://HOST:PORT (default: start one on this machine)",
    )
    batch.add_argument(
        "--workers", type=int, default=None, help="variants at once (default: the cores, or the cluster)"
    )
    batch.add_argument("--retries", type=int, default=0, metavar="N", help="run a failed variant up to N more times")
    batch.add_argument(
        "--input-dir",
        dest="input_dirs",
        action="append",
        metavar="DIR",
        help="as for run (default: the current folder)",
    )
    batch.add_argument(
        "--cache-dir",
        default=str(default_cache_dir()),
        help="persisted results, shareable by many workers (NFS, a mounted bucket) (default: %(default)s)",
    )
    batch.add_argument("--no-disk-cache", action="store_true", help="keep results in memory only")
    batch.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    batch.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks for errors")
    batch.set_defaults(handler=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    """Expand, connect (an unreachable cluster is exit 2 before anything runs), run, report."""
    from server.batch import BatchSpec, VariantError, run_batch
    from server.batch.progress import BatchProgress
    from server.batch.variants import expand, parse_seeds, parse_vary, read_prompts

    if args.retries < 0 or (args.workers is not None and args.workers < 1):
        raise UsageError("--retries must be 0 or more and --workers 1 or more")
    if args.ray_address and args.executor != "ray":
        raise UsageError("--ray-address needs --executor ray")
    registry = discover_registry()
    workflow = Workflow.load(args.workflow)
    apply_overrides(workflow, args.overrides)
    try:
        dimensions = [parse_vary(spec, workflow) for spec in args.vary]
        if args.prompts:
            dimensions.append(read_prompts(args.prompts, workflow, registry, args.prompt_node))
        if args.seeds:
            dimensions.append(parse_seeds(args.seeds, workflow, registry))
        variants = expand(workflow, registry, dimensions, zipped=args.zip)
    except VariantError as exc:
        raise UsageError(str(exc)) from None
    gpu = any((d := registry.get(n.type)) is not None and d.resource == "gpu" for n in workflow.nodes.values())
    executor, leave = _batch_executor(args, gpu)
    spec = BatchSpec(
        title=workflow.title or Path(args.workflow).stem,
        variants=variants,
        out_root=Path(args.output_dir),
        retries=args.retries,
        cache_dir=None if args.no_disk_cache else Path(args.cache_dir),
        input_dirs=tuple(Path(d) for d in args.input_dirs or ["."]),
        extra_nodes=tuple(m.strip() for m in os.environ.get("REELGRAPH_EXTRA_NODES", "").split(",") if m.strip()),
    )
    where = f"ray ({'GPU actors' if gpu else 'CPU tasks'})" if args.executor == "ray" else "local processes"
    progress = BatchProgress(len(variants), enabled=not args.quiet)
    progress.note(f"{len(variants)} variant(s) of {args.workflow} on {where}, {executor.slots} at a time")
    try:
        with progress, _TermAsInterrupt():
            outcome = run_batch(spec, executor, registry, progress)
    finally:
        if leave is not None:
            leave()
    counts = ", ".join(f"{n} {s}" for s, n in sorted(outcome.counts.items()))
    print(
        f"batch {'cancelled' if outcome.cancelled else 'finished'} in {outcome.seconds:.1f}s: {counts}", file=sys.stderr
    )
    print(f"results: {Path(args.output_dir) / 'results.jsonl'}", file=sys.stderr)
    print(f"contact sheet: {outcome.index}", file=sys.stderr)
    statuses = {r["status"] for r in outcome.records}
    if statuses == {"invalid"}:
        return EXIT_INVALID
    return EXIT_OK if statuses <= {"succeeded"} and not outcome.cancelled else EXIT_FAILED


class _TermAsInterrupt:
    """SIGTERM cancels a batch as Ctrl-C does (the runner cancels its variants and cleans up)."""

    def __enter__(self) -> Self:
        self._previous = None
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self._raise)
        return self

    @staticmethod
    def _raise(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)


def _batch_executor(args: argparse.Namespace, gpu: bool) -> tuple[Any, Any]:
    """The executor, and what to call when the batch is over (leave the Ray cluster)."""
    if args.executor == "local":
        from server.batch.executors import LocalExecutor

        return LocalExecutor(args.workers), None
    from server.batch.cluster import ClusterUnreachable, connect, disconnect
    from server.batch.executors import RayExecutor

    try:
        connected = connect(args.ray_address)
    except ClusterUnreachable as exc:
        raise UsageError(str(exc)) from None
    leave = disconnect if connected else None  # a caller that was connected already stays so
    try:
        return RayExecutor(gpu=gpu, limit=args.workers), leave
    except RuntimeError as exc:
        if leave:
            leave()
        raise UsageError(str(exc)) from None


# -- validate, nodes, serve --------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    registry = discover_registry()
    engine = Engine(registry, cpu_workers=0)
    bad = 0
    several = len(args.workflows) > 1
    for path in args.workflows:
        if is_json_schema(path):
            print(f"{path}: a JSON Schema, not a workflow (skipped)")
            continue
        try:
            problems = engine.validate(Workflow.load(path))
        except WorkflowInvalid as exc:
            problems = exc.problems
        if problems:
            bad += 1
            print_problems(path if several else None, problems)
        else:
            print(f"{path}: ok")
    return EXIT_INVALID if bad else EXIT_OK


def is_json_schema(path: str) -> bool:
    """``workflows/`` also holds the workflow JSON Schema, so that ``validate workflows/*.json`` works."""
    try:
        doc = jsondoc.read_file(path)
    except jsondoc.JSONRejected:
        return False
    return isinstance(doc, dict) and "$schema" in doc and "format" not in doc


def cmd_nodes(args: argparse.Namespace) -> int:
    registry = discover_registry()
    if args.json:
        json.dump(registry.catalog(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if args.markdown:
        sys.stdout.write(catalog_markdown(registry))
        return EXIT_OK
    category = None
    for d in registry.all():
        if d.category != category:
            category = d.category
            print(f"\n{category}")
        ins = ", ".join(f"{n}:{i.type}" for n, i in d.inputs.items()) or "-"
        outs = ", ".join(f"{n}:{o.type}" for n, o in d.outputs.items()) or "-"
        summary = d.description.split("\n")[0]
        print(f"  {d.id:<22} {d.version:<7} ({ins}) → ({outs})  {summary}")
    return EXIT_OK


def catalog_markdown(registry: Registry) -> str:
    """The node reference, derived from the contracts alone."""
    lines = ["# Reelgraph nodes", ""]
    category = None
    for d in registry.all():
        if d.category != category:
            category = d.category
            lines += [f"## {category}", ""]
        flags = [f for f, on in (("output", d.output), ("GPU", d.resource == "gpu"), ("persisted", d.persist)) if on]
        lines += [
            f"### `{d.id}` — {d.title} ({d.version}{', ' + ', '.join(flags) if flags else ''})",
            "",
            d.description,
            "",
        ]
        rows = [
            f"| input `{n}` | {i.type}{' (optional)' if i.optional else ''} | {i.description} |"
            for n, i in d.inputs.items()
        ]
        rows += [f"| output `{n}` | {o.type} | {o.description} |" for n, o in d.outputs.items()]
        for name, prop in d.param_schema.get("properties", {}).items():
            rows.append(f"| param `{name}` | {_param_kind(prop)} | {prop.get('description', '')} |")
        if rows:
            lines += ["| socket / parameter | type | description |", "| --- | --- | --- |", *rows, ""]
    return "\n".join(lines)


def _param_kind(prop: dict) -> str:
    parts = [str(prop.get("type", "value"))]
    if "enum" in prop:
        parts = ["one of " + ", ".join(f"`{v}`" for v in prop["enum"])]
    if "minimum" in prop or "maximum" in prop:
        parts.append(f"{prop.get('minimum', '…')}–{prop.get('maximum', '…')}")
    parts.append(f"default `{json.dumps(prop.get('default'))}`")
    return ", ".join(parts)


def cmd_serve(args: argparse.Namespace) -> int:
    apply_gpu_memory(args)
    try:
        from server.app import Config, serve
    except ImportError as exc:  # pragma: no cover - only before the server package exists
        raise UsageError(f"the server is not available: {exc}") from None
    if args.ray_address:
        from server.batch.cluster import ClusterUnreachable, probe

        try:
            probe(args.ray_address)  # before the server starts listening
        except ClusterUnreachable as exc:
            raise UsageError(str(exc)) from None
    serve(
        Config(
            host=args.host,
            port=args.port,
            token=args.token,
            data_dir=Path(args.data_dir),
            output_dir=Path(args.output_dir),
            frontend=args.frontend,
            ray_address=args.ray_address,
        )
    )
    return EXIT_OK


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "reelgraph" / "results"


def discover_registry() -> Registry:
    """The nodes under nodes/, the installed node packs (entry point group ``reelgraph.nodes``)
    and the modules or folders named in $REELGRAPH_EXTRA_NODES (comma-separated). A pack that
    cannot be loaded is reported on stderr, by name, and left out."""
    extra = [m.strip() for m in os.environ.get("REELGRAPH_EXTRA_NODES", "").split(",") if m.strip()]
    registry = Registry.discover(extra_modules=extra)
    for problem in registry.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return registry


def print_problems(source: str | None, problems: list[Problem]) -> None:
    """One line per problem, ``node_id.name: code: message`` (prefixed by the file when several)."""
    for problem in problems:
        print(f"{source}: {problem}" if source else str(problem), file=sys.stderr)


def _model_manager() -> Any:
    try:
        from server.models import default_manager
    except ImportError:
        return None
    return default_manager()
