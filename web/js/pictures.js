// Pictures of structured values, drawn on an offscreen canvas: the scene graph (SCENE, a
// networkx node-link document) and the storyboard (SHOTS, a timed shot list). Both are read
// by their documented schema (nodes/scene/model.py, nodes/scene/shots.py), not by node type.

import { THEME } from "./theme.js";

const ENTITY_COLOURS = {
  person: "#4f8ff7", animal: "#e0a040", vehicle: "#a0a8b8", bird: "#6fc2e0", light: "#f5d76e",
  clothing: "#e06c9f", object: "#9e9e9e", place: "#58c26b", structure: "#b48ead", plant: "#7cc47c",
};

function canvas(w, h) {
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#101217";
  ctx.fillRect(0, 0, w, h);
  return [c, ctx];
}

/** Entities on an ellipse sized by salience, attributes as pills around them, relations as labelled arrows. */
export function drawSceneGraph(doc) {
  const [c, ctx] = canvas(640, 400);
  const nodes = new Map(doc.nodes.map((n) => [n.id, n]));
  const scene = nodes.get("scene") ?? {};
  const entities = doc.nodes.filter((n) => n.kind === "entity").sort((a, b) => (b.salience ?? 0) - (a.salience ?? 0));
  const pos = new Map();
  const cx = 320;
  const cy = 220;
  entities.forEach((e, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(entities.length, 1);
    const r = entities.length === 1 ? 0 : 1;
    pos.set(e.id, [cx + Math.cos(angle) * 210 * r, cy + Math.sin(angle) * 120 * r]);
  });
  ctx.font = `600 18px ${THEME.font}`;
  ctx.fillStyle = THEME.nodeTitleText;
  ctx.textAlign = "center";
  const heading = [scene.setting, scene.location, scene.time_of_day, ...(scene.weather ?? [])].filter(Boolean).join(" · ");
  ctx.fillText(heading || "scene", cx, 30);
  drawRelations(ctx, doc.links, nodes, pos);
  drawAttributes(ctx, doc.links, nodes, pos, cx, cy);
  for (const e of entities) drawEntity(ctx, e, pos.get(e.id));
  return c;
}

function drawRelations(ctx, links, nodes, pos) {
  ctx.font = `14px ${THEME.font}`;
  for (const link of links) {
    if (link.kind === "has" || !pos.has(link.source) || !pos.has(link.target) || link.source === link.target) continue;
    const [x1, y1] = pos.get(link.source);
    const [x2, y2] = pos.get(link.target);
    const angle = Math.atan2(y2 - y1, x2 - x1);
    const [ex, ey] = [x2 - Math.cos(angle) * 46, y2 - Math.sin(angle) * 46];
    ctx.strokeStyle = "#6b7384";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(ex, ey);
    ctx.stroke();
    ctx.fillStyle = "#6b7384";
    ctx.beginPath();
    ctx.moveTo(ex, ey);
    ctx.lineTo(ex - 12 * Math.cos(angle - 0.4), ey - 12 * Math.sin(angle - 0.4));
    ctx.lineTo(ex - 12 * Math.cos(angle + 0.4), ey - 12 * Math.sin(angle + 0.4));
    ctx.fill();
    const label = [link.verb, link.prep].filter(Boolean).join(" ") || link.kind;
    ctx.fillStyle = "#c8ccd4";
    ctx.textAlign = "center";
    ctx.fillText(label, (x1 + x2) / 2, (y1 + y2) / 2 - 7);
  }
}

