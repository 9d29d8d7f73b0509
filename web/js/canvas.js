// The canvas surface: the one module that imports litegraph.
//
// Everything else in the editor sees the graph through `Surface`, in our own terms:
// nodes have string ids, params by name, links `[fromNode, output, toNode, input]` by
// name, groups as `{title, bounding, color}`. Swapping litegraph for another canvas means
// rewriting this module and its helpers (canvas_nodes.js, canvas_widgets.js, canvas_draw.js,
// which follow litegraph's protocols but never import it), nothing else. Node classes are
// generated from the catalog: there is no per-node code.
//
// Events (CustomEvent on the Surface): "change" after any edit a user could undo (debounced),
// "selection" with {ids}, "status" with {message, level} for things worth a toast,
// "preview-click" with {id} when a node's pictures are clicked (not dragged), "node-click"
// with {id} when the rest of a node is.

import { LGraph, LGraphCanvas, LGraphEventMode, LGraphGroup, LGraphNode, LiteGraph, RenderShape } from "litegraph";
import { randomizeSeeds } from "./canvas_widgets.js";
import { rangeError } from "./widgets.js";
import { previewArea, previewSlotFor } from "./canvas_draw.js";
import { missingNodeClass, nodeClassFor } from "./canvas_nodes.js";
import { frameView, READABLE_ZOOM } from "./framing.js";
import { collapse, PREFIX as SUBGRAPH, subgraphContract, usedSubgraphs } from "./subgraph.js";
import { THEME } from "./theme.js";

const MISSING_TYPE = "reelgraph/missing";
/** Workflow-file node modes ⇄ litegraph's: mute is its NEVER, bypass its BYPASS (as in ComfyUI). */
const MODE_TO_LG = { mute: LGraphEventMode.NEVER, bypass: LGraphEventMode.BYPASS };
const LG_TO_MODE = { [LGraphEventMode.NEVER]: "mute", [LGraphEventMode.BYPASS]: "bypass" };
/** What the node class factories need from litegraph, handed in so only this module imports it. */
const NODE_LIB = { LGraphNode, RenderShape };

function configureLiteGraph() {
  Object.assign(LiteGraph, {
    NODE_TITLE_HEIGHT: THEME.titleHeight,
    NODE_SLOT_HEIGHT: THEME.slotHeight,
    NODE_WIDGET_HEIGHT: THEME.widgetHeight,
    NODE_WIDTH: THEME.nodeWidth / 1.5,
    NODE_TEXT_SIZE: 13,
    NODE_SUBTEXT_SIZE: 12,
    NODE_FONT: THEME.font,
    DEFAULT_FONT: THEME.font,
    GROUP_FONT: THEME.font,
    NODE_TITLE_COLOR: THEME.nodeTitleText,
    NODE_SELECTED_TITLE_COLOR: "#ffffff",
    NODE_TEXT_COLOR: THEME.nodeText,
    NODE_DEFAULT_COLOR: THEME.nodeTitle,
    NODE_DEFAULT_BGCOLOR: THEME.nodeBody,
    NODE_DEFAULT_BOXCOLOR: "#5a6270",
    NODE_BOX_OUTLINE_COLOR: "#dfe6f3",
    NODE_DEFAULT_SHAPE: RenderShape.ROUND,
    ROUND_RADIUS: THEME.radius,
    WIDGET_BGCOLOR: THEME.widgetBg,
    WIDGET_OUTLINE_COLOR: THEME.widgetOutline,
    WIDGET_TEXT_COLOR: THEME.widgetText,
    WIDGET_SECONDARY_TEXT_COLOR: THEME.widgetLabel,
    LINK_COLOR: THEME.link,
    CONNECTING_LINK_COLOR: "#dfe6f3",
    release_link_on_empty_shows_menu: true,
    alt_drag_do_clone_nodes: true,
    catch_exceptions: false,
    snaps_for_comfy: true,
    ctrl_shift_v_paste_connect_unselected_outputs: true,
  });
}

export class Surface extends EventTarget {
  /**
   * @param canvasEl the <canvas> to draw on (its parent's size is followed)
   * @param hooks {prompt, search, pickFile, pickModel, pickColor}: the DOM dialogs the canvas opens
   */
  constructor(canvasEl, hooks) {
    super();
    configureLiteGraph();
    this.hooks = hooks;
    this.contracts = new Map();
    this.subgraphs = new Map(); // name → definition (the workflow file's "subgraphs")
    this.byId = new Map();
    this.quiet = 0;
    this.changeTimer = null;
    this.searching = false;
    this.graph = new LGraph();
    this.canvas = new LGraphCanvas(canvasEl, this.graph, { skip_render: false });
    this.#styleCanvas();
    this.#hookGraph();
    this.#hookCanvas(canvasEl);
    new ResizeObserver(() => this.resize()).observe(canvasEl.parentElement);
    this.resize();
  }

