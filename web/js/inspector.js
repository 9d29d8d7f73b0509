// The inspector: everything the last run said about one node, in the side panel.
//
// It listens to RunState's "run-event"s and keeps, per node, the last status, time, cache
// key, output summaries, files and error; selecting a node shows them: structured values as
// a JSON tree, pictures at full size, audio as a waveform with a player, video with a player,
// and the full error text with a copy button. Nothing here changes the workflow.

import { el } from "./dialogs.js";
import { formatSeconds } from "./canvas_draw.js";

/** Keys of a summary that are links to pictures the server made, shown as pictures rather than text. */
const PICTURE_KEYS = ["preview_url", "preview", "previews", "thumbnails"];
/** Deeper than this, or with more children than this, a JSON branch starts folded. */
const OPEN_DEPTH = 2;
const OPEN_CHILDREN = 24;
const MAX_CHILDREN = 400;

export class Inspector {
  /**
   * @param surface the canvas surface (titles, types, modes)
   * @param runState emits "run-event" {type, data}
   * @param body the element to fill
   */
  constructor(surface, runState, body) {
    this.surface = surface;
    this.body = body;
    this.nodes = new Map(); // node id → {status, seconds, key, outputs, files, error, input, reason, run}
    this.shown = null;
    runState.addEventListener("run-event", (e) => this.#onEvent(e.detail));
  }

  /** Show node `id` (null: the hint). */
  show(id) {
    this.shown = id;
    this.#render();
  }

  /** Forget everything (another workflow was opened). */
  reset() {
    this.nodes.clear();
    this.#render();
  }

  #onEvent({ type, data }) {
    const id = data.node;
    if (type === "run_started") {
      for (const node of data.nodes ?? []) this.nodes.set(node, { status: "queued", run: data.run_id });
    } else if (id) {
      const entry = this.nodes.get(id) ?? { run: data.run_id };
      const status = { node_started: "running", node_cached: "cached", node_finished: "done", node_failed: "error", node_skipped: "skipped" }[type];
      if (!status) return;
      Object.assign(entry, { status, run: data.run_id });
      if (type === "node_finished" || type === "node_cached") {
        Object.assign(entry, { outputs: data.outputs ?? {}, files: data.files ?? [], key: data.key ?? null, error: null });
        entry.seconds = type === "node_finished" ? data.seconds : null;
      }
      if (type === "node_failed") Object.assign(entry, { error: data.error ?? {}, input: data.input ?? null, outputs: null, files: [] });
      if (type === "node_skipped") entry.reason = data.reason ?? null;
      this.nodes.set(id, entry);
    }
    if (this.shown && (type === "run_started" || id === this.shown || id?.startsWith(`${this.shown}:`))) this.#render();
  }

