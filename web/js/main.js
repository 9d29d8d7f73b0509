// The editor's entry point: builds the parts and wires them together.
//
//   Api ──events──► RunState ──► Surface (canvas)      Catalog ──add──► Surface
//     │                 └──────► Previews (node + panel)  Surface ──change──► History, dirty mark
//     └──queue msgs──► QueuePanel
//
// Document state (which library name, title, what was last saved) lives here; the graph
// itself lives only on the canvas and is read back as a workflow when needed.

import { Api, ApiError } from "./api.js";
import { Surface } from "./canvas.js";
import { Catalog, DRAG_MIME, openPalette } from "./catalog.js";
import { askName, chooseFile, chooseFromList, confirmDialog, promptText, showShortcuts, showTooltip, toast } from "./dialogs.js";
import { workflowFromFile } from "./embedded.js";
import { LOAD_NODES, embeddedWorkflow, mediaKind, uploadedName } from "./media_drop.js";
import { galleryElement, loadExamples } from "./gallery.js";
import { History } from "./history.js";
import { Inspector } from "./inspector.js";
import { Minimap } from "./minimap.js";
import { pickModel } from "./model_picker.js";
import { Previews } from "./previews.js";
import { QueuePanel } from "./queue.js";
import { RunState, describeFinish } from "./run_state.js";
import { fileNameFor, loadWorkflow, snapshotKey, toWorkflow, WorkflowError } from "./workflow.js";

const SESSION_KEY = "reelgraph.session";
const PANELS_KEY = "reelgraph.panels";
const $ = (id) => document.getElementById(id);

/** The stored session ({name, workflow, savedKey}), or null when there is none or it is unreadable. */
function readSession() {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY) ?? "null");
  } catch {
    return null;
  }
}

class Editor {
  constructor() {
    this.api = new Api();
    this.doc = { name: null, title: "", description: "", meta: {}, extra: {} };
    this.savedKey = null;
    this.history = new History();
    this.contracts = [];
    this.colours = {};
    this.surface = new Surface($("graph"), {
      prompt: (opts) => promptText(opts),
      search: (opts) => openPalette({ ...opts, contracts: this.contracts, colours: this.colours }),
      pickFile: (spec) => this.pickFile(spec),
      pickModel: (spec) => pickModel(spec, (kinds) => this.api.models(kinds)),
      pickColor: (value) => this.pickColor(value),
    });
    this.catalog = new Catalog($("catalog-list"), $("catalog-search"), {
      onAdd: (type) => this.surface.select([this.surface.addNode(type)]),
    });
    this.runNumbers = new Map(); // run id → the queue's number, for the Outputs panel's labels
    this.previews = new Previews(this.surface, $("outputs"), (id) => (this.runNumbers.has(id) ? `run #${this.runNumbers.get(id)}` : ""));
    this.runState = new RunState(this.surface, this.previews);
    this.queue = new QueuePanel($("queue-list"), $("queue-pause"), $("queue-clear"), this.api);
    this.inspector = new Inspector(this.surface, this.runState, $("inspector"));
    this.minimap = new Minimap(this.surface, $("stage"));
  }

  async start() {
    this.bindUi();
    this.bindEvents();
    this.api.connect();
    try {
      const { nodes, sockets } = await this.api.nodes();
      this.contracts = nodes;
      this.colours = Object.fromEntries(Object.entries(sockets ?? {}).map(([k, v]) => [k, v.color ?? v]));
      this.surface.setCatalog(nodes, sockets);
      this.catalog.setContracts(nodes, this.colours);
    } catch (e) {
      toast(`Could not load the node catalog: ${e.message}`, "error", 60000);
    }
    await this.restore();
    this.showGallery();
    this.queue.refresh();
    window.reelgraph = this.testHandle();
    document.body.classList.add("ready");
  }

  /** Open ?workflow=NAME from the library, else the last session, else an empty graph. */
  async restore() {
    const name = new URLSearchParams(location.search).get("workflow");
    // Read the stored session before anything can write over it: an empty graph must never
    // be persisted until we know there was nothing to restore.
    const saved = readSession();
    this.newDocument({ persist: false });
    this.restored = true;
    if (name) return this.openByName(name);
    if (!saved?.workflow) return this.persist();
    try {
      this.load(saved.workflow, { name: saved.name ?? null, persist: false });
      this.savedKey = saved.savedKey ?? null;
      this.updateTitle();
    } catch (e) {
      // Keep the unreadable session where it is (a newer editor may read it) and say so.
      toast(`Could not restore the last session: ${e.message}`, "error", 15000);
      this.newDocument({ persist: false });
    }
  }

