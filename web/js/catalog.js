// The node catalog: a searchable sidebar grouped by category, and the quick-add palette the
// canvas opens on double-click or when a dragged link is dropped on empty space.
// Everything shown comes from GET /api/nodes; nothing here knows a particular node.

import { el } from "./dialogs.js";

export const DRAG_MIME = "application/x-reelgraph-node";

/** Contracts matching `query` (all words, anywhere), best first; `want` filters by socket type. */
export function searchCatalog(contracts, query, want = null) {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const scored = [];
  for (const c of contracts) {
    if (want && !accepts(c, want)) continue;
    const title = c.title.toLowerCase();
    const hay = `${title} ${c.id} ${c.category} ${c.description ?? ""}`.toLowerCase();
    if (!words.every((w) => hay.includes(w))) continue;
    const q = words.join(" ");
    const score = !q ? 0 : title.startsWith(q) ? 0 : title.includes(q) ? 1 : c.id.includes(q) ? 2 : 3;
    scored.push({ c, score });
  }
  scored.sort((a, b) => a.score - b.score || a.c.category.localeCompare(b.c.category) || a.c.title.localeCompare(b.c.title));
  return scored.map((s) => s.c);
}

function accepts(contract, want) {
  if (want.input) {
    const types = [...Object.values(contract.inputs ?? {}).map((i) => i.type), ...Object.values(contract.linkable_params ?? {})];
    return types.includes(want.input);
  }
  if (want.output) return Object.values(contract.outputs ?? {}).some((o) => o.type === want.output);
  return true;
}

function socketDots(contract, colours) {
  const dots = el("span", { class: "sockets" });
  for (const [name, o] of Object.entries(contract.outputs ?? {})) {
    dots.append(el("span", { class: "dot", title: `${name}: ${o.type}`, style: `background:${colours[o.type] ?? "#888"}` }));
  }
  return dots;
}

/** Categories in the order a prompt flows through them; others follow, A–Z. */
const PIPELINE = ["text", "scene", "style", "render", "image", "diffusion", "keyframes", "video", "audio", "encode", "value", "gan"];

export class Catalog {
  constructor(listEl, searchEl, { onAdd }) {
    this.listEl = listEl;
    this.searchEl = searchEl;
    this.onAdd = onAdd;
    this.contracts = [];
    this.colours = {};
    this.collapsed = new Set(JSON.parse(localStorage.getItem("reelgraph.catalog.collapsed") ?? "[]"));
    searchEl.addEventListener("input", () => this.render());
    searchEl.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.listEl.querySelector(".catalog-item")?.click();
      if (e.key === "Escape") {
        searchEl.value = "";
        this.render();
      }
    });
  }

  setContracts(contracts, colours) {
    this.contracts = contracts;
    this.colours = colours;
    this.render();
  }

  render() {
    const query = this.searchEl.value;
    const found = searchCatalog(this.contracts, query);
    const groups = new Map();
    for (const c of found) {
      if (!groups.has(c.category)) groups.set(c.category, []);
      groups.get(c.category).push(c);
    }
    const stage = (cat) => (PIPELINE.includes(cat) ? PIPELINE.indexOf(cat) : PIPELINE.length);
    const order = [...groups.keys()].sort((a, b) => stage(a) - stage(b) || a.localeCompare(b));
    this.listEl.replaceChildren(...order.map((cat) => this.#group(cat, groups.get(cat), Boolean(query.trim()))));
    if (!found.length) this.listEl.append(el("div", { class: "muted empty", text: `No node matches “${query}”.` }));
  }

  #group(category, contracts, searching) {
    const open = searching || !this.collapsed.has(category);
    const details = el("details", { class: "catalog-group", "data-category": category, open },
      el("summary", {}, el("span", { class: "cat", text: category }), el("span", { class: "count", text: String(contracts.length) })),
      ...contracts.map((c) => this.#item(c)));
    details.addEventListener("toggle", () => {
      if (searching) return;
      if (details.open) this.collapsed.delete(category);
      else this.collapsed.add(category);
      localStorage.setItem("reelgraph.catalog.collapsed", JSON.stringify([...this.collapsed]));
    });
    return details;
  }

  #item(contract) {
    const item = el("div", {
      class: `catalog-item${contract.output ? " is-output" : ""}`,
      draggable: "true",
      "data-type": contract.id,
      title: `${contract.id} · v${contract.version}\n${contract.description ?? ""}`,
      role: "treeitem",
    },
    el("div", { class: "line" }, el("span", { class: "title", text: contract.title }), socketDots(contract, this.colours),
      contract.resource === "gpu" ? el("span", { class: "tag gpu", text: "GPU" }) : null,
      contract.output ? el("span", { class: "tag out", text: "output" }) : null),
    contract.description ? el("div", { class: "desc", text: contract.description.split("\n")[0] }) : null);
    item.addEventListener("dragstart", (e) => {
      e.dataTransfer.setData(DRAG_MIME, contract.id);
      e.dataTransfer.setData("text/plain", contract.id);
      e.dataTransfer.effectAllowed = "copy";
    });
    item.addEventListener("click", () => this.onAdd(contract.id));
    return item;
  }
}

/** The quick-add palette at (x, y): type to filter, arrows to move, Enter to add. */
export function openPalette({ x, y, want, contracts, colours }) {
  document.querySelector(".rg-palette")?.dispatchEvent(new Event("cancel"));
  return new Promise((resolve) => {
    const input = el("input", { type: "search", placeholder: want ? `Nodes that take or give ${want.input ?? want.output}…` : "Add a node…", spellcheck: "false" });
    const list = el("ul", { class: "rg-palette-list" });
    const box = el("div", { class: "rg-palette" }, input, list);
    let selected = 0;
    let results = [];
    const finish = (type) => {
      box.remove();
      resolve(type);
    };
    const render = () => {
      results = searchCatalog(contracts, input.value, want).slice(0, 40);
      selected = Math.min(selected, Math.max(results.length - 1, 0));
      list.replaceChildren(...results.map((c, i) => el("li", {
        class: i === selected ? "selected" : "",
        "data-type": c.id,
        onpointerdown: (e) => {
          e.preventDefault();
          finish(c.id);
        },
      }, el("span", { class: "title", text: c.title }), socketDots(c, colours), el("span", { class: "cat", text: c.category }))));
      if (!results.length) list.append(el("li", { class: "muted", text: "No match" }));
      list.children[selected]?.scrollIntoView({ block: "nearest" });
    };
    input.addEventListener("input", () => {
      selected = 0;
      render();
    });
    input.addEventListener("keydown", (e) => {
      e.stopPropagation();
      if (e.key === "ArrowDown") selected = Math.min(selected + 1, results.length - 1);
      else if (e.key === "ArrowUp") selected = Math.max(selected - 1, 0);
      else if (e.key === "Enter") return finish(results[selected]?.id ?? null);
      else if (e.key === "Escape") return finish(null);
      else return;
      e.preventDefault();
      render();
    });
    input.addEventListener("blur", () => setTimeout(() => box.isConnected && finish(null), 100));
    box.addEventListener("cancel", () => finish(null));
    const left = Math.max(8, Math.min((x ?? innerWidth / 2) - 20, innerWidth - 340));
    const top = Math.max(8, Math.min((y ?? innerHeight / 3) - 20, innerHeight - 380));
    Object.assign(box.style, { left: `${left}px`, top: `${top}px` });
    document.body.append(box);
    render();
    requestAnimationFrame(() => input.focus());
  });
}
