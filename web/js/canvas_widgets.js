// Widget specs → widgets on a canvas node. Part of the canvas layer: only canvas.js uses it.
//
// Numbers, choices and booleans use litegraph's own widgets; multiline text, single-line
// values (strings, JSON, optional numbers), file and model pickers and colours are drawn here,
// following litegraph's custom-widget protocol (`draw`, `mouse`, `computeSize`). Every
// widget carries `rgParam` (the parameter it edits) so params can be read back by name.
// `env` is the Surface: it opens editors and records changes.

import { clampNumber, defaultValue, displayValue, randomSeed } from "./widgets.js";
import { THEME } from "./theme.js";

const MARGIN = 15;
const TEXT_LINES = 4;
const LINE_HEIGHT = 15;

export function addParamWidget(node, spec, value, env) {
  const initial = value === undefined ? defaultValue(spec) : value;
  const widget = buildWidget(node, spec, initial, env);
  widget.rgParam = spec.name;
  widget.rgSpec = spec;
  widget.label = spec.label;
  widget.tooltip = spec.description;
  if (spec.advanced) foldAway(node, widget);
  if (spec.kind === "seed") addRandomizeToggle(node, spec, env);
  return widget;
}

/**
 * An advanced widget: hidden until the node shows its advanced parameters, and then taking
 * no room (litegraph would otherwise leave a gap where it is).
 */
function foldAway(node, widget) {
  widget.advanced = true;
  const own = widget.computeSize?.bind(widget);
  widget.computeSize = (width) => [width ?? 0, node.showAdvanced ? (own ? own(width)[1] : THEME.widgetHeight) : -4];
}

/** The last row of a node with advanced parameters: click to show or hide them. */
export function addAdvancedToggle(node, count) {
  const widget = node.addCustomWidget({
    type: "rg_more", name: "rg:advanced", value: null, options: {}, y: 0, serialize: false,
    draw(ctx, n, width, y, h, lowQuality) {
      if (lowQuality) return;
      ctx.save();
      ctx.font = `11px ${THEME.font}`;
      ctx.fillStyle = THEME.widgetLabel;
      ctx.textAlign = "center";
      const text = n.showAdvanced ? "▴ hide advanced" : `▾ ${count} advanced`;
      ctx.fillText(text, width / 2, y + h * 0.68);
      ctx.restore();
    },
    mouse(event, _pos, n) {
      if (event.type === "pointerup") n.toggleAdvanced();
      return true;
    },
  });
  return widget;
}

function buildWidget(node, spec, value, env) {
  const changed = (w) => env.widgetChanged(node, w);
  switch (spec.kind) {
    case "number":
      if (spec.nullable) return node.addCustomWidget(valueWidget(spec, value, env));
      return numberWidget(node, spec, value, changed);
    case "seed":
      return numberWidget(node, spec, value ?? 0, changed);
    case "combo":
      return node.addWidget("combo", spec.name, value, () => changed(findWidget(node, spec.name)), {
        values: spec.values,
      });
    case "toggle":
      return node.addWidget("toggle", spec.name, Boolean(value), () => changed(findWidget(node, spec.name)), {
        on: "on",
        off: "off",
      });
    case "text":
      return node.addCustomWidget(textWidget(spec, value ?? "", env));
    case "file":
      return node.addCustomWidget(fileWidget(spec, value ?? "", env));
    case "model":
      return node.addCustomWidget(modelWidget(spec, value ?? "", env));
    case "color":
      return node.addCustomWidget(colorWidget(spec, value ?? "#ffffff", env));
    default:
      return node.addCustomWidget(valueWidget(spec, value, env));
  }
}

function findWidget(node, name) {
  return node.widgets.find((w) => w.name === name);
}

function numberWidget(node, spec, value, changed) {
  const options = { step2: spec.step, precision: spec.precision };
  if (spec.min !== undefined) options.min = spec.min;
  if (spec.max !== undefined) options.max = spec.max;
  const widget = node.addWidget(
    "number",
    spec.name,
    clampNumber(spec, value),
    (v) => {
      const w = findWidget(node, spec.name);
      w.value = clampNumber(spec, v);
      changed(w);
    },
    options,
  );
  return widget;
}

/** A seed's companion: "randomize each run" or keep it fixed. */
function addRandomizeToggle(node, spec, env) {
  const name = `${spec.name}:randomize`;
  const toggle = node.addWidget("toggle", name, false, () => env.widgetChanged(node, findWidget(node, name)), {
    on: "each run",
    off: "fixed",
  });
  toggle.label = `randomize ${spec.label}`;
  toggle.rgRandomizes = spec.name;
  toggle.tooltip = `Pick a new ${spec.label} before every run.`;
  if (spec.advanced) foldAway(node, toggle);
  return toggle;
}

/** Before a run: give every seed whose toggle is on a fresh value. Returns how many changed. */
export function randomizeSeeds(node) {
  let count = 0;
  for (const toggle of node.widgets ?? []) {
    if (!toggle.rgRandomizes || !toggle.value) continue;
    const seed = findWidget(node, toggle.rgRandomizes);
    seed.value = randomSeed(seed.rgSpec);
    count += 1;
  }
  return count;
}

// -- custom widgets ---------------------------------------------------------------------

function baseWidget(type, spec, value) {
  return { type, name: spec.name, value, options: {}, y: 0, serialize: true };
}