  // -- document ---------------------------------------------------------------------

  workflow() {
    return toWorkflow(this.surface, this.doc);
  }

  load(wf, { name = null, keepView = false, persist = true } = {}) {
    const { doc, warnings } = loadWorkflow(this.surface, wf, { keepView });
    this.doc = { ...doc, name };
    this.runState.reset();
    this.inspector.reset();
    this.previews.clear();
    this.surface.clearErrors();
    const current = this.workflow();
    this.history.reset(current);
    this.savedKey = snapshotKey(current);
    this.updateTitle();
    if (persist) this.persist(current);
    if (warnings.length) toast(`Opened with ${warnings.length} warning(s): ${warnings.slice(0, 3).join("; ")}`, "warning");
  }

  newDocument({ persist = true } = {}) {
    this.surface.clear();
    this.previews?.clear();
    this.inspector?.reset();
    this.doc = { name: null, title: "", description: "", meta: {}, extra: {} };
    this.surface.setView({ offset: [0, 0], scale: 1 });
    this.runState.reset();
    const current = this.workflow();
    this.history.reset(current);
    this.savedKey = snapshotKey(current);
    this.updateTitle();
    if (persist) this.persist(current);
  }

  /** Keep the open workflow in localStorage, so a reload or a crash loses nothing. */
  persist(wf = this.workflow()) {
    if (!this.restored) return; // never over the stored session before it has been read
    localStorage.setItem(SESSION_KEY, JSON.stringify({ name: this.doc.name, workflow: wf, savedKey: this.savedKey }));
  }

  get dirty() {
    return this.history.currentKey !== this.savedKey;
  }

  onChange() {
    const wf = this.workflow();
    this.history.record(wf);
    this.updateTitle();
    this.persist(wf);
  }

  updateTitle() {
    const title = this.doc.name || this.doc.title || "Untitled";
    $("doc-title").querySelector(".name").textContent = title;
    $("doc-title").classList.toggle("is-dirty", this.dirty);
    document.title = `${this.dirty ? "• " : ""}${title} — Reelgraph`;
    $("empty-hint").classList.toggle("hidden", this.surface.ids().length > 0);
    document.querySelector('[data-action="undo"]').disabled = !this.history.canUndo;
    document.querySelector('[data-action="redo"]').disabled = !this.history.canRedo;
  }

  async confirmDiscard(what) {
    if (!this.dirty) return true;
    return confirmDialog({ title: "Unsaved changes", message: `The current workflow has unsaved changes. ${what} anyway?`, ok: what, danger: true });
  }

  // -- actions --------------------------------------------------------------------------

  async actNew() {
    if (await this.confirmDiscard("Discard")) this.newDocument();
  }

  async actOpen() {
    let list;
    try {
      ({ workflows: list } = await this.api.workflows());
    } catch (e) {
      return toast(e.message, "error");
    }
    const seen = new Set();
    const gpu = new Map((this.examples ?? []).filter((x) => x.gpu).map((x) => [x.name, x.needs]));
    const items = list.filter((w) => !seen.has(w.name) && seen.add(w.name)).map((w) => ({
      name: w.name,
      detail: w.source === "example" && gpu.has(w.name)
        ? `example · GPU: needs a CUDA GPU${gpu.get(w.name).length ? ` and ${gpu.get(w.name).join(", ")}` : ""}`
        : `${w.source === "example" ? "example · " : ""}${new Date(w.modified * 1000).toLocaleString()}`,
      deletable: w.source !== "example",
    }));
    const name = await chooseFromList({
      title: "Open a workflow",
      items,
      empty: "The library is empty. Save a workflow first.",
      onDelete: (n) => this.deleteFromLibrary(n),
    });
    if (name && (await this.confirmDiscard("Open"))) await this.openByName(name);
  }

