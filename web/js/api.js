// The server, seen from the browser: JSON over HTTP and run events over one WebSocket.
//
// Everything else in the editor talks to the server only through this module, so the
// routes of DESIGN §5 are spelled in one place. Failures raise ApiError carrying the
// HTTP status and the parsed body (a 400 from POST /api/runs carries `errors`).

export class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.status = status;
    this.body = body;
  }

  /** Validation problems `[{code, node, name, message}]` when the server sent them. */
  get problems() {
    return Array.isArray(this.body?.errors) ? this.body.errors : [];
  }
}

/** One id per browser tab, kept across reloads, so a reloaded tab still hears about the runs it queued. */
function tabClientId() {
  const key = "reelgraph.client_id";
  let id = sessionStorage.getItem(key);
  if (!id) {
    id = globalThis.crypto?.randomUUID?.() ?? `c${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
    sessionStorage.setItem(key, id);
  }
  return id;
}

export class Api extends EventTarget {
  constructor(base = "") {
    super();
    this.base = base;
    this.clientId = tabClientId();
    this.socket = null;
    this.connected = false;
    this.retryMs = 500;
  }

  async request(method, path, body) {
    const init = { method, headers: {} };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(this.base + path, init);
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { message: text };
    }
    if (!response.ok) {
      const reason = data?.message || data?.error || data?.errors?.[0]?.message || response.statusText;
      throw new ApiError(response.status, data, `${method} ${path}: ${response.status} ${reason}`);
    }
    return data;
  }

  // -- catalog and system ---------------------------------------------------------
  nodes() {
    return this.request("GET", "/api/nodes");
  }

  system() {
    return this.request("GET", "/api/system");
  }

  /** The models on the server's machine that do one of `kinds` (all when empty). */
  models(kinds = []) {
    const query = new URLSearchParams(kinds.map((k) => ["kind", k])).toString();
    return this.request("GET", `/api/models${query ? `?${query}` : ""}`);
  }

  // -- runs and queue -------------------------------------------------------------
  queueRun(workflow, targets) {
    const body = { workflow, client_id: this.clientId };
    if (targets?.length) body.targets = targets;
    return this.request("POST", "/api/runs", body);
  }

  runs() {
    return this.request("GET", "/api/runs");
  }

  run(id) {
    return this.request("GET", `/api/runs/${encodeURIComponent(id)}`);
  }

  cancelRun(id) {
    return this.request("POST", `/api/runs/${encodeURIComponent(id)}/cancel`);
  }

  deleteRun(id) {
    return this.request("DELETE", `/api/runs/${encodeURIComponent(id)}`);
  }

  requeueRun(id) {
    return this.request("POST", `/api/runs/${encodeURIComponent(id)}/requeue`);
  }

  setQueuePaused(paused) {
    return this.request("POST", paused ? "/api/queue/pause" : "/api/queue/resume");
  }

  /** Put these queued runs first, in this order. */
  reorderQueue(runIds) {
    return this.request("POST", "/api/queue/reorder", { run_ids: runIds });
  }

  // -- workflow library -------------------------------------------------------------
  workflows() {
    return this.request("GET", "/api/workflows");
  }

  loadWorkflow(name) {
    return this.request("GET", `/api/workflows/${encodeURIComponent(name)}`);
  }

  saveWorkflow(name, workflow) {
    return this.request("PUT", `/api/workflows/${encodeURIComponent(name)}`, workflow);
  }

  deleteWorkflow(name) {
    return this.request("DELETE", `/api/workflows/${encodeURIComponent(name)}`);
  }

  // -- files ------------------------------------------------------------------------
  upload(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    return this.request("POST", "/api/uploads", form);
  }

  // -- events -------------------------------------------------------------------------
  /** Open the event socket; reconnects with backoff and says so through "status" events. */
  connect() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const host = this.base ? new URL(this.base).host : location.host;
    const socket = new WebSocket(`${proto}//${host}/ws?client_id=${encodeURIComponent(this.clientId)}`);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.connected = true;
      this.retryMs = 500;
      this.emit("status", { connected: true });
    });
    socket.addEventListener("close", () => {
      this.connected = false;
      this.emit("status", { connected: false });
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 8000);
    });
    socket.addEventListener("message", (msg) => this.receive(msg.data));
  }

  receive(data) {
    if (data instanceof ArrayBuffer) {
      const preview = decodePreviewFrame(data);
      if (preview) this.emit("preview", preview);
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message && typeof message.type === "string") this.emit("event", message);
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}

/**
 * A binary preview frame in ComfyUI's layout: 4-byte big-endian event type (1 = preview
 * image), 4-byte format (1 = JPEG, 2 = PNG), then the image bytes.
 */
export function decodePreviewFrame(buffer) {
  if (buffer.byteLength < 8) return null;
  const view = new DataView(buffer);
  if (view.getUint32(0) !== 1) return null;
  const mime = view.getUint32(4) === 2 ? "image/png" : "image/jpeg";
  return { blob: new Blob([buffer.slice(8)], { type: mime }) };
}
