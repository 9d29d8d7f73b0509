// Reading a workflow out of a dropped file: a .json, a PNG with a text chunk, or a video
// whose container metadata carries the workflow JSON (MP4 `udta`, Matroska tags).
//
// PNG text chunks (tEXt, zTXt, iTXt) are parsed properly; for videos the container's
// metadata is found by scanning the file's head and tail for the format marker and
// parsing the JSON object around it, which works for any container that stores the text
// uncompressed.

const MARKER = "reelgraph.workflow";
const SCAN_BYTES = 8 << 20;

export async function workflowFromFile(file) {
  const name = file.name.toLowerCase();
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  if (isPng(head)) return fromPng(new Uint8Array(await file.arrayBuffer()));
  if (name.endsWith(".json") || file.type === "application/json" || head[0] === 0x7b) {
    return JSON.parse(await file.text());
  }
  return fromContainer(file);
}

function isPng(b) {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

async function fromPng(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const texts = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === "tEXt" || type === "zTXt" || type === "iTXt") texts.push(await pngText(type, data));
    if (type === "IEND") break;
    at += 12 + length;
  }
  for (const text of texts) {
    const wf = parseWorkflow(text);
    if (wf) return wf;
  }
  throw new Error("this PNG carries no Reelgraph workflow");
}

async function pngText(type, data) {
  const nul = data.indexOf(0);
  const rest = data.subarray(nul + 1);
  if (type === "tEXt") return new TextDecoder("latin1").decode(rest);
  if (type === "zTXt") return new TextDecoder("latin1").decode(await inflate(rest.subarray(1)));
  const compressed = rest[0] === 1;
  let at = 2;
  at = rest.indexOf(0, at) + 1; // language tag
  at = rest.indexOf(0, at) + 1; // translated keyword
  const body = rest.subarray(at);
  return new TextDecoder().decode(compressed ? await inflate(body) : body);
}

async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function fromContainer(file) {
  const parts = [file.slice(0, SCAN_BYTES)];
  if (file.size > SCAN_BYTES) parts.push(file.slice(Math.max(SCAN_BYTES, file.size - SCAN_BYTES)));
  for (const part of parts) {
    const bytes = new Uint8Array(await part.arrayBuffer());
    const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    const wf = findJsonAround(gifComment(bytes) ?? xmpText(text) ?? text, MARKER);
    if (wf) return wf;
  }
  throw new Error(`${file.name} carries no Reelgraph workflow in its metadata`);
}

/** A GIF comment extension (0x21 0xFE) is split in ≤255-byte sub-blocks: join them. */
function gifComment(bytes) {
  if (String.fromCharCode(...bytes.subarray(0, 3)) !== "GIF") return null;
  for (let at = bytes.indexOf(0x21); at >= 0 && at < bytes.length - 2; at = bytes.indexOf(0x21, at + 1)) {
    if (bytes[at + 1] !== 0xfe) continue;
    let text = "";
    for (let i = at + 2; i < bytes.length && bytes[i] !== 0; i += bytes[i] + 1) {
      text += new TextDecoder("latin1").decode(bytes.subarray(i + 1, i + 1 + bytes[i]));
    }
    if (text.includes(MARKER)) return text;
  }
  return null;
}

/** WebP keeps the metadata JSON HTML-escaped inside an XMP element. */
function xmpText(text) {
  const match = /<reelgraph:metadata>([\s\S]*?)<\/reelgraph:metadata>/.exec(text);
  if (!match) return null;
  return match[1].replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

/** The first JSON object in `text` that contains `marker` and parses as a workflow. */
export function findJsonAround(text, marker) {
  for (let m = text.indexOf(marker); m >= 0; m = text.indexOf(marker, m + 1)) {
    let start = text.lastIndexOf("{", m);
    for (let tries = 0; start >= 0 && tries < 400; tries++) {
      const end = matchingBrace(text, start);
      if (end > m) {
        const wf = parseWorkflow(text.slice(start, end + 1));
        if (wf) return wf;
      }
      start = text.lastIndexOf("{", start - 1);
    }
  }
  return null;
}

function matchingBrace(text, start) {
  let depth = 0;
  let inString = false;
  const stop = Math.min(text.length, start + (4 << 20));
  for (let i = start; i < stop; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}

function parseWorkflow(text) {
  try {
    const doc = JSON.parse(text);
    if (doc && doc.format === MARKER) return doc;
    if (doc && doc.workflow?.format === MARKER) return doc.workflow;
  } catch {
    // not JSON: try the next candidate
  }
  return null;
}