  #styleCanvas() {
    const c = this.canvas;
    c.background_image = null;
    c.clear_background_color = THEME.background;
    c.render_shadows = false;
    c.render_canvas_border = false;
    c.render_connections_border = false;
    c.connections_width = 3;
    c.default_link_color = THEME.link;
    c.show_info = false;
    c.low_quality_zoom_threshold = 0.45;
    c.onDrawBackground = (ctx, area) => this.#drawGrid(ctx, area);
  }

  /** A dot grid in graph space: cheap, and it shows the pan and zoom. */
  #drawGrid(ctx, area) {
    const step = 40;
    if (this.canvas.ds.scale < 0.4) return;
    ctx.fillStyle = THEME.grid;
    const x0 = Math.floor(area[0] / step) * step;
    const y0 = Math.floor(area[1] / step) * step;
    ctx.beginPath();
    for (let x = x0; x < area[0] + area[2]; x += step) {
      for (let y = y0; y < area[1] + area[3]; y += step) ctx.rect(x - 1.5, y - 1.5, 3, 3);
    }
    ctx.fill();
  }

  #hookGraph() {
    this.graph.onNodeAdded = (node) => this.#adopt(node);
    this.graph.onNodeRemoved = (node) => {
      if (this.byId.get(node.properties?.id) === node) this.byId.delete(node.properties.id);
      this.touch();
    };
  }

  #hookCanvas(canvasEl) {
    const c = this.canvas;
    c.prompt = (title, value, callback, event, multiline) => {
      // litegraph's number widget asks for a "Value" and clamps silently: edit it as ours
      // instead, titled with the parameter's name, refusing (and saying why) out-of-range values.
      const [node, widget] = c.node_widget ?? [];
      if (widget?.rgSpec && widget.type === "number") return this.editWidget(node, widget, { multiline: false });
      this.hooks.prompt({ title, value, multiline: Boolean(multiline), x: event?.clientX, y: event?.clientY }).then(
        (v) => v !== null && v !== undefined && callback?.(v),
      );
    };
    c.showSearchBox = (event, options) => this.#openSearch(event, options ?? {});
    c.showConnectionMenu = (opts) => this.#openSearch(opts.e, {
      node_from: opts.nodeFrom, slot_from: opts.slotFrom ?? opts.slotTo, node_to: opts.nodeTo,
      type_filter_in: opts.nodeFrom ? opts.slotFrom?.type : undefined,
      type_filter_out: opts.nodeTo ? opts.slotTo?.type : undefined,
    });
    // The node menu's "Mode": the modes a workflow can hold (litegraph's event modes mean nothing here).
    LGraphCanvas.onMenuNodeMode = (_value, _options, event, menu, node) => {
      const ids = this.selectedIds().includes(node.properties.id) ? this.selectedIds() : [node.properties.id];
      const entries = [
        { content: "Always (runs)", callback: () => this.#setMode(ids, null) },
        { content: "Bypass (Ctrl+B)", callback: () => this.#setMode(ids, "bypass") },
        { content: "Mute (Ctrl+M)", callback: () => this.#setMode(ids, "mute") },
      ];
      new LiteGraph.ContextMenu(entries, { event, parentMenu: menu, node });
      return false;
    };
    // litegraph's own "Convert to Subgraph" makes nodes our workflow file cannot hold (and
    // this build drops the node with a page error): ours replaces it.
    for (const name of ["getCanvasMenuOptions", "getNodeMenuOptions"]) {
      const original = c[name].bind(c);
      c[name] = (...args) => {
        const options = original(...args).filter((o) => !String(o?.content ?? "").startsWith("Convert to Subgraph"));
        return [...this.#subgraphMenu(name === "getNodeMenuOptions" ? args[0] : null), ...options];
      };
    }
    c.onSelectionChange = () => this.emit("selection", { ids: this.selectedIds() });
    c.getExtraMenuOptions = () => [
      null,
      { content: "Search nodes…", callback: (_v, _o, e) => this.#openSearch(e, {}) },
      { content: "Group selected nodes", callback: () => this.groupSelected() },
      { content: "Fit view", callback: () => this.fitView({ toggle: true }) },
    ];
    this.#hookHover(canvasEl);
    this.#hookPreviewClick(canvasEl);
    // The browser's own double-click (the system's timing) also opens the search, or the title
    // editor on a node's title, in case litegraph's stricter 300 ms detection missed it (a busy
    // machine, a slow hand).
    canvasEl.addEventListener("dblclick", (e) => {
      const [x, y] = this.graphPosAt(e.clientX, e.clientY);
      const node = this.graph.getNodeOnPos(x, y);
      if (node) {
        if (y < node.pos[1] && !document.querySelector(".rg-editor")) node.onNodeTitleDblClick?.();
        return;
      }
      if (!this.searching && !this.graph.getGroupOnPos(x, y)) this.#openSearch(e, {});
    });
    canvasEl.addEventListener("pointerup", () => this.touch(), true);
    // Edits made from litegraph's own menus (add a reroute, delete a link) end with this event.
    canvasEl.addEventListener("litegraph:canvas", (e) => {
      if (e.detail?.subType === "after-change") this.touch();
    });
    this.graph.onAfterChange = () => this.touch();
    canvasEl.addEventListener("keyup", () => this.touch());
    canvasEl.addEventListener("pointerdown", () => canvasEl.focus({ preventScroll: true }));
  }

  /** After the pointer rests on a node part, emit "hover" {text, x, y}; any movement emits null. */
  #hookHover(canvasEl) {
    let timer = null;
    let shown = false;
    const hide = () => {
      clearTimeout(timer);
      if (shown) this.emit("hover", null);
      shown = false;
    };
    canvasEl.addEventListener("pointermove", (e) => {
      hide();
      if (e.buttons) return;
      timer = setTimeout(() => {
        const tip = this.#describeAt(e.clientX, e.clientY);
        if (tip) this.emit("hover", tip);
        shown = Boolean(tip);
      }, 550);
    });
    canvasEl.addEventListener("pointerleave", hide);
    canvasEl.addEventListener("pointerdown", hide);
  }

  /** A click that did not move on a node's pictures: "preview-click" {id}. Dragging still moves the node. */
  #hookPreviewClick(canvasEl) {
    let down = null;
    // Capture phase: litegraph stops these events from bubbling.
    canvasEl.addEventListener("pointerdown", (e) => {
      down = [e.clientX, e.clientY];
    }, true);
    canvasEl.addEventListener("click", (e) => {
      if (!down || Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4) return;
      const [x, y] = this.graphPosAt(e.clientX, e.clientY);
      const node = this.#previewAt(x, y);
      if (node) return this.emit("preview-click", { id: node.properties.id });
      const clicked = this.graph.getNodeOnPos(x, y);
      if (clicked) this.emit("node-click", { id: clicked.properties.id });
    }, true);
  }

  /** The node whose drawn pictures are at graph position (x, y), if any. */
  #previewAt(x, y) {
    const node = this.graph.getNodeOnPos(x, y);
    if (!node?.rg?.preview || node.flags?.collapsed) return null;
    const area = previewArea(node);
    const [lx, ly] = [x - node.pos[0], y - node.pos[1]];
    return lx >= area.x && lx <= area.x + area.w && ly >= area.y && ly <= area.y + area.h ? node : null;
  }

  /** What the contract says about the thing under (x, y): a socket, a widget or the node. */
  #describeAt(x, y) {
    const [gx, gy] = this.graphPosAt(x, y);
    const node = this.graph.getNodeOnPos(gx, gy);
    const contract = node && this.contracts.get(node.type);
    if (!contract) return null;
    const slot = node.getSlotOnPos([gx, gy]);
    let text = null;
    if (slot) {
      const info = contract.inputs?.[slot.name] ?? contract.outputs?.[slot.name];
      const param = contract.params?.properties?.[slot.name];
      text = `${slot.name} · ${slot.type}${info?.optional ? " · optional" : ""}\n${info?.description ?? param?.description ?? ""}`;
    } else if (gy < node.pos[1]) {
      text = `${contract.title} · ${contract.id} v${contract.version}\n${contract.description ?? ""}`;
    } else {
      const widget = node.getWidgetOnPos(gx, gy, true);
      if (widget?.tooltip) text = `${widget.label ?? widget.name}\n${widget.tooltip}`;
    }
    return text ? { text: text.trim(), x, y } : null;
  }

  /** Follow the stage's size, at the screen's pixel density (litegraph expects a DPR-scaled context). */
  resize() {
    const el = this.canvas.canvas;
    const dpr = Math.max(window.devicePixelRatio || 1, 1);
    const w = Math.round(el.parentElement.clientWidth * dpr);
    const h = Math.round(el.parentElement.clientHeight * dpr);
    if (el.width === w && el.height === h) return;
    this.canvas.resize(w, h);
    this.canvas.ctx.scale(dpr, dpr);
    this.canvas.setDirty(true, true);
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  /** Something may have changed: tell listeners once things settle. */
  touch() {
    if (this.quiet) return;
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => this.emit("change", {}), 60);
  }

  /** Run `fn` without emitting "change" for each step (loading, undo). */
  batch(fn) {
    this.quiet += 1;
    try {
      return fn();
    } finally {
      this.quiet -= 1;
      this.canvas.setDirty(true, true);
    }
  }

  // -- catalog ------------------------------------------------------------------------

  setCatalog(contracts, socketTypes) {
    for (const [name, info] of Object.entries(socketTypes ?? {})) {
      const colour = typeof info === "string" ? info : info.color;
      LGraphCanvas.link_type_colors[name] = colour;
      this.canvas.default_connection_color_byType[name] = colour;
      this.canvas.default_connection_color_byTypeOff[name] = colour;
    }
    for (const contract of contracts) {
      this.contracts.set(contract.id, contract);
      LiteGraph.registerNodeType(contract.id, nodeClassFor(NODE_LIB, contract, this));
      LiteGraph.registered_node_types[contract.id].category = contract.category;
    }
    if (!LiteGraph.registered_node_types[MISSING_TYPE]) LiteGraph.registerNodeType(MISSING_TYPE, missingNodeClass(NODE_LIB));
    LiteGraph.registered_node_types[MISSING_TYPE].skip_list = true;
  }

  contract(type) {
    return this.contracts.get(type);
  }

  // -- nodes ----------------------------------------------------------------------------

  /** Add a node; returns its id. `opts`: {id, pos, size, params, title, collapsed, advanced, randomize}. */
  addNode(type, opts = {}) {
    const known = this.contracts.has(type);
    const node = LiteGraph.createNode(known ? type : MISSING_TYPE);
    if (!known) node.becomeMissing(type, opts);
    node.properties.id = opts.id && !this.byId.has(opts.id) ? opts.id : this.newId(type);
    if (known) this.#applyParams(node, opts.params ?? {});
    if (opts.title) node.title = opts.title;
    if (MODE_TO_LG[opts.mode]) node.mode = MODE_TO_LG[opts.mode];
    if (opts.randomize) for (const name of opts.randomize) setRandomize(node, name, true);
    if (opts.advanced) {
      node.showAdvanced = true;
      node.setSize([node.size[0], node.computeSize()[1]]);
    }
    node.pos = opts.pos ? [...opts.pos] : this.viewCentre();
    if (opts.size) node.setSize([Math.max(opts.size[0], 80), Math.max(opts.size[1], 30)]);
    this.graph.add(node);
    if (opts.collapsed) node.collapse(true);
    this.touch();
    return node.properties.id;
  }

  #adopt(node) {
    const id = node.properties?.id;
    if (!id || (this.byId.has(id) && this.byId.get(id) !== node)) node.properties.id = this.newId(node.rgType ?? node.type);
    this.byId.set(node.properties.id, node);
    this.touch();
  }

  /** A readable unused id from the type's last word: "prompt", "prompt_2", … */
  newId(type) {
    const base = String(type).split(/[./]/).pop().replace(/[^A-Za-z0-9_]/g, "_") || "node";
    if (!this.byId.has(base)) return base;
    for (let i = 2; ; i++) if (!this.byId.has(`${base}_${i}`)) return `${base}_${i}`;
  }

  #applyParams(node, params) {
    node.rgExtraParams = {};
    for (const [name, value] of Object.entries(params)) {
      const widget = node.widgets?.find((w) => w.rgParam === name && !w.rgRandomizes);
      if (widget) widget.value = value;
      else node.rgExtraParams[name] = value;
    }
  }

  node(id) {
    return this.byId.get(id);
  }

  ids() {
    return [...this.byId.keys()];
  }

  typeOf(id) {
    const node = this.byId.get(id);
    return node?.rgType ?? node?.type;
  }

  params(id) {
    return paramsOf(this.byId.get(id));
  }

  setParam(id, name, value) {
    const widget = this.byId.get(id)?.widgets?.find((w) => w.rgParam === name && !w.rgRandomizes);
    if (!widget) return false;
    widget.value = value;
    this.canvas.setDirty(true);
    this.touch();
    return true;
  }

  /**
   * The nodes in a stable order: when each was added (litegraph reorders its own list when a
   * node is clicked to bring it to the front, which must not count as an edit).
   */
  #stableNodes() {
    return [...this.byId.values()].filter((node) => node.graph === this.graph);
  }

  /** Plain records of every node, in the order they were added. */
  nodeRecords() {
    return this.#stableNodes().map((node) => ({
      id: node.properties.id,
      type: node.rgType ?? node.type,
      title: node.rgType ? node.rgTitle : node.title !== node.constructor.title ? node.title : undefined,
      params: paramsOf(node),
      pos: [Math.round(node.pos[0]), Math.round(node.pos[1])],
      size: [Math.round(node.size[0]), Math.round(node.size[1] - (node.rg?.slot ?? 0))],
      collapsed: Boolean(node.flags?.collapsed),
      mode: LG_TO_MODE[node.mode],
      advanced: Boolean(node.showAdvanced),
      randomize: (node.widgets ?? []).filter((w) => w.rgRandomizes && w.value).map((w) => w.rgRandomizes),
    }));
  }

  /**
   * Toggle a mode ("bypass" or "mute") on the nodes `ids` (default: the selection): set it on
   * all of them, or clear it when they all have it already. Returns the ids changed.
   */
  toggleMode(mode, ids = this.selectedIds()) {
    const nodes = ids.map((id) => this.byId.get(id)).filter(Boolean);
    if (!nodes.length) return [];
    const clear = nodes.every((n) => n.mode === MODE_TO_LG[mode]);
    for (const n of nodes) n.mode = clear ? LGraphEventMode.ALWAYS : MODE_TO_LG[mode];
    this.canvas.setDirty(true, true);
    this.touch();
    return nodes.map((n) => n.properties.id);
  }

  #setMode(ids, mode) {
    for (const id of ids) {
      const node = this.byId.get(id);
      if (node) node.mode = MODE_TO_LG[mode] ?? LGraphEventMode.ALWAYS;
    }
    this.canvas.setDirty(true, true);
    this.touch();
  }

  modeOf(id) {
    return LG_TO_MODE[this.byId.get(id)?.mode] ?? null;
  }

  /** Seeds set to "randomize each run" get new values now (before queueing). */
  randomizeSeeds() {
    let count = 0;
    for (const node of this.graph._nodes) count += randomizeSeeds(node);
    if (count) this.canvas.setDirty(true);
    return count;
  }

  // -- links ------------------------------------------------------------------------------

  /** Connect by names; false if a name is unknown or the types do not match. */
  connect(fromId, output, toId, input) {
    const from = this.byId.get(fromId);
    const to = this.byId.get(toId);
    if (!from || !to) return false;
    let outIndex = from.findOutputSlot(output);
    let inIndex = to.findInputSlot(input);
    if (outIndex < 0 && from.rgType) outIndex = from.addMissingSlot("output", output);
    if (inIndex < 0 && to.rgType) inIndex = to.addMissingSlot("input", input);
    if (outIndex < 0 || inIndex < 0) return false;
    const link = from.connect(outIndex, to, inIndex);
    this.touch();
    return Boolean(link);
  }

  linkRecords() {
    const links = [];
    for (const node of this.#stableNodes()) {
      for (const input of node.inputs ?? []) {
        if (input.link == null) continue;
        const link = this.graph._links.get(input.link);
        const origin = link && this.graph.getNodeById(link.origin_id);
        if (!origin) continue;
        links.push([origin.properties.id, origin.outputs[link.origin_slot].name, node.properties.id, input.name]);
      }
    }
    return links;
  }

  // -- subgraphs -----------------------------------------------------------------------

  #subgraphMenu(node) {
    const entries = [];
    if (this.selectedIds().length >= 1) entries.push({ content: "Convert selection to subgraph", callback: () => this.convertSelectedToSubgraph() });
    if (node?.rgSubgraph) entries.push({ content: "Unpack subgraph", callback: () => this.unpackSubgraph(node.properties.id) });
    return entries.length ? [...entries, null] : [];
  }

  /** Register the definitions of a workflow file (nested ones after those they use). */
  setSubgraphs(definitions) {
    const pending = new Map(Object.entries(definitions ?? {}));
    for (let pass = 0; pending.size && pass < 10; pass++) {
      for (const [name, def] of pending) {
        const needs = Object.values(def.nodes ?? {}).map((n) => n.type).filter((t) => t?.startsWith(SUBGRAPH) && pending.has(t.slice(SUBGRAPH.length)) && t.slice(SUBGRAPH.length) !== name);
        if (needs.length && pass < 9) continue;
        this.registerSubgraph(name, def);
        pending.delete(name);
      }
    }
  }

  registerSubgraph(name, def) {
    const contract = subgraphContract(name, def, (type) => this.contracts.get(type));
    this.subgraphs.set(name, def);
    this.contracts.set(contract.id, contract);
    const cls = nodeClassFor(NODE_LIB, contract, this);
    cls.prototype.rgSubgraph = name;
    LiteGraph.registerNodeType(contract.id, cls);
    LiteGraph.registered_node_types[contract.id].skip_list = true;
  }

  /** The definitions the canvas uses (directly or inside another), for the workflow file. */
  subgraphRecords() {
    const names = usedSubgraphs(this.#stableNodes().map((n) => n.type), this.subgraphs);
    return Object.fromEntries(names.map((name) => [name, this.subgraphs.get(name)]));
  }

  /** For an event about an inner node ("group:prompt"), the subgraph node on the canvas. */
  outerOf(id) {
    if (this.byId.has(id) || typeof id !== "string") return null;
    const outer = id.split(":")[0];
    return this.byId.get(outer)?.rgSubgraph ? outer : null;
  }

  /** Replace the selected nodes by one subgraph node wired where they were; returns its id. */
  convertSelectedToSubgraph() {
    const ids = this.selectedIds();
    const records = this.nodeRecords().filter((r) => ids.includes(r.id));
    if (!records.length) return null;
    if (records.some((r) => !this.contracts.has(r.type))) {
      this.emit("status", { level: "error", message: "A node of an unknown type cannot go into a subgraph." });
      return null;
    }
    let name = "group";
    for (let i = 2; this.subgraphs.has(name) || this.byId.has(name); i++) name = `group_${i}`;
    const { definition, params, incoming, outgoing, pos } = collapse(records, this.linkRecords(), (t) => this.contracts.get(t), `Group of ${records.length}`);
    let id = null;
    this.batch(() => {
      for (const r of records) this.graph.remove(this.byId.get(r.id));
      this.registerSubgraph(name, definition);
      id = this.addNode(`${SUBGRAPH}${name}`, { id: name, pos, params });
      for (const [from, out, input] of incoming) this.connect(from, out, id, input);
      for (const [output, to, input] of outgoing) this.connect(id, output, to, input);
    });
    this.select([id]);
    this.touch();
    return id;
  }

  /** Put a subgraph node's nodes back on the canvas, wired as it was; returns their ids. */
  unpackSubgraph(id) {
    const node = this.byId.get(id);
    const def = node?.rgSubgraph && this.subgraphs.get(node.rgSubgraph);
    if (!def) return [];
    const params = this.params(id);
    const links = this.linkRecords();
    const map = new Map();
    this.batch(() => {
      const [ox, oy] = node.pos;
      for (const [inner, n] of Object.entries(def.nodes ?? {})) {
        const own = { ...(n.params ?? {}) };
        for (const [k, [target, param]] of Object.entries(def.params ?? {})) if (target === inner && k in params) own[param] = params[k];
        const pos = n.ui?.pos ? [ox + n.ui.pos[0], oy + n.ui.pos[1]] : undefined;
        map.set(inner, this.addNode(n.type, { id: this.byId.has(inner) ? undefined : inner, pos, size: n.ui?.size, params: own, title: n.title, mode: n.mode }));
      }
      for (const [from, out, to, input] of def.links ?? []) this.connect(map.get(from), out, map.get(to), input);
      for (const [from, out, to, input] of links) {
        if (to === id) for (const [n, i] of def.inputs?.[input] ?? []) this.connect(from, out, map.get(n), i);
        if (from === id && def.outputs?.[out]) this.connect(map.get(def.outputs[out][0]), def.outputs[out][1], to, input);
      }
      this.graph.remove(node);
    });
    this.select([...map.values()]);
    this.touch();
    return [...map.values()];
  }

  // -- reroutes -----------------------------------------------------------------------

  /** The link record [fromNode, output, toNode, input] of a litegraph link id, or null. */
  #linkTuple(linkId) {
    const link = this.graph._links.get(linkId);
    const origin = link && this.graph.getNodeById(link.origin_id);
    const target = link && this.graph.getNodeById(link.target_id);
    if (!origin || !target) return null;
    return [origin.properties.id, origin.outputs[link.origin_slot]?.name, target.properties.id, target.inputs[link.target_slot]?.name];
  }

  /**
   * Reroutes as plain records: {id, pos, parent?, links: [link record…]}. `parent` is the
   * reroute before it (nearer the output); a reroute no link passes through is not kept.
   */
  rerouteRecords() {
    const out = [];
    for (const r of this.graph.reroutes.values()) {
      const links = [...r.linkIds].map((id) => this.#linkTuple(id)).filter(Boolean);
      if (!links.length) continue;
      const record = { id: r.id, pos: [Math.round(r.pos[0]), Math.round(r.pos[1])] };
      if (r.parentId != null) record.parent = r.parentId;
      record.links = links.sort((a, b) => a.join("\u0000").localeCompare(b.join("\u0000")));
      out.push(record);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** Put saved reroutes back on the links they belong to (call after the links exist). */
  addReroutes(records) {
    const idOf = new Map();
    for (const [id] of this.graph._links) {
      const t = this.#linkTuple(id);
      if (t) idOf.set(JSON.stringify(t), id);
    }
    const kept = [];
    for (const r of records ?? []) {
      const linkIds = (r.links ?? []).map((t) => idOf.get(JSON.stringify(t))).filter((id) => id != null);
      if (!linkIds.length || !Array.isArray(r.pos) || !Number.isInteger(r.id)) continue;
      this.graph.setReroute({ id: r.id, parentId: r.parent ?? undefined, pos: [...r.pos], linkIds });
      kept.push({ id: r.id, parent: r.parent, linkIds });
    }
    // Each link ends at the last reroute of its chain: the one that is no other's parent.
    for (const [, linkId] of idOf) {
      const chain = kept.filter((r) => r.linkIds.includes(linkId));
      const last = chain.find((r) => !chain.some((o) => o.parent === r.id));
      if (last) this.graph._links.get(linkId).parentId = last.id;
    }
    this.canvas.setDirty(true, true);
  }

  // -- groups, view, selection --------------------------------------------------------

  groupRecords() {
    return this.graph._groups.map((g) => ({
      title: g.title,
      bounding: [...g._bounding].map(Math.round),
      color: g.color,
    }));
  }

  addGroup({ title = "Group", bounding, color }) {
    const group = new LGraphGroup(title);
    group.configure({ id: -1, title, bounding, color, flags: {} });
    group.id = -1;
    this.graph.add(group);
    this.touch();
  }

  groupSelected(title = "Group") {
    const nodes = Object.values(this.canvas.selected_nodes ?? {});
    if (!nodes.length) return false;
    const group = new LGraphGroup(title);
    group.resizeTo(nodes, 14);
    this.graph.add(group);
    this.touch();
    return true;
  }

  getView() {
    const { offset, scale } = this.canvas.ds;
    return { offset: [Math.round(offset[0]), Math.round(offset[1])], scale: Number(scale.toFixed(3)) };
  }

  setView(view) {
    if (!view) return;
    if (view.offset) this.canvas.ds.offset = [view.offset[0], view.offset[1]];
    if (view.scale) this.canvas.ds.scale = view.scale;
    this.canvas.setDirty(true, true);
  }

  /** The graph position at the middle of the visible area (where a clicked node lands). */
  viewCentre() {
    const c = this.canvas.canvas;
    const [x, y] = this.canvas.convertCanvasToOffset([c.clientWidth / 2, c.clientHeight / 2]);
    return [Math.round(x - THEME.nodeWidth / 2), Math.round(y - 60)];
  }

  /**
   * Frame the graph (never magnified beyond 100%). A graph that does not fit at a readable
   * zoom is shown from its top-left corner, cut between columns so no node is half hidden
   * (framing.js); `whole` shows everything however small (the overview), and pressing Fit
   * again on a framed view toggles to that overview.
   */
  fitView({ whole = false, toggle = false } = {}) {
    const el = this.canvas.canvas;
    const rects = this.graph._nodes.map(rectOf);
    const stage = { w: el.clientWidth, h: el.clientHeight };
    let view = frameView(rects, stage, { whole });
    if (toggle && !whole && sameView(view, this.canvas.ds)) view = frameView(rects, stage, { whole: true });
    this.setView(view);
  }

  /** Every node's rectangle (title included) and title colour, for the minimap. */
  nodeBoxes() {
    return this.graph._nodes.map((n) => {
      const [x, y, w, h] = rectOf(n);
      return { x, y, w, h, colour: n.color || THEME.nodeTitle };
    });
  }

  /** The graph-space rectangle the stage shows now. */
  viewRect() {
    const el = this.canvas.canvas;
    const [x0, y0] = this.canvas.convertCanvasToOffset([0, 0]);
    const [x1, y1] = this.canvas.convertCanvasToOffset([el.clientWidth, el.clientHeight]);
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }

  /** Move the view (same zoom) so that graph point [x, y] is in the middle of the stage. */
  centreOn([x, y]) {
    const el = this.canvas.canvas;
    const scale = this.canvas.ds.scale;
    this.setView({ offset: [el.clientWidth / scale / 2 - x, el.clientHeight / scale / 2 - y], scale });
  }

  /** Share of the nodes whose centre is in view (a saved view from a bigger screen may show few). */
  visibleShare() {
    const nodes = this.graph._nodes;
    if (!nodes.length) return 1;
    const el = this.canvas.canvas;
    const [x0, y0] = this.canvas.convertCanvasToOffset([0, 0]);
    const [x1, y1] = this.canvas.convertCanvasToOffset([el.clientWidth, el.clientHeight]);
    const inside = nodes.filter((n) => {
      const cx = n.pos[0] + n.size[0] / 2;
      const cy = n.pos[1] + n.size[1] / 2;
      return cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1;
    });
    return inside.length / nodes.length;
  }

  selectedIds() {
    return Object.values(this.canvas.selected_nodes ?? {}).map((n) => n.properties.id);
  }

  select(ids) {
    this.canvas.selectNodes(ids.map((id) => this.byId.get(id)).filter(Boolean));
    this.canvas.setDirty(true);
  }

  clear() {
    this.batch(() => {
      this.graph.clear();
      this.byId.clear();
    });
  }

  copy() {
    this.canvas.copyToClipboard();
  }

  paste() {
    this.canvas.pasteFromClipboard({});
    this.touch();
  }

  deleteSelected() {
    this.canvas.deleteSelected();
    this.touch();
  }

  // -- coordinates (for drops, dialogs and tests) -----------------------------------

  graphPosAt(clientX, clientY) {
    const rect = this.canvas.canvas.getBoundingClientRect();
    return this.canvas.convertCanvasToOffset([clientX - rect.left, clientY - rect.top]).map(Math.round);
  }

  clientPosOf(graphPos) {
    const rect = this.canvas.canvas.getBoundingClientRect();
    const [x, y] = this.canvas.convertOffsetToCanvas(graphPos);
    return [x + rect.left, y + rect.top];
  }

  /** Client coordinates of a socket: kind "input" or "output". */
  slotClientPos(id, kind, name) {
    const node = this.byId.get(id);
    if (!node) return null;
    node._setConcreteSlots();
    node.arrange();
    const index = kind === "input" ? node.findInputSlot(name) : node.findOutputSlot(name);
    if (index < 0) return null;
    const pos = kind === "input" ? node.getInputPos(index) : node.getOutputPos(index);
    return this.clientPosOf(pos);
  }

  /** Client rectangle {x, y, w, h} of a node (title included) or of one of its widgets. */
  clientRectOf(id, widgetName) {
    const node = this.byId.get(id);
    if (!node) return null;
    node._setConcreteSlots();
    node.arrange();
    let x = node.pos[0];
    let y = node.pos[1] - THEME.titleHeight;
    let w = node.size[0];
    let h = node.size[1] + THEME.titleHeight;
    if (widgetName) {
      const widget = node.widgets.find((wd) => wd.name === widgetName);
      if (!widget) return null;
      x = node.pos[0] + 15;
      y = node.pos[1] + widget.y;
      w = node.size[0] - 30;
      h = widget.computedHeight ? widget.computedHeight - 4 : THEME.widgetHeight;
    }
    const [cx, cy] = this.clientPosOf([x, y]);
    const s = this.canvas.ds.scale;
    return { x: cx, y: cy, w: w * s, h: h * s };
  }

  // -- run state and previews -----------------------------------------------------------

  /** `state`: null or {status: queued|running|cached|done|error|skipped, progress?, seconds?, message?}. */
  setState(id, state) {
    const node = this.byId.get(id);
    if (!node) return;
    node.rg.state = state;
    this.canvas.setDirty(true);
  }

  clearStates() {
    for (const node of this.graph._nodes) node.rg.state = null;
    this.canvas.setDirty(true);
  }

  /** Validation problems on one node: [{name, message}] or null. */
  setErrors(id, errors) {
    const outer = this.outerOf(id);
    if (outer) {
      // A problem inside a subgraph shows on its node, naming the inner node.
      const inner = id.slice(outer.length + 1);
      const named = (errors ?? []).map((e) => ({ name: null, message: `${inner}${e.name ? `.${e.name}` : ""}: ${e.message}` }));
      const kept = (this.byId.get(outer).rg.errors ?? []).filter((e) => !e.message.startsWith(`${inner}`));
      return this.setErrors(outer, [...kept, ...named]);
    }
    const node = this.byId.get(id);
    if (!node) return false;
    node.rg.errors = errors?.length ? errors : null;
    this.canvas.setDirty(true);
    return true;
  }

  clearErrors() {
    for (const node of this.graph._nodes) node.rg.errors = null;
    this.canvas.setDirty(true);
  }

  /**
   * `preview`: null or {images: [drawable], caption?}. A new preview gets a slot at the
   * bottom of the node, as tall as the free room below it allows (nodes never grow into each
   * other); its height is not part of the saved size, and dragging the node's corner resizes it.
   */
  setPreview(id, preview) {
    const node = this.byId.get(id) ?? this.byId.get(this.outerOf(id));
    if (!node) return;
    node.rg.preview = preview;
    if (!preview) this.#setSlot(node, 0);
    else if (!node.rg.slot) this.#setSlot(node, previewSlotFor(node, preview, this.#roomBelow(node)));
    this.canvas.setDirty(true, true);
  }

  #setSlot(node, slot) {
    const base = node.size[1] - (node.rg.slot ?? 0);
    node.rg.slot = slot;
    node.rg.sizing = true;
    node.setSize([node.size[0], base + slot]);
    node.rg.sizing = false;
  }

  /** Graph units free below a node before the next node that shares some of its columns. */
  #roomBelow(node) {
    const [x, w] = [node.pos[0], node.size[0]];
    const bottom = node.pos[1] + node.size[1];
    let room = 240;
    for (const other of this.graph._nodes) {
      if (other === node || other.pos[0] >= x + w + 10 || other.pos[0] + other.size[0] <= x - 10) continue;
      const top = other.pos[1] - THEME.titleHeight;
      if (top >= bottom - 1) room = Math.min(room, top - bottom - 16);
    }
    return Math.max(0, room);
  }

  /** What the canvas shows on a node besides its data, to put back after undo (which rebuilds nodes). */
  decorations() {
    const out = new Map();
    for (const [id, node] of this.byId) {
      const { state, errors, preview } = node.rg;
      if (state || errors || preview) out.set(id, { state, errors, preview, slot: node.rg.slot ?? 0 });
    }
    return out;
  }

  restoreDecorations(saved) {
    for (const [id, d] of saved) {
      const node = this.byId.get(id);
      if (!node) continue;
      node.rg.state = d.state;
      node.rg.errors = d.errors;
      node.rg.preview = d.preview;
      if (d.preview && d.slot) this.#setSlot(node, d.slot);
    }
    this.canvas.setDirty(true, true);
  }

  redraw() {
    this.canvas.setDirty(true, true);
  }

  // -- dialogs the canvas opens ---------------------------------------------------------

  async #openSearch(event, options) {
    const pos = event ? this.graphPosAt(event.clientX, event.clientY) : this.viewCentre();
    const want = options.type_filter_in ? { input: options.type_filter_in } : options.type_filter_out
      ? { output: options.type_filter_out } : null;
    this.searching = true;
    const type = await this.hooks.search({ x: event?.clientX, y: event?.clientY, want }).finally(() => {
      this.searching = false;
    });
    if (!type) return;
    const id = this.addNode(type, { pos });
    const node = this.byId.get(id);
    if (options.node_from && options.slot_from) {
      const index = node.inputs.findIndex((s) => LiteGraph.isValidConnection(options.slot_from.type, s.type));
      const from = options.node_from.findOutputSlot(options.slot_from.name);
      if (index >= 0 && from >= 0) options.node_from.connect(from, node, index);
    } else if (options.node_to && options.slot_from) {
      const index = node.outputs.findIndex((s) => LiteGraph.isValidConnection(s.type, options.slot_from.type));
      const to = options.node_to.findInputSlot(options.slot_from.name);
      if (index >= 0 && to >= 0) node.connect(index, options.node_to, to);
    }
    this.touch();
  }

  /** Called by widgets when their value changed by hand. */
  widgetChanged(node, widget) {
    const left = node.rg.errors?.filter((e) => e.name !== widget?.rgParam) ?? [];
    node.rg.errors = left.length ? left : null;
    this.canvas.setDirty(true);
    this.touch();
  }

  async editWidget(node, widget, { multiline }) {
    const rect = this.clientRectOf(node.properties.id, widget.name);
    const spec = widget.rgSpec;
    const text = spec.kind === "json" ? JSON.stringify(widget.value) : widget.value == null ? "" : String(widget.value);
    const value = await this.hooks.prompt({ title: spec.label, value: text, multiline, rect, description: spec.description });
    if (value === null || value === undefined) return;
    const parsed = parseTyped(spec, value);
    if (parsed.error) {
      // Keep the old value, and show why on the widget itself as well as in a toast.
      node.rg.errors = [...(node.rg.errors ?? []).filter((e) => e.name !== spec.name), { name: spec.name, message: parsed.error }];
      this.canvas.setDirty(true);
      return this.emit("status", { level: "error", message: `${node.properties.id}.${spec.name}: ${parsed.error}` });
    }
    widget.value = parsed.value;
    this.widgetChanged(node, widget);
  }

  /** Rename a node (double-click on its title): an empty name gives back the catalog's title. */
  async renameNode(node) {
    const rect = this.clientRectOf(node.properties.id);
    const titleRect = rect && { ...rect, h: THEME.titleHeight * this.canvas.ds.scale };
    const value = await this.hooks.prompt({ title: "Node title", value: node.title, multiline: false, rect: titleRect, description: "Empty: the node type's own title." });
    if (value === null || value === undefined) return;
    const title = value.trim() || node.constructor.title;
    if (node.rgType) node.rgTitle = value.trim() || undefined;
    node.title = node.rgType ? `${title} (unknown type)` : title;
    this.canvas.setDirty(true, true);
    this.touch();
  }

  async pickFile(node, widget) {
    const value = await this.hooks.pickFile({ ...widget.rgSpec, value: widget.value });
    if (value === null || value === undefined) return;
    widget.value = value;
    this.widgetChanged(node, widget);
  }

  async pickModel(node, widget) {
    const value = await this.hooks.pickModel({ ...widget.rgSpec, value: widget.value });
    if (value === null || value === undefined || value === widget.value) return;
    widget.value = value;
    this.widgetChanged(node, widget);
  }

  async pickColor(node, widget) {
    const value = await this.hooks.pickColor(widget.value);
    if (!value) return;
    widget.value = value;
    this.widgetChanged(node, widget);
  }
}

