// Pictures and players for what nodes produce.
//
// On the node: step previews while it runs (binary frames), pictures it wrote, keyframe
// strips, the scene graph picture and the storyboard. In the Outputs panel: a <video> or
// <audio> player per media file, and the same pictures larger; a node's thumbnails (strips of
// FRAMES, IMAGEs) go there when its pictures are clicked. What to show is decided from the
// output's socket type and summary (media_type, url, preview_url with preview_tiles, SCENE's
// nodes/links, SHOTS' shots), never from the node type.

import { el } from "./dialogs.js";
import { formatSeconds } from "./canvas_draw.js";
import { drawSceneGraph, drawStoryboard } from "./pictures.js";

const MAX_CARDS = 16;

export class Previews {
  /**
   * @param runLabel (runId) → a short label for the run ("run #3"), or "" when unknown
   */
  constructor(surface, panelEl, runLabel = () => "") {
    this.surface = surface;
    this.panel = panelEl;
    this.runLabel = runLabel;
    this.thumbnails = new Map(); // node id → {title, runId, items: [{url, tiles, size, detail}]}
  }

  /** The run's number became known (its events can arrive before the queue's answer): label its cards. */
  relabel(runId) {
    for (const card of this.panel.querySelectorAll(".output-card")) {
      if (card.dataset.run === runId) card.querySelector(".run").textContent = this.#runText(runId, card.dataset.cached === "1");
    }
  }

  #runText(runId, cached) {
    return [this.runLabel(runId), cached ? "cached" : ""].filter(Boolean).join(" · ");
  }

  /** Empty the panel (another workflow was opened: its cards would mislead). */
  clear() {
    this.thumbnails.clear();
    this.panel.replaceChildren(el("div", { class: "muted", text: "Run the graph to see its results here." }));
  }

  /** A diffusion step (or any progress picture) on the running node. */
  async showStep(node, blob, state) {
    const image = await createImageBitmap(blob).catch(() => null);
    if (!image) return;
    const caption = state?.total ? `step ${state.done}/${state.total}` : "preview";
    this.surface.setPreview(node, { images: [image], caption });
  }

  /** A node finished (or came from the cache): show what it made, on the node and in the panel. */
  showOutputs(node, outputs, files, runId, cached = false) {
    this.cached = cached;
    this.node = node;
    const title = this.#title(node);
    const pictures = files.map((file) => this.#fileCard(title, file, outputs, runId)).filter(Boolean);
    const thumbnails = [];
    let caption;
    for (const [name, summary] of Object.entries(outputs)) {
      const picture = pictureOf(summary);
      if (picture) {
        pictures.push(picture.canvas);
        caption = picture.caption;
        this.#card(title, name, picture.canvas, runId);
      }
      for (const thumb of thumbnailsOf(summary, name)) {
        thumbnails.push(thumb);
        pictures.push(loadImage(thumb.url, () => this.surface.redraw(), thumb));
        caption ??= thumb.detail;
      }
    }
    if (thumbnails.length) this.thumbnails.set(node, { title, runId, items: thumbnails });
    else this.thumbnails.delete(node);
    if (pictures.length) this.surface.setPreview(node, { images: pictures, caption });
  }

  /** The node's thumbnails, larger, at the top of the Outputs panel; false when it has none. */
  open(node) {
    const shown = this.thumbnails.get(node);
    if (!shown) return false;
    for (const item of [...shown.items].reverse()) {
      this.#card(shown.title, item.detail, thumbnailElement(item), shown.runId, item.url);
    }
    this.panel.scrollTop = 0;
    return true;
  }

  /** A player or picture card for one written file; returns what the node can draw (or null). */
  #fileCard(title, file, outputs, runId) {
    if (!file.url) return null;
    const kind = mediaKind(file.media_type ?? "", file.filename ?? file.url);
    if (kind === "video") return this.#videoCard(title, file, outputs, runId);
    if (kind === "audio") this.#audioCard(title, file, outputs, runId);
    if (kind === "image") return this.#imageCard(title, file.url, runId);
    return null;
  }

  #title(node) {
    const type = this.surface.typeOf(node);
    const contract = type && this.surface.contract(type);
    return contract ? `${contract.title} · ${node}` : node;
  }

  #videoCard(title, file, outputs, runId) {
    const video = el("video", { controls: true, preload: "auto", src: file.url, playsinline: true });
    video.addEventListener("loadeddata", () => this.surface.redraw());
    video.addEventListener("timeupdate", () => this.surface.redraw());
    const meta = Object.values(outputs).find((s) => s && s.media_type && String(s.media_type).startsWith("video"));
    this.#card(title, describeMedia(meta, file), video, runId, file.url);
    return video;
  }

  #audioCard(title, file, outputs, runId) {
    const audio = el("audio", { controls: true, preload: "metadata", src: file.url });
    const meta = Object.values(outputs).find((s) => s && s.media_type && String(s.media_type).startsWith("audio"));
    this.#card(title, describeMedia(meta, file), audio, runId, file.url);
  }

  #imageCard(title, url, runId) {
    const img = loadImage(url, () => this.surface.redraw());
    this.#card(title, url.split("/").pop(), img, runId, url);
    return img;
  }

  /**
   * One card at the top of the panel. A card for the same thing (same node and file, or the
   * same drawn output) replaces the older one, so re-running from the cache adds no duplicates;
   * each card says which run made it, and "cached" when no work was done.
   */
  #card(title, detail, media, runId, href) {
    this.panel.querySelector(":scope > .muted")?.remove();
    const key = `${this.node ?? ""}|${href ?? detail ?? title}`;
    for (const old of this.panel.querySelectorAll(".output-card")) if (old.dataset.key === key) old.remove();
    const card = el("figure", { class: "output-card", "data-run": runId ?? "", "data-key": key, "data-cached": this.cached ? "1" : "" },
      el("figcaption", {},
        el("div", { class: "line" }, el("span", { class: "title", text: title, title }),
          el("span", { class: "run", text: this.#runText(runId, this.cached) }),
          href ? el("a", { href, download: "", title: "Download", text: "⤓" }) : null),
        detail ? el("div", { class: "detail", text: detail, title: detail }) : null),
      media);
    this.panel.prepend(card);
    while (this.panel.children.length > MAX_CARDS) this.panel.lastElementChild.remove();
  }
}