  async deleteFromLibrary(name) {
    if (!(await confirmDialog({ title: "Delete workflow", message: `Delete “${name}” from the library?`, ok: "Delete", danger: true }))) return false;
    try {
      await this.api.deleteWorkflow(name);
      return true;
    } catch (e) {
      toast(e.message, "error");
      return false;
    }
  }

  async openByName(name) {
    try {
      this.load(await this.api.loadWorkflow(name), { name });
      toast(`Opened “${name}”.`);
    } catch (e) {
      toast(`Could not open “${name}”: ${e.message}`, "error");
    }
  }

  async actSave(forceName = false) {
    let name = this.doc.name;
    if (!name || forceName) {
      name = await askName({ title: "Save to the library", value: name || this.doc.title || "" });
      if (!name) return;
    }
    if (!this.doc.title) this.doc.title = name;
    const wf = this.workflow();
    try {
      const result = await this.api.saveWorkflow(name, wf);
      this.doc.name = name;
      this.history.record(wf);
      this.savedKey = snapshotKey(wf);
      this.onChange();
      const problems = result?.problems ?? [];
      toast(problems.length ? `Saved “${name}” (${problems.length} problem(s) to fix before it runs).` : `Saved “${name}”.`, "success");
    } catch (e) {
      toast(`Could not save: ${e.message}`, "error");
    }
  }

  actExport() {
    const wf = this.workflow();
    const blob = new Blob([`${JSON.stringify(wf, null, 2)}\n`], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = fileNameFor(this.doc.title || this.doc.name);
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 5000);
  }

  async importFile(file) {
    let wf;
    try {
      wf = await workflowFromFile(file);
    } catch (e) {
      return toast(`Could not import ${file.name}: ${e.message}`, "error");
    }
    if (!(await this.confirmDiscard("Import"))) return;
    try {
      this.load(wf, { name: null });
      this.savedKey = null;
      this.onChange();
      toast(`Imported ${file.name}.`);
    } catch (e) {
      toast(`Could not import ${file.name}: ${e instanceof WorkflowError ? e.message : e}`, "error");
    }
  }

  undo() {
    const wf = this.history.undo();
    if (wf) this.restoreStep(wf);
  }

  redo() {
    const wf = this.history.redo();
    if (wf) this.restoreStep(wf);
  }

  /** Put an undo step on the canvas, keeping run badges, errors and previews of the nodes that remain. */
  restoreStep(wf) {
    const decorations = this.surface.decorations();
    loadWorkflow(this.surface, wf, { keepView: true });
    this.surface.restoreDecorations(decorations);
    this.updateTitle();
    this.persist(wf);
  }

  /** Queue the whole graph, or only the selected output nodes. */
  async actQueue(selectedOnly = false) {
    let targets;
    if (selectedOnly) {
      // Output nodes, and subgraph nodes (the server runs what makes their outputs).
      targets = this.surface.selectedIds().filter((id) => this.surface.contract(this.surface.typeOf(id))?.output || this.surface.node(id)?.rgSubgraph);
      if (!targets.length) return toast("Select one or more output nodes to run only those.", "warning");
    }
    if (this.surface.randomizeSeeds()) this.surface.touch();
    const wf = this.workflow();
    this.surface.clearErrors();
    try {
      const { run_id: runId, number } = await this.api.queueRun(wf, targets);
      if (number != null) this.runNumbers.set(runId, number);
      this.previews.relabel(runId);
      toast(`Queued run #${number ?? ""}${targets ? ` for ${targets.join(", ")}` : ""}.`);
      this.queue.refreshSoon();
      return runId;
    } catch (e) {
      if (e instanceof ApiError && e.problems.length) this.showProblems(e.problems);
      else toast(`Could not queue: ${e.message}`, "error");
      return null;
    }
  }