function parseTyped(spec, text) {
  if (spec.kind === "json") {
    try {
      return { value: JSON.parse(text) };
    } catch (e) {
      return { error: `not valid JSON (${e.message})` };
    }
  }
  if (spec.kind === "number") {
    if (text.trim() === "" && spec.nullable) return { value: null };
    const n = Number(text.trim().replace(/^−/, "-"));
    if (text.trim() === "" || !Number.isFinite(n)) return { error: `“${text}” is not a number` };
    const error = rangeError(spec, n);
    return error ? { error } : { value: n };
  }
  return { value: text };
}

function paramsOf(node) {
  if (!node) return {};
  const params = { ...(node.rgExtraParams ?? {}) };
  for (const w of node.widgets ?? []) if (w.rgParam && !w.rgRandomizes) params[w.rgParam] = w.value;
  return params;
}

function setRandomize(node, name, on) {
  const toggle = node.widgets?.find((w) => w.rgRandomizes === name);
  if (toggle) toggle.value = on;
}

/** A node's rectangle in graph units, title bar included (collapsed nodes by their drawn width). */
function rectOf(n) {
  const t = THEME.titleHeight;
  if (n.flags?.collapsed) return [n.pos[0], n.pos[1] - t, n._collapsed_width || THEME.nodeWidth / 2, t];
  return [n.pos[0], n.pos[1] - t, n.size[0], n.size[1] + t];
}

function sameView(view, ds) {
  return Math.abs(view.scale - ds.scale) < 1e-3 && Math.hypot(view.offset[0] - ds.offset[0], view.offset[1] - ds.offset[1]) < 2;
}
