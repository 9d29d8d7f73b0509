// The canvas ⇄ the workflow file, format v1 (DESIGN §3).
//
// One format for the editor and for headless runs: node ids are strings, links are
// `[fromNode, output, toNode, input]` by name, positions in `ui.pos`/`ui.size`, the view
// in `ui.view`, groups in `ui.groups`, reroutes in `ui.reroutes` ({id, pos, parent?, links}),
// a node's bypass/mute in its `mode`, node versions in `meta.node_versions`. The editor
// keeps no other copy of the graph: what is saved, exported, queued and undone is this.

import { READABLE_ZOOM } from "./framing.js";

export const FORMAT = "reelgraph.workflow";
export const VERSION = 1;

export class WorkflowError extends Error {}

/** The workflow on the canvas now. `doc` carries the title/description/extra keys to keep. */
export function toWorkflow(surface, doc = {}) {
  const nodes = {};
  const versions = {};
  for (const r of surface.nodeRecords()) {
    const ui = { pos: r.pos, size: r.size };
    if (r.collapsed) ui.collapsed = true;
    if (r.advanced) ui.advanced = true;
    if (r.randomize.length) ui.randomize = r.randomize;
    const entry = { type: r.type };
    if (r.title) entry.title = r.title;
    if (r.mode) entry.mode = r.mode;
    entry.params = r.params;
    entry.ui = ui;
    nodes[r.id] = entry;
    const contract = surface.contract(r.type);
    if (contract && !r.type.startsWith("subgraph:")) versions[r.type] = contract.version;
  }
  const wf = { ...(doc.extra ?? {}), format: FORMAT, version: VERSION };
  if (doc.title) wf.title = doc.title;
  if (doc.description) wf.description = doc.description;
  wf.nodes = nodes;
  wf.links = surface.linkRecords();
  const subgraphs = surface.subgraphRecords();
  if (Object.keys(subgraphs).length) wf.subgraphs = subgraphs;
  for (const def of Object.values(subgraphs)) {
    for (const n of Object.values(def.nodes ?? {})) {
      const contract = surface.contract(n.type);
      if (contract && !n.type.startsWith("subgraph:")) versions[n.type] = contract.version;
    }
  }
  wf.ui = { view: surface.getView(), groups: surface.groupRecords() };
  const reroutes = surface.rerouteRecords();
  if (reroutes.length) wf.ui.reroutes = reroutes;
  wf.meta = { ...(doc.meta ?? {}), node_versions: sortKeys(versions), models: doc.meta?.models ?? {} };
  return wf;
}

/** The part of a workflow an undo step or the unsaved-changes mark cares about (no view). */
export function snapshotKey(wf) {
  return JSON.stringify({ ...wf, ui: { groups: wf.ui?.groups ?? [], reroutes: wf.ui?.reroutes ?? [] } });
}

/** Replace the canvas with `wf`. Returns {doc, warnings}; throws WorkflowError for a bad file. */
export function loadWorkflow(surface, wf, { keepView = false } = {}) {
  checkShape(wf);
  const warnings = versionWarnings(surface, wf);
  const layout = autoLayout(wf);
  surface.batch(() => {
    surface.clear();
    surface.setSubgraphs(wf.subgraphs);
    for (const [id, n] of Object.entries(wf.nodes)) {
      const ui = n.ui ?? {};
      surface.addNode(n.type, {
        id,
        pos: ui.pos ?? layout.get(id),
        size: ui.size,
        params: n.params ?? {},
        title: n.title,
        mode: n.mode,
        collapsed: ui.collapsed,
        advanced: ui.advanced,
        randomize: ui.randomize,
      });
      if (!surface.contract(n.type)) warnings.push(`node “${id}”: unknown type “${n.type}”`);
    }
    for (const link of wf.links) {
      if (!surface.connect(...link)) warnings.push(`link ${link[0]}.${link[1]} → ${link[2]}.${link[3]} could not be made`);
    }
    for (const g of wf.ui?.groups ?? []) if (Array.isArray(g.bounding)) surface.addGroup(g);
    if (Array.isArray(wf.ui?.reroutes)) surface.addReroutes(wf.ui.reroutes);
    if (!keepView) {
      // A saved view is kept when it reads and shows most of the graph; a file saved zoomed
      // far out (or on a bigger screen) opens framed at a readable zoom instead.
      if (wf.ui?.view) surface.setView(wf.ui.view);
      if (!wf.ui?.view || surface.visibleShare() < 0.6 || tooSmall(surface)) surface.fitView();
    }
  });
  const known = new Set(["format", "version", "title", "description", "nodes", "links", "subgraphs", "ui", "meta"]);
  const extra = Object.fromEntries(Object.entries(wf).filter(([k]) => !known.has(k)));
  return { doc: { title: wf.title ?? "", description: wf.description ?? "", meta: wf.meta ?? {}, extra }, warnings };
}

/** A graph of up to 20 nodes (a pipeline, not a whole library) is never opened below the readable zoom. */
function tooSmall(surface) {
  return surface.ids().length <= 20 && surface.getView().scale < READABLE_ZOOM - 1e-3;
}

function checkShape(wf) {
  if (!wf || typeof wf !== "object" || Array.isArray(wf)) throw new WorkflowError("a workflow must be a JSON object");
  if (wf.format !== FORMAT) {
    const comfy = Object.values(wf).some((v) => v && typeof v === "object" && "class_type" in v);
    const hint = comfy ? " (this looks like a ComfyUI API prompt: submit it to the server's /prompt route)" : "";
    throw new WorkflowError(`not a Reelgraph workflow: format is ${JSON.stringify(wf.format)}${hint}`);
  }
  if (wf.version !== VERSION) throw new WorkflowError(`workflow version ${wf.version} is not supported (this editor reads ${VERSION})`);
  if (!wf.nodes || typeof wf.nodes !== "object") throw new WorkflowError("workflow has no “nodes” object");
  if (!Array.isArray(wf.links)) throw new WorkflowError("workflow has no “links” list");
  for (const link of wf.links) {
    if (!Array.isArray(link) || link.length !== 4 || !link.every((s) => typeof s === "string")) {
      throw new WorkflowError(`bad link ${JSON.stringify(link)}: expected [from_node, output, to_node, input]`);
    }
  }
}

function versionWarnings(surface, wf) {
  const warnings = [];
  for (const [type, version] of Object.entries(wf.meta?.node_versions ?? {})) {
    const current = surface.contract(type)?.version;
    if (current && String(version).split(".")[0] !== current.split(".")[0]) {
      warnings.push(`${type} was saved at version ${version}; this server has ${current}`);
    }
  }
  return warnings;
}

/** Positions for nodes without `ui.pos`: columns by depth along the links, rows in order. */
function autoLayout(wf) {
  const ids = Object.keys(wf.nodes);
  const depth = new Map(ids.map((id) => [id, 0]));
  for (let pass = 0; pass < ids.length; pass++) {
    let moved = false;
    for (const [from, , to] of wf.links) {
      const d = (depth.get(from) ?? 0) + 1;
      if (depth.has(to) && d > depth.get(to) && d < ids.length) {
        depth.set(to, d);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const rows = new Map();
  const layout = new Map();
  for (const id of ids) {
    const col = depth.get(id);
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    layout.set(id, [60 + col * 320, 60 + row * 260]);
  }
  return layout;
}

function sortKeys(obj) {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => a.localeCompare(b)));
}

/** A file name for an export: the title in lower-case words joined by underscores. */
export function fileNameFor(title) {
  const base = String(title || "workflow").trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return `${base || "workflow"}.json`;
}
