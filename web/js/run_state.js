// Run events from the WebSocket → per-node state on the canvas.
//
// The server sends this client the events of the runs it queued, as `{type, data}` with
// `data = {run_id, node, time, ...event data}`. Each event becomes one plain state per node
// (queued, running with progress, cached, done with its time, error with the message,
// skipped), drawn by the canvas; outputs go to the previews module. A binary preview frame
// belongs to the node whose last progress event said `preview: true`.

import { formatSeconds } from "./canvas_draw.js";

export class RunState extends EventTarget {
  constructor(surface, previews) {
    super();
    this.surface = surface;
    this.previews = previews;
    this.current = null;
    this.previewNode = null;
    this.nodes = new Map();
    this.failures = new Map(); // run id → [{node, input, text}], for the toast and the queue panel
  }

  /** What went wrong in run `runId`, one entry per failed node, in the order they failed. */
  failuresOf(runId) {
    return this.failures.get(runId) ?? [];
  }

  /** Handle one JSON event; returns true when it was a run event. */
  handle({ type, data }) {
    const handler = HANDLERS[type];
    if (!handler || !data) return false;
    handler.call(this, data, data.node);
    this.dispatchEvent(new CustomEvent("run-event", { detail: { type, data } }));
    return true;
  }

  handlePreview({ blob }) {
    if (this.previewNode) this.previews.showStep(this.previewNode, blob, this.nodes.get(this.previewNode));
  }

  set(node, state) {
    if (!node) return;
    this.nodes.set(node, state);
    const outer = this.surface.outerOf(node);
    if (outer) this.surface.setState(outer, this.#aggregate(outer));
    else this.surface.setState(node, state);
  }

  /** A subgraph node's state from its inner nodes' ("group:prompt", …). */
  #aggregate(outer) {
    const inner = [...this.nodes].filter(([id, s]) => s && id.startsWith(`${outer}:`)).map(([, s]) => s);
    if (!inner.length) return null;
    const failed = inner.find((s) => s.status === "error");
    if (failed) return { status: "error", message: failed.message };
    const settled = inner.filter((s) => ["done", "cached", "skipped"].includes(s.status)).length;
    if (settled < inner.length) {
      const started = inner.some((s) => s.status !== "queued");
      return started ? { status: "running", progress: settled / inner.length } : { status: "queued" };
    }
    if (inner.every((s) => s.status === "cached")) return { status: "cached" };
    if (inner.some((s) => s.status === "skipped")) return { status: "skipped", message: inner.find((s) => s.message)?.message };
    return { status: "done", seconds: inner.reduce((t, s) => t + (s.seconds ?? 0), 0) };
  }

  /** Forget the drawn states (a new workflow was opened). */
  reset() {
    this.nodes.clear();
    this.surface.clearStates();
  }
}

const HANDLERS = {
  run_started(data) {
    this.current = data.run_id;
    this.reset();
    this.surface.clearErrors();
    for (const id of data.nodes ?? []) this.set(id, { status: "queued" });
  },

  node_started(data, node) {
    this.set(node, { status: "running", progress: null });
  },

  node_progress(data, node) {
    const progress = data.total > 0 ? data.done / data.total : null;
    this.set(node, { status: "running", progress, done: data.done, total: data.total });
    if (data.preview) this.previewNode = node;
  },

  node_cached(data, node) {
    this.set(node, { status: "cached" });
    this.previews.showOutputs(node, data.outputs ?? {}, data.files ?? [], data.run_id, true);
  },

  node_finished(data, node) {
    this.set(node, { status: "done", seconds: data.seconds });
    this.previews.showOutputs(node, data.outputs ?? {}, data.files ?? [], data.run_id);
  },

  node_failed(data, node) {
    const error = data.error ?? {};
    const text = `${error.type && error.type !== "InvalidValue" ? `${error.type}: ` : ""}${error.message ?? "failed"}`;
    if (!this.failures.has(data.run_id)) this.failures.set(data.run_id, []);
    this.failures.get(data.run_id).push({ node, input: data.input ?? null, text });
    if (data.input) {
      // A bad input value: the message goes next to the input, not twice.
      this.set(node, { status: "error" });
      this.surface.setErrors(node, [{ name: data.input, message: error.message ?? "bad value" }]);
    } else {
      this.set(node, { status: "error", message: `${error.type ? `${error.type}: ` : ""}${error.message ?? "failed"}` });
    }
  },

  node_skipped(data, node) {
    this.set(node, { status: "skipped", message: data.reason ? `skipped: ${data.reason}` : undefined });
  },

  run_finished(data) {
    for (const [node, state] of this.nodes) {
      if (state.status === "queued" || state.status === "running") this.set(node, null);
    }
    for (const p of data.errors ?? []) {
      if (p.node) this.surface.setErrors(p.node, [{ name: p.name, message: p.message }]);
    }
    this.previewNode = null;
    if (this.current === data.run_id) this.current = null;
  },
};

/** What a finished run says in its toast: the outcome and, when nodes failed, the first full error. */
export function describeFinish(data, failures = []) {
  const took = data.seconds != null ? ` in ${formatSeconds(data.seconds)}` : "";
  const first = failures[0];
  const more = failures.length > 1 ? `\n(and ${failures.length - 1} more failed node(s); see the queue or the inspector)` : "";
  const why = first ? `\n${first.node}${first.input ? `.${first.input}` : ""}: ${first.text}${more}` : "";
  switch (data.status) {
    case "succeeded":
      return { level: "success", message: `Run finished${took}.` };
    case "partial":
      return { level: "warning", message: `Run finished with failures${took}: independent branches completed.${why}` };
    case "cancelled":
      return { level: "info", message: "Run cancelled; finished nodes stay cached." };
    default:
      return { level: "error", message: `Run failed${took}${data.error?.message ? `: ${data.error.message}` : "."}${why}` };
  }
}
