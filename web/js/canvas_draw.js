// What the editor paints on top of a node: run state, validation errors and previews.
// Part of the canvas layer (called from the node class in canvas.js). The state lives on
// `node.rg` as plain data; these functions only read it, so a node without state costs
// one property check per frame.

import { STATE_COLOURS, THEME } from "./theme.js";
import { truncate, wrapLines } from "./canvas_widgets.js";

const BADGE_FONT = `600 11px ${THEME.font}`;
const NOTE_FONT = `12px ${THEME.font}`;

/** litegraph's mode numbers for mute (NEVER) and bypass (BYPASS). */
const MUTE = 2;
const BYPASS = 4;

/**
 * Bypassed nodes get ComfyUI's purple wash, muted ones a dark veil, both with a label in the
 * title bar, so a glance tells what will not run.
 */
export function drawMode(node, ctx) {
  if (node.mode !== MUTE && node.mode !== BYPASS) return;
  const t = THEME.titleHeight;
  const [w, h] = node.collapsed ? [node._collapsed_width || 120, 0] : node.size;
  const bypass = node.mode === BYPASS;
  ctx.save();
  ctx.fillStyle = bypass ? "rgba(170, 70, 230, 0.38)" : "rgba(12, 13, 16, 0.62)";
  ctx.beginPath();
  ctx.roundRect(0, -t, w, h + t, THEME.radius);
  ctx.fill();
  const label = bypass ? "BYPASSED" : "MUTED";
  ctx.font = BADGE_FONT;
  const bw = ctx.measureText(label).width + 14;
  ctx.fillStyle = bypass ? "#c77dff" : "#8b93a3";
  ctx.beginPath();
  ctx.roundRect(w - bw - 8, -t + 7, bw, 16, 8);
  ctx.fill();
  ctx.fillStyle = "#0d0f13";
  ctx.textAlign = "left";
  ctx.fillText(label, w - bw + 7 - 8, -t + 19);
  ctx.restore();
}

/** Outline, badge, progress bar and message box for `node.rg.state` and `node.rg.errors`. */
export function drawDecorations(node, ctx, lowQuality) {
  drawMode(node, ctx);
  const { state, errors, note } = node.rg;
  if (!state && !errors && !note) return;
  const colour = errors || note ? THEME.error : STATE_COLOURS[state.status] || THEME.queued;
  const [w, h] = node.collapsed ? [node._collapsed_width || 120, 0] : node.size;
  const t = THEME.titleHeight;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = state?.status === "running" ? 3 : 2;
  if (state?.status === "queued") ctx.setLineDash([6, 4]);
  ctx.beginPath();
  ctx.roundRect(-4, -t - 4, w + 8, h + t + 8, THEME.radius + 3);
  ctx.stroke();
  ctx.setLineDash([]);
  if (!lowQuality) {
    if (state) drawBadge(ctx, w, t, badgeText(state), colour);
    if (state?.status === "running") drawProgress(ctx, w, state.progress);
    if (errors && !node.collapsed) drawErrorMarks(node, ctx, errors);
    const note = noteLines(node);
    if (note.length) drawNote(ctx, node, w, h, note, colour);
  }
  ctx.restore();
}

function badgeText(state) {
  switch (state.status) {
    case "running":
      return state.progress != null ? `${Math.round(state.progress * 100)}%` : "running";
    case "done":
      return state.seconds != null ? formatSeconds(state.seconds) : "done";
    default:
      return state.status;
  }
}