  /** Validation problems from the server, on their nodes; the rest as a toast. */
  showProblems(problems) {
    const byNode = new Map();
    for (const p of problems) {
      if (!p.node || !(this.surface.node(p.node) || this.surface.outerOf(p.node))) continue;
      if (!byNode.has(p.node)) byNode.set(p.node, []);
      byNode.get(p.node).push({ name: p.name, message: p.message });
    }
    for (const [node, errors] of byNode) this.surface.setErrors(node, errors);
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more, marked on their nodes)` : "";
    toast(`The workflow cannot run: ${first.node ? `${first.node}: ` : ""}${first.message}${more}`, "error");
  }

  /** A file parameter: a path typed in, or a file uploaded to the server's input folder. */
  pickFile(spec) {
    return chooseFile({
      title: spec.label,
      value: spec.value ?? "",
      description: spec.description,
      accept: spec.accept,
      upload: async (file) => {
        try {
          const result = await this.api.upload(file);
          toast(`Uploaded ${file.name}.`, "success");
          return result.subfolder ? `${result.subfolder}/${result.name}` : result.name;
        } catch (e) {
          toast(`Upload failed: ${e.message}`, "error");
          return null;
        }
      },
    });
  }

  pickColor(value) {
    const input = $("color-input");
    input.value = /^#[0-9a-f]{6}$/i.test(value) ? value : "#ffffff";
    return new Promise((resolve) => {
      input.onchange = () => resolve(input.value);
      input.click();
    });
  }

  // -- wiring ---------------------------------------------------------------------------

  bindUi() {
    const actions = {
      new: () => this.actNew(),
      open: () => this.actOpen(),
      save: () => this.actSave(),
      "save-as": () => this.actSave(true),
      import: () => $("import-file").click(),
      export: () => this.actExport(),
      undo: () => this.undo(),
      redo: () => this.redo(),
      fit: () => this.surface.fitView({ toggle: true }),
      help: () => showShortcuts(SHORTCUTS),
      "toggle-catalog": () => this.togglePanel("catalog"),
      minimap: () => this.toggleMinimap(),
      "toggle-sidebar": () => this.togglePanel("sidebar"),
      queue: () => this.actQueue(false),
      "queue-selected": () => this.actQueue(true),
    };
    for (const button of document.querySelectorAll("[data-action]")) {
      button.addEventListener("click", () => actions[button.dataset.action]?.());
    }
    this.actions = actions;
    $("import-file").addEventListener("change", (e) => {
      const file = e.target.files[0];
      e.target.value = "";
      if (file) this.importFile(file);
    });
    this.bindDrop($("stage"));
    for (const tab of document.querySelectorAll(".tabs .tab")) tab.addEventListener("click", () => this.showTab(tab.dataset.tab));
    for (const panel of ["catalog", "sidebar"]) {
      if (localStorage.getItem(`${PANELS_KEY}.${panel}`) === "hidden") this.togglePanel(panel, false);
    }
    if (localStorage.getItem(`${PANELS_KEY}.minimap`) === "hidden") this.toggleMinimap(false);
    document.addEventListener("keydown", (e) => this.onKey(e));
    // A reload right after an edit (before the debounced change handler ran) keeps it too.
    addEventListener("pagehide", () => {
      if (this.restored) this.persist();
    });
    addEventListener("beforeunload", (e) => {
      if (this.dirty) {
        e.preventDefault();
        e.returnValue = "";
      }
    });
  }

  toggleMinimap(on) {
    const shown = this.minimap.show(on);
    document.querySelector('[data-action="minimap"]').setAttribute("aria-pressed", String(shown));
    localStorage.setItem(`${PANELS_KEY}.minimap`, shown ? "shown" : "hidden");
  }

  toggleMode(mode) {
    const ids = this.surface.toggleMode(mode);
    if (!ids.length) toast(`Select the nodes to ${mode} first.`, "warning");
  }

  /** The shipped examples as cards on the empty canvas (read once; a failure leaves the plain hint). */
  async showGallery() {
    try {
      this.examples ??= await loadExamples(this.api, (type) => this.surface.contract(type));
    } catch {
      return;
    }
    $("gallery-slot").replaceChildren(galleryElement(this.examples, (type) => this.surface.contract(type), async (name) => {
      if (await this.confirmDiscard("Open")) await this.openByName(name);
    }));
  }

  /** Show the Outputs or the Inspector tab of the side panel. */
  showTab(name) {
    for (const tab of document.querySelectorAll(".tabs .tab")) {
      const on = tab.dataset.tab === name;
      tab.classList.toggle("active", on);
      tab.setAttribute("aria-selected", String(on));
    }
    $("outputs").classList.toggle("hidden", name !== "outputs");
    $("inspector").classList.toggle("hidden", name !== "inspector");
  }

  /** Show or hide a side panel (remembered); the canvas follows the stage's new size. */
  togglePanel(panel, show) {
    const hidden = document.body.classList.toggle(`no-${panel}`, show === undefined ? undefined : !show);
    document.querySelector(`[data-action="toggle-${panel}"]`).setAttribute("aria-pressed", String(!hidden));
    localStorage.setItem(`${PANELS_KEY}.${panel}`, hidden ? "hidden" : "shown");
    this.surface.resize();
  }

  bindDrop(stage) {
    const overlay = $("drop-overlay");
    stage.addEventListener("dragover", (e) => {
      const types = [...e.dataTransfer.types];
      if (!types.includes(DRAG_MIME) && !types.includes("Files")) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
      overlay.classList.toggle("shown", types.includes("Files"));
    });
    stage.addEventListener("dragleave", (e) => {
      if (!stage.contains(e.relatedTarget)) overlay.classList.remove("shown");
    });
    stage.addEventListener("drop", (e) => {
      overlay.classList.remove("shown");
      const type = e.dataTransfer.getData(DRAG_MIME);
      if (type) {
        e.preventDefault();
        const [x, y] = this.surface.graphPosAt(e.clientX, e.clientY);
        this.surface.select([this.surface.addNode(type, { pos: [x - 20, y - 10] })]);
        return;
      }
      const file = e.dataTransfer.files[0];
      if (file) {
        e.preventDefault();
        this.dropFile(file, this.surface.graphPosAt(e.clientX, e.clientY));
      }
    });
  }

  /** A dropped file: a workflow opens; a picture, video or sound becomes a load node. */
  async dropFile(file, pos) {
    const kind = mediaKind(file);
    if (!kind || (await embeddedWorkflow(file))) return this.importFile(file);
    const type = LOAD_NODES[kind];
    if (!this.surface.contracts.has(type)) return toast(`This server has no ${type} node for ${file.name}.`, "error");
    let uploaded;
    try {
      uploaded = await this.api.upload(file);
    } catch (e) {
      return toast(`Could not upload ${file.name}: ${e.message}`, "error");
    }
    const name = uploadedName(uploaded);
    const id = this.surface.addNode(type, { pos: [pos[0] - 20, pos[1] - 10], params: { file: name } });
    this.surface.select([id]);
    toast(`Uploaded ${name}: added a ${type} node.`);
  }

  onKey(e) {
    const target = e.target;
    if (target.closest?.(".rg-editor, .rg-modal, .rg-palette, .graphdialog") || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    const onCanvas = target === this.surface.canvas.canvas;
    const run = (fn) => {
      e.preventDefault();
      e.stopPropagation();
      fn();
    };
    if (ctrl && key === "s") return run(() => this.actSave(e.shiftKey));
    if (ctrl && key === "o") return run(() => this.actOpen());
    if (ctrl && key === "e") return run(() => this.actExport());
    if (ctrl && key === "i") return run(() => $("import-file").click());
    if (e.altKey && key === "n") return run(() => this.actNew());
    if (ctrl && key === "enter") return run(() => this.actQueue(e.shiftKey));
    if ((ctrl && key === "z" && e.shiftKey) || (ctrl && key === "y")) return run(() => this.redo());
    if (ctrl && key === "z") return run(() => this.undo());
    if (ctrl && key === "g") return run(() => this.surface.groupSelected());
    if (ctrl && (key === "b" || key === "m")) return run(() => this.toggleMode(key === "b" ? "bypass" : "mute"));
    if (ctrl && key === "f") return run(() => {
      this.togglePanel("catalog", true);
      $("catalog-search").focus();
    });
    if (e.altKey && key === "m") return run(() => this.toggleMinimap());
    if (ctrl && key === "[") return run(() => this.togglePanel("catalog"));
    if (ctrl && key === "]") return run(() => this.togglePanel("sidebar"));
    if (!ctrl && key === ".") return run(() => this.surface.fitView({ toggle: true }));
    if (!ctrl && e.key === "?") return run(() => showShortcuts(SHORTCUTS));
    if (onCanvas) return; // litegraph handles copy, paste, delete and select-all on its canvas
    if (ctrl && key === "c") return run(() => this.surface.copy());
    if (ctrl && key === "v") return run(() => this.surface.paste());
    if (key === "delete" || key === "backspace") return run(() => this.surface.deleteSelected());
  }

  bindEvents() {
    this.surface.addEventListener("change", () => this.onChange());
    this.surface.addEventListener("status", (e) => toast(e.detail.message, e.detail.level));
    this.surface.addEventListener("hover", (e) => showTooltip(e.detail));
    this.surface.addEventListener("preview-click", (e) => {
      if (this.previews.open(e.detail.id)) this.showTab("outputs");
    });
    // Selecting a node (also to drag it) updates the inspector; a plain click on it opens it.
    this.surface.addEventListener("selection", (e) => {
      if (e.detail.ids.length === 1) this.inspector.show(e.detail.ids[0]);
    });
    this.surface.addEventListener("node-click", (e) => {
      this.inspector.show(e.detail.id);
      this.showTab("inspector");
    });
    this.api.addEventListener("status", (e) => this.showConnection(e.detail.connected));
    this.api.addEventListener("preview", (e) => this.runState.handlePreview(e.detail));
    this.api.addEventListener("event", (e) => this.onServerEvent(e.detail));
  }

  onServerEvent(message) {
    const { type, data } = message;
    if (type === "queue") return this.queue.onQueue(data);
    if (this.runState.handle(message)) {
      if (type === "run_started" || type === "run_finished") this.queue.refreshSoon();
      if (type === "run_finished") {
        const failures = this.runState.failuresOf(data.run_id);
        const { level, message: text } = describeFinish(data, failures);
        toast(text, level, level === "error" || level === "warning" ? 20000 : undefined);
        if (failures.length) this.queue.noteFailures(data.run_id, failures);
      }
      this.trackProgress(type, data);
    } else if (type === "run_queued") this.queue.refreshSoon();
  }

  trackProgress(type, data) {
    if (type === "run_started") this.progress = { run: data.run_id, total: data.nodes?.length ?? 0, done: 0 };
    else if (["node_finished", "node_cached", "node_failed", "node_skipped"].includes(type) && this.progress?.run === data.run_id) {
      this.progress.done += 1;
    } else return;
    this.queue.noteProgress(this.progress.run, this.progress.done, this.progress.total);
  }

  showConnection(connected) {
    const box = $("connection");
    box.classList.toggle("online", connected);
    box.querySelector(".label").textContent = connected ? "connected" : "reconnecting…";
    if (connected) this.queue.refreshSoon();
  }

  /** A small handle for tests and the console: the surface, the document, the actions. */
  testHandle() {
    return {
      ready: true,
      editor: this,
      surface: this.surface,
      workflow: () => this.workflow(),
      load: (wf, name = null) => this.load(wf, { name }),
      queue: (selectedOnly = false) => this.actQueue(selectedOnly),
      get dirty() {
        return window.reelgraph.editor.dirty;
      },
    };
  }
}

const SHORTCUTS = [
  ["Ctrl+Enter", "Queue the whole graph"],
  ["Ctrl+Shift+Enter", "Queue only the selected output nodes"],
  ["Ctrl+S", "Save to the library (Ctrl+Shift+S: save as)"],
  ["Ctrl+O", "Open from the library"],
  ["Alt+N", "New workflow"],
  ["Ctrl+I / Ctrl+E", "Import a file / export JSON"],
  ["Ctrl+Z / Ctrl+Shift+Z", "Undo / redo (also Ctrl+Y)"],
  ["Ctrl+C / Ctrl+V", "Copy / paste nodes (Ctrl+Shift+V keeps input links)"],
  ["Delete", "Delete the selection"],
  ["Ctrl+G", "Group the selected nodes"],
  ["Ctrl+B", "Bypass the selected nodes: their inputs pass through (again: undo)"],
  ["Ctrl+M", "Mute the selected nodes: they and what needs them do not run"],
  ["Ctrl+A", "Select all"],
  ["Ctrl+F", "Search the catalog"],
  ["Ctrl+[ / Ctrl+]", "Hide or show the catalog / the side panel"],
  ["Alt+M", "Hide or show the minimap (click or drag on it to move the view)"],
  ["Double-click a title", "Rename the node"],
  ["Double-click", "Search and add a node at the pointer"],
  ["Space+drag", "Pan (or drag the background)"],
  [".", "Frame the graph at a readable zoom (again: the whole graph)"],
  ["?", "This list"],
];

new Editor().start();