  #render() {
    const id = this.shown;
    if (!id || !this.surface.node(id)) {
      this.body.replaceChildren(el("div", { class: "muted", text: "Click a node to see what it made: its values, pictures, sound, timing and errors." }));
      return;
    }
    const type = this.surface.typeOf(id);
    const contract = this.surface.contract(type);
    const entry = this.nodes.get(id);
    const mode = this.surface.modeOf(id);
    const parts = [
      el("div", { class: "insp-head" },
        el("span", { class: "insp-title", text: contract?.title ?? type }),
        el("code", { class: "insp-id", text: id, title: `node id · ${type}` })),
    ];
    if (mode) parts.push(el("div", { class: `insp-mode ${mode}`, text: mode === "bypass" ? "Bypassed: its inputs pass straight through." : "Muted: it and what needs it do not run." }));
    const inner = [...this.nodes].filter(([key]) => key.startsWith(`${id}:`));
    if (!entry && inner.length) {
      // A subgraph node: what each of its nodes did.
      for (const [key, e] of inner) {
        parts.push(el("div", { class: "insp-inner", text: key.slice(id.length + 1) }), this.#facts(e));
        if (e.error) parts.push(errorBlock(e));
        for (const file of e.files ?? []) parts.push(fileBlock(file));
        for (const [name, summary] of Object.entries(e.outputs ?? {})) parts.push(outputBlock(name, summary));
      }
      return this.body.replaceChildren(...parts);
    }
    if (!entry) {
      parts.push(el("div", { class: "muted", text: "Not run yet in this session. Queue the graph to see its outputs." }));
      return this.body.replaceChildren(...parts);
    }
    parts.push(this.#facts(entry));
    if (entry.error) parts.push(errorBlock(entry));
    if (entry.status === "skipped" && entry.reason) parts.push(el("div", { class: "muted", text: `Skipped: ${entry.reason}` }));
    for (const file of entry.files ?? []) parts.push(fileBlock(file));
    for (const [name, summary] of Object.entries(entry.outputs ?? {})) parts.push(outputBlock(name, summary, contract?.outputs?.[name]?.type));
    this.body.replaceChildren(...parts);
  }

  #facts(entry) {
    const rows = [["status", entry.status]];
    if (entry.seconds != null) rows.push(["time", formatSeconds(entry.seconds)]);
    if (entry.status === "cached") rows.push(["time", "from the cache (no work done)"]);
    const facts = el("dl", { class: "insp-facts" }, rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
    if (entry.key) {
      facts.append(el("dt", { text: "cache key" }),
        el("dd", {}, el("code", { class: "insp-key", text: entry.key.slice(0, 16), title: entry.key }), copyButton(() => entry.key, "Copy the full cache key")));
    }
    return facts;
  }
}

function errorBlock(entry) {
  const e = entry.error;
  const text = [`${e.type ? `${e.type}: ` : ""}${e.message ?? "failed"}`, entry.input ? `(input “${entry.input}”)` : "", e.traceback ? `\n${e.traceback}` : ""]
    .filter(Boolean).join(" ");
  return el("section", { class: "insp-error" },
    el("div", { class: "insp-sub" }, el("span", { text: "Error" }), copyButton(() => text, "Copy the full error")),
    el("pre", { class: "insp-error-text", text }));
}

function fileBlock(file) {
  const name = file.filename ?? file.url;
  const kind = kindOf(file.media_type ?? "", name);
  const media = kind === "video" ? el("video", { controls: true, preload: "metadata", src: file.url, playsinline: true })
    : kind === "audio" ? audioPlayer(file.url)
    : kind === "image" ? el("a", { href: file.url, target: "_blank", title: "Open full size in a new tab" }, el("img", { src: file.url, alt: name }))
    : null;
  return el("section", { class: "insp-file" },
    el("div", { class: "insp-sub" }, el("span", { text: name }), el("a", { href: file.url, download: "", title: "Download", text: "⤓" })),
    media);
}

function outputBlock(name, summary, type) {
  const pictures = picturesOf(summary);
  const rest = summary && typeof summary === "object" && !Array.isArray(summary)
    ? Object.fromEntries(Object.entries(summary).filter(([k]) => !PICTURE_KEYS.includes(k) && k !== "preview_tiles" && k !== "preview_size"))
    : summary;
  return el("section", { class: "insp-output", "data-output": name },
    el("div", { class: "insp-sub" }, el("span", { text: `${name}${type ? ` · ${type}` : ""}` }), copyButton(() => JSON.stringify(summary, null, 2), "Copy as JSON")),
    pictures.map((url) => el("a", { href: url, target: "_blank", title: "Open full size in a new tab" }, el("img", { class: "insp-picture", src: url, alt: name }))),
    el("div", { class: "json-tree" }, jsonNode(null, rest, 0)));
}

/** A JSON value as nested <details>: objects and arrays fold, leaves show their value. */
export function jsonNode(key, value, depth) {
  const label = key === null ? null : el("span", { class: "jk", text: `${key}: ` });
  if (value === null || typeof value !== "object") {
    const cls = value === null ? "jn" : typeof value === "string" ? "js" : typeof value === "number" ? "jnum" : "jb";
    return el("div", { class: "jleaf" }, label, el("span", { class: cls, text: typeof value === "string" ? JSON.stringify(value) : String(value) }));
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const brief = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  const details = el("details", { class: "jbranch" }, el("summary", {}, label, el("span", { class: "jt", text: brief })));
  details.open = depth < OPEN_DEPTH && entries.length <= OPEN_CHILDREN;
  const fill = () => {
    if (details.dataset.filled) return;
    details.dataset.filled = "1";
    for (const [k, v] of entries.slice(0, MAX_CHILDREN)) details.append(jsonNode(k, v, depth + 1));
    if (entries.length > MAX_CHILDREN) details.append(el("div", { class: "muted", text: `… ${entries.length - MAX_CHILDREN} more` }));
  };
  if (details.open) fill();
  else details.addEventListener("toggle", fill, { once: true });
  return details;
}

function picturesOf(summary) {
  if (!summary || typeof summary !== "object") return [];
  const urls = [summary.preview_url, summary.preview, ...(summary.previews ?? []), ...(summary.thumbnails ?? [])];
  return urls.filter((u) => typeof u === "string" && (u.startsWith("/") || u.startsWith("data:image/")));
}

function kindOf(mediaType, name) {
  for (const kind of ["video", "audio", "image"]) if (mediaType.startsWith(kind)) return kind;
  const ext = String(name).split(".").pop().toLowerCase();
  if (["mp4", "webm", "mov", "mkv"].includes(ext)) return "video";
  if (["wav", "mp3", "ogg", "flac", "m4a"].includes(ext)) return "audio";
  if (["png", "jpg", "jpeg", "webp", "gif"].includes(ext)) return "image";
  return null;
}

/** An <audio> player over its waveform (decoded in the browser); clicking the waveform seeks. */
function audioPlayer(url) {
  const audio = el("audio", { controls: true, preload: "metadata", src: url });
  const canvas = el("canvas", { class: "waveform", width: 600, height: 80 });
  const box = el("div", { class: "insp-audio" }, canvas, audio);
  drawWaveform(url, canvas).catch(() => canvas.remove());
  canvas.addEventListener("click", (e) => {
    if (!Number.isFinite(audio.duration)) return;
    audio.currentTime = (e.offsetX / canvas.clientWidth) * audio.duration;
  });
  audio.addEventListener("timeupdate", () => drawPlayhead(canvas, audio));
  return box;
}

async function drawWaveform(url, canvas) {
  const data = await (await fetch(url)).arrayBuffer();
  const context = new OfflineAudioContext(1, 1, 44100);
  const buffer = await context.decodeAudioData(data);
  const samples = buffer.getChannelData(0);
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  const step = Math.max(1, Math.floor(samples.length / width));
  ctx.fillStyle = "#0d0f13";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#e8b04a";
  for (let x = 0; x < width; x++) {
    let lo = 1;
    let hi = -1;
    for (let i = x * step; i < Math.min(samples.length, (x + 1) * step); i++) {
      lo = Math.min(lo, samples[i]);
      hi = Math.max(hi, samples[i]);
    }
    if (hi < lo) continue;
    ctx.fillRect(x, ((1 - hi) / 2) * height, 1, Math.max(1, ((hi - lo) / 2) * height));
  }
  canvas.rgWave = ctx.getImageData(0, 0, width, height);
}

function drawPlayhead(canvas, audio) {
  if (!canvas.rgWave || !Number.isFinite(audio.duration)) return;
  const ctx = canvas.getContext("2d");
  ctx.putImageData(canvas.rgWave, 0, 0);
  ctx.fillStyle = "#4f8ff7";
  ctx.fillRect((audio.currentTime / audio.duration) * canvas.width, 0, 2, canvas.height);
}

/** A small button that copies `text()`; it says "Copied" (or selects the text to copy by hand). */
function copyButton(text, title) {
  const button = el("button", { class: "small insp-copy", title, text: "Copy" });
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text());
      button.textContent = "Copied";
    } catch {
      const area = el("textarea", { class: "offscreen" });
      area.value = text();
      document.body.append(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      button.textContent = ok ? "Copied" : "Copy failed";
    }
    setTimeout(() => (button.textContent = "Copy"), 1500);
  });
  return button;
}