function mediaKind(mediaType, name) {
  if (mediaType.startsWith("video")) return "video";
  if (mediaType.startsWith("audio")) return "audio";
  if (mediaType.startsWith("image")) return "image";
  const ext = String(name).split(".").pop().toLowerCase();
  if (["mp4", "webm", "mov", "mkv"].includes(ext)) return "video";
  if (["wav", "mp3", "ogg", "flac", "m4a"].includes(ext)) return "audio";
  if (["png", "jpg", "jpeg", "webp", "gif"].includes(ext)) return "image";
  return null;
}

function describeMedia(meta, file) {
  const parts = [file.filename ?? ""];
  if (meta?.width && meta?.height) parts.push(`${meta.width}×${meta.height}`);
  if (meta?.duration) parts.push(formatSeconds(meta.duration));
  return parts.filter(Boolean).join(" · ");
}

/**
 * Pictures a summary offers: the server's thumbnail (`preview_url`, with `preview_tiles` equal
 * tiles side by side, e.g. a keyframe strip, and `preview_size` [w, h]) and URLs a node put in
 * its own summary (`preview`, `previews`, `thumbnails`), as [{url, tiles, size, detail}].
 */
function thumbnailsOf(summary, name) {
  if (!summary || typeof summary !== "object") return [];
  const urls = [summary.preview_url, summary.preview, ...(summary.previews ?? []), ...(summary.thumbnails ?? [])];
  return urls
    .filter((u) => typeof u === "string" && (u.startsWith("/") || u.startsWith("data:image/")))
    .map((url) => ({
      url,
      tiles: url === summary.preview_url ? Math.max(1, summary.preview_tiles ?? 1) : 1,
      size: url === summary.preview_url && Array.isArray(summary.preview_size) ? summary.preview_size : null,
      detail: [name, describeValue(summary)].filter(Boolean).join(" · "),
    }));
}

/** "40 frames · 3.3 s · 3 shots" for FRAMES, "1024×300" for a picture (an array's shape). */
function describeValue(summary) {
  const shape = Array.isArray(summary.shape) ? summary.shape : null;
  if (summary.type === "FRAMES" && shape) {
    const shots = (summary.cuts?.length ?? 0) + 1;
    const parts = [`${shape[0]} frames`, summary.duration ? formatSeconds(summary.duration) : "", shots > 1 ? `${shots} shots` : ""];
    return parts.filter(Boolean).join(" · ");
  }
  return shape && shape.length >= 2 ? `${shape[1]}×${shape[0]}` : "";
}

/** A thumbnail for the Outputs panel: a strip's tiles as a grid (each tile a window onto the strip), else the picture. */
function thumbnailElement({ url, tiles, size }) {
  if (tiles <= 1) return el("img", { src: url, alt: "" });
  const grid = el("div", { class: "strip-grid" });
  const aspect = size ? `${size[0] / tiles} / ${size[1]}` : "16 / 9";
  for (let i = 0; i < tiles; i++) {
    const tile = el("div", { class: "strip-tile" });
    tile.style.aspectRatio = aspect;
    tile.style.backgroundImage = `url("${url}")`;
    tile.style.backgroundSize = `${tiles * 100}% 100%`;
    tile.style.backgroundPosition = `${(i / (tiles - 1)) * 100}% 0`;
    grid.append(tile);
  }
  return grid;
}

/** A drawn picture for structured values: SCENE (node-link graph) and SHOTS (shot list). */
function pictureOf(summary) {
  if (!summary || typeof summary !== "object") return null;
  if (Array.isArray(summary.nodes) && Array.isArray(summary.links) && summary.nodes.some((n) => n.kind === "entity")) {
    return { canvas: drawSceneGraph(summary), caption: "scene graph" };
  }
  if (Array.isArray(summary.shots) && summary.shots.length && "duration" in summary) {
    return { canvas: drawStoryboard(summary), caption: `${summary.shots.length} shots · ${formatSeconds(summary.duration)}` };
  }
  return null;
}

/** An <img> for `url`; `tiles` > 1 marks a strip of equal pictures, `size` [w, h] sizes it before it loads. */
function loadImage(url, onload, { tiles = 1, size = null } = {}) {
  const img = new Image();
  img.decoding = "async";
  img.onload = onload;
  if (tiles > 1) img.rgTiles = tiles;
  if (size) [img.width, img.height] = size;
  img.src = url;
  return img;
}
