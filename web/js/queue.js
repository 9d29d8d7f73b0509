// The queue panel: runs waiting, running and recently finished; pause, reorder, cancel, re-run.
//
// The list is read from GET /api/runs whenever the server says the queue changed (the
// `queue` and run_* WebSocket messages), so two open editors agree. Queued runs are shown in
// queue order; moving one up or down sends the whole new order to POST /api/queue/reorder.

import { el, toast } from "./dialogs.js";
import { formatSeconds } from "./canvas_draw.js";

const SHOWN = 25;

export class QueuePanel {
  constructor(listEl, pauseBtn, clearBtn, api) {
    this.list = listEl;
    this.pauseBtn = pauseBtn;
    this.api = api;
    this.paused = false;
    this.runs = [];
    this.progress = new Map();
    this.failures = new Map(); // run id → [{node, input, text}] (null while being fetched)
    this.hiddenBefore = Number(localStorage.getItem("reelgraph.queue.hiddenBefore") ?? 0);
    this.timer = null;
    pauseBtn.addEventListener("click", () => this.togglePause());
    clearBtn.addEventListener("click", () => {
      this.hiddenBefore = Date.now() / 1000;
      localStorage.setItem("reelgraph.queue.hiddenBefore", String(this.hiddenBefore));
      this.render();
    });
  }

  /** Re-read the list soon (several messages in a burst cause one request). */
  refreshSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 120);
  }

  async refresh() {
    try {
      const { runs } = await this.api.runs();
      const queued = runs.filter((r) => r.status === "queued");
      const positions = await Promise.all(queued.map((r) => this.api.run(r.run_id).then((d) => d.position).catch(() => null)));
      queued.forEach((r, i) => (r.position = positions[i] ?? r.number));
      this.runs = runs;
      this.render();
    } catch (e) {
      this.list.replaceChildren(el("li", { class: "muted", text: `Queue unavailable: ${e.message}` }));
    }
  }

  /** The server's `queue` message: {queued, running, paused}. */
  onQueue({ paused }) {
    this.setPaused(Boolean(paused));
    this.refreshSoon();
  }

  setPaused(paused) {
    this.paused = paused;
    this.pauseBtn.textContent = paused ? "Resume" : "Pause";
    this.pauseBtn.classList.toggle("active", paused);
    this.list.classList.toggle("paused", paused);
  }

  async togglePause() {
    try {
      const { paused } = await this.api.setQueuePaused(!this.paused);
      this.setPaused(paused);
    } catch (e) {
      toast(e.message, "error");
    }
  }

  noteProgress(runId, done, total) {
    this.progress.set(runId, { done, total });
    const row = this.list.querySelector(`[data-run="${CSS.escape(runId)}"] .progress`);
    if (row) row.textContent = `${done}/${total} nodes`;
  }

  /** Errors of a finished run, shown (in full, folded) under its row. */
  noteFailures(runId, failures) {
    this.failures.set(runId, failures);
    this.render();
  }

  /** A failed run this page did not watch (queued elsewhere, or before a reload): read its errors once. */
  async #fetchFailures(runId) {
    this.failures.set(runId, null);
    try {
      const run = await this.api.run(runId);
      const failures = Object.entries(run.nodes ?? {})
        .filter(([, n]) => n?.error)
        .map(([node, n]) => ({ node, input: n.error.input ?? null, text: `${n.error.type && n.error.type !== "InvalidValue" ? `${n.error.type}: ` : ""}${n.error.message ?? "failed"}` }));
      if (!failures.length && run.result?.error?.message) failures.push({ node: "run", input: null, text: run.result.error.message });
      this.failures.set(runId, failures);
      this.render();
    } catch {
      this.failures.delete(runId);
    }
  }

  ordered() {
    const queued = this.runs.filter((r) => r.status === "queued").sort((a, b) => a.position - b.position);
    const running = this.runs.filter((r) => r.status === "running");
    const done = this.runs.filter((r) => r.status !== "queued" && r.status !== "running" && r.created >= this.hiddenBefore);
    return { queued, running, done };
  }

  render() {
    const { queued, running, done } = this.ordered();
    const rows = [...running, ...queued, ...done].slice(0, SHOWN).map((run) => this.#row(run, queued));
    if (!rows.length) rows.push(el("li", { class: "muted", text: "Nothing queued. Press ▶ Queue (Ctrl+Enter)." }));
    this.list.replaceChildren(...rows);
  }

  #row(run, queued) {
    const index = queued.indexOf(run);
    const p = this.progress.get(run.run_id);
    const detail = run.status === "running"
      ? el("span", { class: "progress", text: p ? `${p.done}/${p.total} nodes` : "starting…" })
      : el("span", { class: "progress", text: run.seconds != null ? formatSeconds(run.seconds) : run.status === "queued" ? `#${index + 1} in line` : "" });
    const actions = el("span", { class: "actions" });
    const button = (text, title, fn, cls = "") =>
      actions.append(el("button", { class: `small icon ${cls}`, text, title, onclick: async () => {
        try {
          await fn();
        } catch (e) {
          toast(e.message, "error");
        }
        this.refreshSoon();
      } }));
    if (run.status === "queued") {
      if (index > 0) button("↑", "Run earlier", () => this.#move(queued, index, index - 1));
      if (index < queued.length - 1) button("↓", "Run later", () => this.#move(queued, index, index + 1));
    }
    if (run.status === "queued" || run.status === "running") button("✕", "Cancel", () => this.api.cancelRun(run.run_id), "danger");
    else button("↻", "Queue again", () => this.api.requeueRun(run.run_id));
    return el("li", { class: `queue-run status-${run.status}`, "data-run": run.run_id },
      el("span", { class: "status-dot", title: run.status }),
      el("span", { class: "name" }, el("span", { class: "number", text: `#${run.number}` }), ` ${run.title || "Untitled"}`),
      el("span", { class: "chip", text: run.status }),
      detail,
      actions,
      this.#errors(run));
  }

  /** For a failed or partial run: the first error on one line, all of them in full when unfolded. */
  #errors(run) {
    if (!["failed", "partial", "interrupted"].includes(run.status)) return null;
    const failures = this.failures.get(run.run_id);
    if (failures === undefined) this.#fetchFailures(run.run_id);
    if (!failures?.length) return null;
    const line = (f) => `${f.node}${f.input ? `.${f.input}` : ""}: ${f.text}`;
    return el("details", { class: "run-errors" },
      el("summary", { text: line(failures[0]) }),
      el("pre", { text: failures.map(line).join("\n\n") }));
  }

  #move(queued, from, to) {
    const order = queued.map((r) => r.run_id);
    const [id] = order.splice(from, 1);
    order.splice(to, 0, id);
    return this.api.reorderQueue(order);
  }
}
