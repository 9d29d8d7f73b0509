// Pictures and players for what nodes produce.
//
// On the node: step previews while it runs (binary frames), pictures it wrote, keyframe
// strips, the scene graph picture and the storyboard. In the Outputs panel: a <video> or
// <audio> player per media file, and the same pictures larger. What to show is decided from
// the output's socket type and summary (media_type, url, SCENE's nodes/links, SHOTS' shots),
// never from the node type.

import { el } from "./dialogs.js";
import { formatSeconds } from "./canvas_draw.js";
import { drawSceneGraph, drawStoryboard } from "./pictures.js";

const MAX_CARDS = 16;

export class Previews {
  constructor(surface, panelEl) {
    this.surface = surface;
    this.panel = panelEl;
  }

  /** A diffusion step (or any progress picture) on the running node. */
  async showStep(node, blob, state) {
    const image = await createImageBitmap(blob).catch(() => null);
    if (!image) return;
    const caption = state?.total ? `step ${state.done}/${state.total}` : "preview";
    this.surface.setPreview(node, { images: [image], caption });
  }

  /** A node finished (or came from the cache): show what it made, on the node and in the panel. */
  showOutputs(node, outputs, files, runId) {
    const title = this.#title(node);
    const pictures = files.map((file) => this.#fileCard(title, file, outputs, runId)).filter(Boolean);
    let caption;
    for (const [name, summary] of Object.entries(outputs)) {
      const picture = pictureOf(summary);
      if (picture) {
        pictures.push(picture.canvas);
        caption = picture.caption;
        this.#card(title, name, picture.canvas, runId);
      }
      for (const url of previewUrls(summary)) pictures.push(loadImage(url, () => this.surface.redraw()));
    }
    if (pictures.length) this.surface.setPreview(node, { images: pictures, caption });
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

  #card(title, detail, media, runId, href) {
    this.panel.querySelector(".muted")?.remove();
    const card = el("figure", { class: "output-card", "data-run": runId ?? "" },
      el("figcaption", {}, el("span", { class: "title", text: title }), el("span", { class: "detail", text: detail ?? "" }),
        href ? el("a", { href, download: "", title: "Download", text: "⤓" }) : null),
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

/** URLs of pictures a summary offers (`preview`, `previews`, `thumbnails`): keyframe strips. */
function previewUrls(summary) {
  if (!summary || typeof summary !== "object") return [];
  const found = [summary.preview, ...(summary.previews ?? []), ...(summary.thumbnails ?? [])];
  return found.filter((u) => typeof u === "string" && (u.startsWith("/") || u.startsWith("data:image/")));
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

function loadImage(url, onload) {
  const img = new Image();
  img.decoding = "async";
  img.onload = onload;
  img.src = url;
  return img;
}
