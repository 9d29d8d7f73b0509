// The example gallery: the shipped workflows as cards, on the empty canvas and in Open.
//
// Each card has a small drawing of the workflow (its nodes as boxes in their category
// colours, its links as lines), the title and description, and, for a workflow with a node
// that needs a GPU, a GPU mark and what it needs (a CUDA GPU and the models named in its
// `model` parameters, with the command that fetches them).

import { el } from "./dialogs.js";
import { categoryColour } from "./theme.js";

/**
 * Read the shipped examples: [{name, workflow, gpu: bool, needs: [model ids]}].
 * @param api the server API (workflows(), loadWorkflow(name))
 * @param contractOf (type) → the node's catalog contract, or undefined
 */
export async function loadExamples(api, contractOf) {
  const { workflows } = await api.workflows();
  const names = [...new Set(workflows.filter((w) => w.source === "example").map((w) => w.name))];
  const loaded = await Promise.all(names.map((name) => api.loadWorkflow(name).then((wf) => ({ name, wf })).catch(() => null)));
  return loaded.filter(Boolean).map(({ name, wf }) => {
    const nodes = Object.values(wf.nodes ?? {});
    const gpu = nodes.some((n) => contractOf(n.type)?.resource === "gpu");
    const needs = gpu ? [...new Set(nodes.map((n) => n.params?.model).filter((m) => typeof m === "string" && m.includes("/")))] : [];
    return { name, workflow: wf, gpu, needs };
  }).sort((a, b) => Number(a.gpu) - Number(b.gpu) || a.name.localeCompare(b.name));
}

/** The gallery element: a grid of cards; `onOpen(name)` when one is chosen. */
export function galleryElement(examples, contractOf, onOpen) {
  const cards = examples.map((ex) => {
    const wf = ex.workflow;
    const needs = ex.gpu
      ? el("div", { class: "needs" }, `Needs a CUDA GPU${ex.needs.length ? " and " : "."}`,
        ex.needs.flatMap((m, i) => [i ? ", " : "", el("code", { text: m, title: `hf download ${m}` })]),
        ex.needs.length ? "." : "")
      : null;
    return el("button", { class: `gallery-card${ex.gpu ? " gpu" : ""}`, "data-name": ex.name, title: `Open ${ex.name}`, onclick: () => onOpen(ex.name) },
      thumbnail(wf, contractOf),
      el("div", { class: "gallery-text" },
        el("div", { class: "gallery-title" }, el("span", { text: wf.title || ex.name }), ex.gpu ? el("span", { class: "tag gpu", text: "GPU" }) : el("span", { class: "tag cpu", text: "CPU" })),
        wf.description ? el("div", { class: "gallery-desc", text: wf.description }) : null,
        needs));
  });
  return el("div", { class: "gallery" }, el("div", { class: "gallery-head", text: "Start from an example" }), el("div", { class: "gallery-grid" }, cards));
}

/** A small drawing of the workflow: node boxes where they sit, coloured by category, and the links. */
function thumbnail(wf, contractOf, width = 240, height = 110) {
  const canvas = el("canvas", { class: "gallery-thumb", width: width * 2, height: height * 2 });
  const ctx = canvas.getContext("2d");
  ctx.scale(2, 2);
  ctx.fillStyle = "#111318";
  ctx.fillRect(0, 0, width, height);
  const boxes = new Map();
  Object.entries(wf.nodes ?? {}).forEach(([id, n], i) => {
    const [x, y] = n.ui?.pos ?? [(i % 6) * 320, Math.floor(i / 6) * 260];
    const [w, h] = n.ui?.size ?? [240, 140];
    boxes.set(id, { x, y, w, h, colour: categoryColour(contractOf(n.type)?.category ?? "") });
  });
  if (!boxes.size) return canvas;
  const all = [...boxes.values()];
  const x0 = Math.min(...all.map((b) => b.x));
  const y0 = Math.min(...all.map((b) => b.y));
  const x1 = Math.max(...all.map((b) => b.x + b.w));
  const y1 = Math.max(...all.map((b) => b.y + b.h));
  const s = Math.min((width - 16) / (x1 - x0), (height - 16) / (y1 - y0));
  const ox = (width - (x1 - x0) * s) / 2;
  const oy = (height - (y1 - y0) * s) / 2;
  const at = (b) => [ox + (b.x - x0) * s, oy + (b.y - y0) * s, b.w * s, b.h * s];
  ctx.strokeStyle = "rgba(180, 190, 210, 0.45)";
  ctx.lineWidth = 1;
  for (const [from, , to] of wf.links ?? []) {
    const a = boxes.get(from);
    const b = boxes.get(to);
    if (!a || !b) continue;
    const [ax, ay, aw] = at(a);
    const [bx, by] = at(b);
    ctx.beginPath();
    ctx.moveTo(ax + aw, ay + 4);
    ctx.bezierCurveTo(ax + aw + 12, ay + 4, bx - 12, by + 4, bx, by + 4);
    ctx.stroke();
  }
  for (const b of all) {
    const [x, y, w, h] = at(b);
    ctx.fillStyle = "#262a33";
    ctx.fillRect(x, y, w, h);
    ctx.fillStyle = b.colour;
    ctx.fillRect(x, y, w, Math.max(2, Math.min(6, h / 4)));
  }
  return canvas;
}