export function formatSeconds(s) {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function drawBadge(ctx, w, t, text, colour) {
  ctx.font = BADGE_FONT;
  const tw = ctx.measureText(text).width;
  const bw = tw + 14;
  const x = w - bw - 8;
  const y = -t + 7;
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.roundRect(x, y, bw, 16, 8);
  ctx.fill();
  ctx.fillStyle = "#0d0f13";
  ctx.textAlign = "left";
  ctx.fillText(text, x + 7, y + 12);
}

function drawProgress(ctx, w, progress) {
  ctx.fillStyle = "rgba(255,255,255,0.08)";
  ctx.fillRect(0, -4, w, 4);
  ctx.fillStyle = THEME.running;
  if (progress == null) {
    const phase = (performance.now() / 900) % 1;
    ctx.fillRect(phase * w * 0.75, -4, w * 0.25, 4);
  } else {
    ctx.fillRect(0, -4, w * Math.min(1, Math.max(0, progress)), 4);
  }
}

/** Red rings on the offending input sockets and widgets. */
function drawErrorMarks(node, ctx, errors) {
  ctx.strokeStyle = THEME.error;
  ctx.lineWidth = 2;
  for (const { name } of errors) {
    if (!name) continue;
    const widget = node.widgets?.find((w) => w.rgParam === name && !w.rgRandomizes);
    if (widget && node.isWidgetVisible(widget)) {
      const wh = widget.computedHeight ? widget.computedHeight - 4 : THEME.widgetHeight;
      ctx.beginPath();
      ctx.roundRect(12, widget.y - 3, node.size[0] - 24, wh + 6, 8);
      ctx.stroke();
      continue;
    }
    const index = node.inputs?.findIndex((s) => s.name === name) ?? -1;
    if (index >= 0) {
      const pos = node.getInputPos(index);
      ctx.beginPath();
      ctx.arc(pos[0] - node.pos[0], pos[1] - node.pos[1], 8, 0, Math.PI * 2);
      ctx.stroke();
    }
  }
}

function noteLines(node) {
  const { state, errors, note } = node.rg;
  const lines = note ? [note] : [];
  for (const e of errors ?? []) lines.push(e.name ? `${e.name}: ${e.message}` : e.message);
  if (state?.status === "error" && state.message) lines.push(state.message);
  if (state?.status === "skipped" && state.message) lines.push(state.message);
  return lines;
}

/**
 * A message box under the node, wrapped to its width: three lines while the node is not
 * selected (so boxes do not pile over the nodes below), the whole text when it is; the
 * inspector always has the full text with a copy button.
 */
function drawNote(ctx, node, w, h, messages, colour) {
  ctx.font = NOTE_FONT;
  const width = Math.max(w, 220);
  const all = wrapLines(ctx, node.rg, messages.join("\n"), width - 20);
  const limit = node.is_selected ? 40 : 3;
  const lines = all.slice(0, limit);
  if (all.length > limit) lines[limit - 1] = `${lines[limit - 1]} … (select the node for the rest)`;
  const boxH = lines.length * 16 + 12;
  const y = h + 10;
  ctx.fillStyle = "rgba(40, 16, 18, 0.94)";
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.roundRect(0, y, width, boxH, 6);
  ctx.fill();
  ctx.stroke();
  ctx.fillStyle = "#ffd9d9";
  ctx.textAlign = "left";
  lines.forEach((line, i) => ctx.fillText(truncate(ctx, line, width - 20), 10, y + 20 + i * 16));
}

// -- previews ---------------------------------------------------------------------------

/**
 * `node.rg.preview` = {images: [drawable…], caption?}. A drawable is anything drawImage
 * accepts (an <img>, <canvas>, <video> or ImageBitmap); one with `rgTiles` = n > 1 is a strip
 * of n equal pictures side by side (a keyframe strip) and counts as n pictures. The pictures
 * live in the node's preview slot (`node.rg.slot` graph units added at its bottom, never
 * saved as its size); one picture fills it, several are laid out as a grid.
 */
export function drawPreview(node, ctx, lowQuality) {
  const preview = node.rg.preview;
  if (!preview || node.collapsed || !node.rg.slot) return;
  const area = previewArea(node);
  if (area.h < 24) return;
  const pieces = piecesOf(preview.images.filter(isReady));
  if (!pieces.length) return;
  ctx.save();
  ctx.fillStyle = "#0d0f13";
  ctx.beginPath();
  ctx.roundRect(area.x, area.y, area.w, area.h, 6);
  ctx.fill();
  if (!lowQuality) {
    const captionH = preview.caption ? 16 : 0;
    layoutGrid(pieces, area.w - 8, area.h - 8 - captionH).forEach((cell, i) =>
      drawFitted(ctx, pieces[i], area.x + 4 + cell.x, area.y + 4 + cell.y, cell.w, cell.h),
    );
    if (preview.caption) {
      ctx.font = `11px ${THEME.font}`;
      ctx.fillStyle = THEME.widgetLabel;
      ctx.textAlign = "center";
      ctx.fillText(truncate(ctx, preview.caption, area.w - 12), area.x + area.w / 2, area.y + area.h - 6);
    }
  }
  ctx.restore();
}

/** The free rectangle under the slots and widgets, in node coordinates. */
export function previewArea(node) {
  const inputs = (node.inputs ?? []).filter((s) => !s.widget).length;
  const rows = Math.max(inputs, node.outputs?.length ?? 0, 1);
  let top = rows * THEME.slotHeight + 6;
  for (const w of node.widgets ?? []) {
    if (!node.isWidgetVisible(w)) continue;
    top = Math.max(top, (w.y ?? 0) + (w.computedHeight ?? THEME.widgetHeight + 4));
  }
  top += 4;
  return { x: 8, y: top, w: node.size[0] - 16, h: node.size[1] - top - 8, top };
}

function isReady(img) {
  if (typeof HTMLImageElement !== "undefined" && img instanceof HTMLImageElement) return img.complete && img.naturalWidth > 0;
  if (typeof HTMLVideoElement !== "undefined" && img instanceof HTMLVideoElement) return img.readyState >= 2;
  return true;
}

export function naturalSize(img) {
  return [img.naturalWidth || img.videoWidth || img.width || 1, img.naturalHeight || img.videoHeight || img.height || 1];
}

/** Each drawable as pictures to lay out: {img, sx, sw, w, h}, several for a strip (`rgTiles`). */
function piecesOf(images) {
  return images.flatMap((img) => {
    const [w, h] = naturalSize(img);
    const n = img.rgTiles > 1 ? img.rgTiles : 1;
    return Array.from({ length: n }, (_, i) => ({ img, sx: (i * w) / n, sw: w / n, w: w / n, h }));
  });
}

/** Split the area into equal cells: one row for a few pieces, a grid for many. */
function layoutGrid(pieces, w, h) {
  const n = pieces.length;
  const { w: iw, h: ih } = pieces[0];
  let best = { cols: 1, size: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const cw = w / cols;
    const ch = h / rows;
    const scale = Math.min(cw / iw, ch / ih);
    if (scale > best.size) best = { cols, size: scale };
  }
  const rows = Math.ceil(n / best.cols);
  const cw = w / best.cols;
  const ch = h / rows;
  return pieces.map((_, i) => ({ x: (i % best.cols) * cw, y: Math.floor(i / best.cols) * ch, w: cw - 2, h: ch - 2 }));
}

function drawFitted(ctx, piece, x, y, w, h) {
  const scale = Math.min(w / piece.w, h / piece.h);
  const dw = piece.w * scale;
  const dh = piece.h * scale;
  ctx.drawImage(piece.img, piece.sx, 0, piece.sw, piece.h, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh);
}

/**
 * Height of the preview slot a node gets for a new preview: what the pictures want at the
 * node's width (16:9 for a picture not loaded yet), between 80 and 240, and never more than
 * the free room below the node (`room`), so a preview never grows a node into its neighbour.
 * Returns 0 when there is no usable room: the pictures are then in the inspector only.
 */
export function previewSlotFor(node, preview, room) {
  const wanted = Math.max(80, Math.min(240, preferredPreviewHeight(node, preview)));
  const slot = Math.min(wanted, room);
  return slot >= 48 ? Math.round(slot) : 0;
}

/** Height a node needs to show its preview at its width. */
function preferredPreviewHeight(node, preview) {
  const pieces = piecesOf(preview.images);
  if (!pieces.length) return 0;
  const { w: iw, h: ih } = pieces[0];
  const aspect = iw > 1 && ih > 1 ? ih / iw : 9 / 16;
  const n = pieces.length;
  const width = node.size[0] - 24;
  const perRow = n <= 4 ? n : Math.ceil(Math.sqrt(n * 1.6));
  const rows = Math.ceil(n / perRow);
  return (width / perRow) * aspect * rows + 12 + (preview.caption ? 16 : 0);
}
