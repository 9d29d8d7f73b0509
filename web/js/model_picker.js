// The model picker: a modal listing the models on the server's machine (`GET /api/models`,
// filtered by the parameter's `model_kinds`), with a field for any path or hub id — a shared
// workflow may name a model this machine does not have. Resolves with the chosen value, or
// null when cancelled. Built from dialogs.js's modal, in the same look as its other lists.

import { el, modal } from "./dialogs.js";

const SOURCES = { folder: "folder", "hub-cache": "HF cache" };

/**
 * `spec` is the widget's spec (`label`, `description`, `modelKinds`) plus the current `value`;
 * `listModels(kinds)` resolves with `GET /api/models`' body.
 */
export function pickModel(spec, listModels) {
  const kinds = spec.modelKinds ?? [];
  const title = spec.label === "model" ? "Choose a model" : `Choose a model: ${spec.label}`;
  return modal(title, (close) => {
    const filter = el("input", { type: "search", class: "model-filter", placeholder: "Filter models…", "aria-label": "Filter models" });
    const list = el("ul", { class: "rg-list rg-models", "aria-label": "Models" }, el("li", { class: "muted", text: "Looking for models…" }));
    const typed = el("input", { type: "text", class: "model-path", value: spec.value ?? "", spellcheck: "false",
      placeholder: "/path/to/model-folder or org/name", "aria-label": "Path or hub id" });
    const useTyped = () => typed.value.trim() && close(typed.value.trim());
    let found = null;
    const render = () => renderList(list, found, filter.value, spec.value, close);
    filter.addEventListener("input", render);
    filter.addEventListener("keydown", (e) => e.key === "Enter" && list.querySelector(".rg-model:not(.unloadable)")?.click());
    typed.addEventListener("keydown", (e) => e.key === "Enter" && useTyped());
    loadModels(listModels, kinds).then((result) => {
      found = result;
      render();
    });
    requestAnimationFrame(() => filter.focus());
    return el("div", {},
      kinds.length ? el("p", { class: "message muted", text: `Models for ${kinds.join(", ")} on the server's machine.` }) : null,
      filter,
      list,
      el("label", { class: "field" }, el("span", { text: "Or type a model folder (on the server) or a Hugging Face id" }), typed),
      el("div", { class: "rg-modal-actions" },
        el("button", { text: "Cancel", onclick: () => close(null) }),
        el("button", { class: "ok primary", text: "Use this", onclick: useTyped })));
  }, { wide: true });
}

async function loadModels(listModels, kinds) {
  try {
    return await listModels(kinds);
  } catch (e) {
    return { models: [], roots: [], error: e.message };
  }
}

function renderList(list, found, query, current, close) {
  if (!found) return;
  const q = query.trim().toLowerCase();
  const shown = found.models.filter((m) => `${m.name} ${m.class_name} ${m.family} ${m.kind}`.toLowerCase().includes(q));
  list.replaceChildren(...shown.map((m) => modelRow(m, m.value === current, close)));
  if (found.error) list.append(el("li", { class: "muted", text: `Could not list the models: ${found.error}` }));
  else if (!found.models.length) list.append(emptyHint(found));
  else if (!shown.length) list.append(el("li", { class: "muted", text: "No model matches the filter." }));
}

function modelRow(m, isCurrent, close) {
  const classes = `rg-list-item rg-model${isCurrent ? " current" : ""}${m.loadable ? "" : " unloadable"}`;
  const row = el("li", { class: classes, "data-value": m.value, title: m.loadable ? m.path : m.reason },
    el("div", { class: "model-main" },
      el("span", { class: "name", text: m.name }),
      el("span", { class: `badge ${m.source}`, text: SOURCES[m.source] ?? m.source }),
      el("span", { class: "size", text: formatBytes(m.size_bytes) })),
    el("div", { class: "detail", text: `${m.class_name} · ${m.family} · ${m.kind}` }),
    m.loadable ? null : el("div", { class: "reason", text: `Cannot be loaded: ${m.reason}` }));
  if (m.loadable) row.addEventListener("click", () => close(m.value));
  return row;
}

function emptyHint(found) {
  const root = found.roots?.[0] ?? "data/models";
  return el("li", { class: "muted empty-models" },
    el("p", { text: "No models of this kind on the server's machine yet." }),
    el("p", {}, "Put a model folder (written by save_pretrained) in ", el("code", { text: `${root}/<name>/` }),
      ", or fetch one into the Hugging Face cache", found.hub_cache ? ` (${found.hub_cache})` : "", " with ",
      el("code", { text: "hf download org/name" }), "."),
    el("p", { text: "You can also type a path or hub id below: the workflow keeps it for a machine that has the model." }));
}

function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit && value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