function drawAttributes(ctx, links, nodes, pos, cx, cy) {
  const perEntity = new Map();
  ctx.font = `13px ${THEME.font}`;
  for (const link of links) {
    if (link.kind !== "has" || !pos.has(link.source)) continue;
    const attr = nodes.get(link.target);
    if (!attr) continue;
    const k = perEntity.get(link.source) ?? 0;
    perEntity.set(link.source, k + 1);
    const [x, y] = pos.get(link.source);
    const out = Math.atan2(y - cy, x - cx || 1) + (k - 1) * 0.5;
    const [ax, ay] = [x + Math.cos(out) * 86, y + Math.sin(out) * 62];
    ctx.strokeStyle = "#3a404c";
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(ax, ay);
    ctx.stroke();
    const text = String(attr.value ?? attr.category ?? "");
    const w = ctx.measureText(text).width + 18;
    ctx.fillStyle = attr.rgb ? `rgb(${attr.rgb.join(",")})` : "#2a2f3a";
    ctx.strokeStyle = "#6b7384";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.roundRect(ax - w / 2, ay - 11, w, 22, 11);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = attr.rgb && attr.rgb.reduce((a, b) => a + b, 0) > 380 ? "#111" : "#e6e9ef";
    ctx.textAlign = "center";
    ctx.fillText(text, ax, ay + 5);
  }
}

function drawEntity(ctx, e, [x, y]) {
  const r = 30 + 16 * (e.salience ?? 0.3);
  ctx.fillStyle = ENTITY_COLOURS[e.type] ?? "#7d8596";
  ctx.globalAlpha = 0.9;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.fillStyle = "#0d0f13";
  ctx.font = `600 16px ${THEME.font}`;
  ctx.textAlign = "center";
  ctx.fillText(e.label ?? e.id, x, y + 3);
  ctx.font = `12px ${THEME.font}`;
  const sub = [e.type, e.count > 1 ? `×${e.count}` : ""].filter(Boolean).join(" ");
  ctx.fillText(sub, x, y + 19);
}

/** One card per shot on a time line: number and times, camera move, subject and action, prompt. */
export function drawStoryboard(doc) {
  const shots = doc.shots;
  const perRow = Math.min(shots.length, 4);
  const rows = Math.ceil(shots.length / perRow);
  const cardW = 240;
  const cardH = 176;
  const [c, ctx] = canvas(perRow * (cardW + 12) + 12, rows * (cardH + 12) + 34);
  const total = doc.duration || shots.reduce((s, x) => s + x.duration, 0) || 1;
  const barW = c.width - 24;
  shots.forEach((shot, i) => {
    ctx.fillStyle = i % 2 ? "#4f8ff7" : "#3fb7a6";
    ctx.fillRect(12 + (shot.start / total) * barW, 10, Math.max(2, (shot.duration / total) * barW - 3), 12);
  });
  shots.forEach((shot, i) => drawShot(ctx, shot, 12 + (i % perRow) * (cardW + 12), 30 + Math.floor(i / perRow) * (cardH + 12), cardW, cardH));
  return c;
}

function drawShot(ctx, shot, x, y, w, h) {
  ctx.fillStyle = "#1c2028";
  ctx.strokeStyle = "#343944";
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, 8);
  ctx.fill();
  ctx.stroke();
  ctx.textAlign = "left";
  ctx.fillStyle = THEME.nodeTitleText;
  ctx.font = `700 17px ${THEME.font}`;
  ctx.fillText(`#${shot.index + 1}`, x + 12, y + 26);
  ctx.fillStyle = THEME.widgetLabel;
  ctx.font = `13px ${THEME.font}`;
  ctx.fillText(`${shot.start.toFixed(1)}–${(shot.start + shot.duration).toFixed(1)} s · ${shot.camera?.move ?? "static"}`, x + 48, y + 26);
  ctx.fillStyle = "#e6e9ef";
  ctx.font = `600 15px ${THEME.font}`;
  ctx.fillText([shot.subject_name ?? shot.subject, shot.action].filter(Boolean).join(" · ") || "establishing", x + 12, y + 52, w - 24);
  ctx.fillStyle = "#b4bac6";
  ctx.font = `13px ${THEME.font}`;
  wrap(ctx, shot.prompt ?? "", w - 24).slice(0, 6).forEach((line, i) => ctx.fillText(line, x + 12, y + 76 + i * 17));
}

function wrap(ctx, text, width) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