/** Multiline text: a few wrapped lines on the node, a full editor on click. */
function textWidget(spec, value, env) {
  const widget = baseWidget("rg_text", spec, value);
  const height = TEXT_LINES * LINE_HEIGHT + 12;
  widget.computeSize = (width) => [width ?? THEME.nodeWidth, height];
  widget.draw = function draw(ctx, node, width, y, _h, lowQuality) {
    drawBox(ctx, width, y, height, this.computedDisabled);
    if (lowQuality) return;
    ctx.save();
    ctx.font = `12px ${THEME.font}`;
    ctx.textAlign = "left";
    const inner = width - 2 * MARGIN - 16;
    const text = String(this.value ?? "");
    const lines = text ? wrapLines(ctx, this, text, inner) : [];
    ctx.fillStyle = text ? THEME.widgetText : THEME.widgetLabel;
    const shown = text ? lines.slice(0, TEXT_LINES) : [`${this.label}…`];
    if (lines.length > TEXT_LINES) shown[TEXT_LINES - 1] = `${shown[TEXT_LINES - 1].slice(0, -1)}…`;
    shown.forEach((line, i) => ctx.fillText(line, MARGIN + 8, y + 18 + i * LINE_HEIGHT));
    ctx.restore();
  };
  widget.mouse = function mouse(event, _pos, node) {
    if (event.type === "pointerup" && !this.computedDisabled) env.editWidget(node, this, { multiline: true });
    return true;
  };
  return widget;
}

/** One line: a string, a JSON value or an optional number; edited in a small prompt. */
function valueWidget(spec, value, env) {
  const widget = baseWidget("rg_value", spec, value === undefined ? defaultValue(spec) : value);
  widget.draw = function draw(ctx, node, width, y, h, lowQuality) {
    drawBox(ctx, width, y, h, this.computedDisabled, true);
    if (!lowQuality) drawLabelValue(ctx, width, y, h, this.label, this.computedDisabled ? "" : displayValue(spec, this.value));
  };
  widget.mouse = function mouse(event, _pos, node) {
    if (event.type === "pointerup" && !this.computedDisabled) env.editWidget(node, this, { multiline: false });
    return true;
  };
  return widget;
}

/** A file the node reads: shows its name; click to upload a new one. */
function fileWidget(spec, value, env) {
  const widget = baseWidget("rg_file", spec, value);
  widget.draw = function draw(ctx, node, width, y, h, lowQuality) {
    drawBox(ctx, width, y, h, this.computedDisabled, true);
    if (lowQuality) return;
    const name = this.value ? String(this.value).split("/").pop() : "choose a file…";
    drawLabelValue(ctx, width, y, h, `⬆ ${this.label}`, name);
  };
  widget.mouse = function mouse(event, _pos, node) {
    if (event.type === "pointerup" && !this.computedDisabled) env.pickFile(node, this);
    return true;
  };
  return widget;
}

/** A model the node loads: shows its short name; click to pick one of the server's models or type any. */
function modelWidget(spec, value, env) {
  const widget = baseWidget("rg_model", spec, value);
  widget.draw = function draw(ctx, node, width, y, h, lowQuality) {
    drawBox(ctx, width, y, h, this.computedDisabled, true);
    if (lowQuality) return;
    drawLabelValue(ctx, width, y, h, `▾ ${this.label}`, displayValue(spec, this.value) || "choose a model…");
  };
  widget.mouse = function mouse(event, _pos, node) {
    if (event.type === "pointerup" && !this.computedDisabled) env.pickModel(node, this);
    return true;
  };
  return widget;
}

function colorWidget(spec, value, env) {
  const widget = baseWidget("rg_color", spec, value);
  widget.draw = function draw(ctx, node, width, y, h, lowQuality) {
    drawBox(ctx, width, y, h, this.computedDisabled, true);
    if (lowQuality) return;
    drawLabelValue(ctx, width - h, y, h, this.label, String(this.value));
    ctx.fillStyle = String(this.value);
    ctx.beginPath();
    ctx.roundRect(width - MARGIN - h + 2, y + 3, h - 6, h - 6, 4);
    ctx.fill();
  };
  widget.mouse = function mouse(event, _pos, node) {
    if (event.type === "pointerup" && !this.computedDisabled) env.pickColor(node, this);
    return true;
  };
  return widget;
}

// -- painting helpers -----------------------------------------------------------------

function drawBox(ctx, width, y, h, disabled, pill = false) {
  ctx.save();
  ctx.globalAlpha *= disabled ? 0.5 : 1;
  ctx.fillStyle = THEME.widgetBg;
  ctx.strokeStyle = THEME.widgetOutline;
  ctx.beginPath();
  ctx.roundRect(MARGIN, y, width - 2 * MARGIN, h, pill ? h / 2 : 6);
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

function drawLabelValue(ctx, width, y, h, label, value) {
  ctx.save();
  ctx.font = `12px ${THEME.font}`;
  const baseline = y + h * 0.68;
  const left = MARGIN + 12;
  const right = width - MARGIN - 12;
  ctx.textAlign = "left";
  ctx.fillStyle = THEME.widgetLabel;
  ctx.fillText(label, left, baseline);
  const room = right - left - ctx.measureText(label).width - 10;
  ctx.textAlign = "right";
  ctx.fillStyle = THEME.widgetText;
  ctx.fillText(truncate(ctx, value, room), right, baseline);
  ctx.restore();
}

export function truncate(ctx, text, room) {
  if (room <= 0) return "";
  if (ctx.measureText(text).width <= room) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= room) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** Word-wrap `text` to `width`, cached on `owner` until the text or width changes. */
export function wrapLines(ctx, owner, text, width) {
  const key = `${width}|${ctx.font}|${text}`;
  if (owner._wrapKey === key) return owner._wrapLines;
  const lines = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/)) {
      const next = line ? `${line} ${word}` : word;
      if (ctx.measureText(next).width <= width || !line) line = next;
      else {
        lines.push(line);
        line = word;
      }
      if (lines.length > 40) break;
    }
    lines.push(line);
  }
  owner._wrapKey = key;
  owner._wrapLines = lines;
  return lines;
}
