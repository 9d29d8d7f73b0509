// Small DOM dialogs: toasts, a floating text editor, modals (confirm, name, pick from a list).
// Each returns a Promise so callers read top to bottom: `const name = await askName(...)`.

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

export { el };

/** A message in the corner; errors stay longer. */
export function toast(message, level = "info", timeout = level === "error" ? 9000 : 4000) {
  const box = document.getElementById("toasts");
  const item = el("div", { class: `toast ${level}`, role: level === "error" ? "alert" : "status" }, el("span", { text: message }));
  const close = () => {
    item.classList.add("leaving");
    setTimeout(() => item.remove(), 200);
  };
  item.append(el("button", { class: "close", title: "Dismiss", text: "×", onclick: close }));
  box.append(item);
  setTimeout(close, timeout);
  return item;
}

/** A tooltip near (x, y) with a bold first line; null hides it. */
export function showTooltip(tip) {
  let box = document.getElementById("tooltip");
  if (!tip) {
    box?.classList.remove("shown");
    return;
  }
  if (!box) {
    box = el("div", { id: "tooltip", class: "tooltip", role: "tooltip" });
    document.body.append(box);
  }
  const [head, ...rest] = tip.text.split("\n");
  box.replaceChildren(el("strong", { text: head }), rest.join(" ").trim() ? el("div", { text: rest.join("\n") }) : null);
  box.classList.add("shown");
  const { width, height } = box.getBoundingClientRect();
  box.style.left = `${Math.min(tip.x + 14, innerWidth - width - 8)}px`;
  box.style.top = `${tip.y + 18 + height > innerHeight ? tip.y - height - 10 : tip.y + 18}px`;
}

/**
 * A text editor floating over `rect` (client coordinates) or at (x, y). Single-line: Enter
 * commits. Multiline: Ctrl/Cmd+Enter commits. Escape cancels; clicking elsewhere commits.
 */
export function promptText({ title, value, multiline = false, rect, x, y, description }) {
  document.querySelector(".rg-editor")?.dispatchEvent(new Event("commit"));
  return new Promise((resolve) => {
    const field = multiline ? el("textarea", { spellcheck: "true" }) : el("input", { type: "text", spellcheck: "false" });
    field.value = value ?? "";
    const hint = multiline ? "Ctrl+Enter applies · Esc" : "Enter applies · Esc";
    const box = el("div", { class: `rg-editor${multiline ? " multiline" : ""}` },
      el("div", { class: "rg-editor-head" }, el("span", { class: "title", text: title || "Value" }), el("span", { class: "hint", text: hint })),
      field,
      description ? el("div", { class: "rg-editor-desc", text: description }) : null);
    placeEditor(box, { rect, x, y, multiline });
    document.body.append(box);
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      box.remove();
      resolve(result);
    };
    field.addEventListener("keydown", (e) => {
      e.stopPropagation();
      if (e.key === "Escape") finish(null);
      else if (e.key === "Enter" && (!multiline || e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        finish(field.value);
      }
    });
    field.addEventListener("blur", () => setTimeout(() => finish(field.value), 0));
    box.addEventListener("commit", () => finish(field.value));
    requestAnimationFrame(() => {
      field.focus();
      if (!multiline) field.select();
    });
  });
}

/**
 * Over the widget being edited (its rect), as wide as the widget (plus the editor's border)
 * so typing happens where the text is; without a rect, near the pointer.
 */
function placeEditor(box, { rect, x, y, multiline }) {
  const width = rect ? Math.max(rect.w + 18, 240) : multiline ? 420 : 280;
  const height = multiline ? Math.max((rect?.h ?? 0) + 110, 220) : undefined;
  let left = rect ? rect.x - 9 : (x ?? innerWidth / 2) - width / 2;
  let top = rect ? rect.y - 30 : (y ?? innerHeight / 2) - 20;
  left = Math.max(8, Math.min(left, innerWidth - width - 8));
  top = Math.max(8, Math.min(top, innerHeight - (height ?? 80) - 8));
  Object.assign(box.style, { left: `${left}px`, top: `${top}px`, width: `${width}px` });
  if (height) box.style.height = `${height}px`;
}

/** A centred modal; `build(close)` returns its body; resolves with what close() got. */
export function modal(title, build, { wide = false } = {}) {
  return new Promise((resolve) => {
    const backdrop = el("div", { class: "rg-backdrop" });
    const close = (result) => {
      backdrop.remove();
      document.removeEventListener("keydown", onKey, true);
      resolve(result);
    };
    const onKey = (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        close(null);
      }
    };
    const dialog = el("div", { class: `rg-modal${wide ? " wide" : ""}`, role: "dialog", "aria-label": title },
      el("div", { class: "rg-modal-head" }, el("h3", { text: title }), el("button", { class: "close", text: "×", title: "Close", onclick: () => close(null) })),
      build(close));
    backdrop.append(dialog);
    backdrop.addEventListener("pointerdown", (e) => e.target === backdrop && close(null));
    document.addEventListener("keydown", onKey, true);
    document.body.append(backdrop);
    dialog.querySelector("input, button.ok")?.focus();
  });
}

export function confirmDialog({ title, message, ok = "OK", cancel = "Cancel", danger = false }) {
  return modal(title, (close) =>
    el("div", {},
      el("p", { class: "message", text: message }),
      el("div", { class: "rg-modal-actions" },
        el("button", { text: cancel, onclick: () => close(false) }),
        el("button", { class: `ok ${danger ? "danger" : "primary"}`, text: ok, onclick: () => close(true) }))),
  ).then(Boolean);
}

export function askName({ title, value = "", label = "Name", ok = "Save" }) {
  return modal(title, (close) => {
    const input = el("input", { type: "text", value, spellcheck: "false", "aria-label": label });
    const submit = () => input.value.trim() && close(input.value.trim());
    input.addEventListener("keydown", (e) => e.key === "Enter" && submit());
    requestAnimationFrame(() => input.select());
    return el("div", {},
      el("label", { class: "field" }, el("span", { text: label }), input),
      el("div", { class: "rg-modal-actions" },
        el("button", { text: "Cancel", onclick: () => close(null) }),
        el("button", { class: "ok primary", text: ok, onclick: submit })));
  });
}

/** Pick one of `items` ({name, detail, deletable}); `onDelete(name)` adds a delete button to deletable rows. */
export function chooseFromList({ title, items, empty = "Nothing here yet.", onDelete }) {
  return modal(title, (close) => {
    const filter = el("input", { type: "search", placeholder: "Filter…", "aria-label": "Filter" });
    const list = el("ul", { class: "rg-list" });
    const render = () => {
      list.replaceChildren();
      const q = filter.value.trim().toLowerCase();
      const shown = items.filter((it) => it.name.toLowerCase().includes(q));
      if (!shown.length) list.append(el("li", { class: "muted", text: empty }));
      for (const item of shown) {
        const row = el("li", { class: "rg-list-item", "data-name": item.name, onclick: () => close(item.name) },
          el("span", { class: "name", text: item.name }), el("span", { class: "detail", text: item.detail ?? "" }));
        if (onDelete && item.deletable !== false) {
          row.append(el("button", { class: "small danger", text: "Delete", title: `Delete ${item.name}`, onclick: async (e) => {
            e.stopPropagation();
            if (await onDelete(item.name)) {
              items = items.filter((it) => it !== item);
              render();
            }
          } }));
        }
        list.append(row);
      }
    };
    filter.addEventListener("input", render);
    filter.addEventListener("keydown", (e) => {
      if (e.key === "Enter") list.querySelector(".rg-list-item")?.click();
    });
    render();
    return el("div", {}, filter, list);
  }, { wide: true });
}

/**
 * A file parameter: type a path (a model folder, a file on the server) or upload one.
 * `upload(file)` stores the file and returns the value to use; resolves with the new value.
 */
export function chooseFile({ title, value = "", description, upload, accept }) {
  return modal(title, (close) => {
    const input = el("input", { type: "text", value, spellcheck: "false", placeholder: "path or uploaded file name", "aria-label": "Path" });
    const picker = el("input", { type: "file", accept: accept || "image/*,audio/*,video/*", hidden: true });
    const status = el("span", { class: "muted upload-status" });
    picker.addEventListener("change", async () => {
      const file = picker.files[0];
      if (!file) return;
      status.textContent = `Uploading ${file.name}…`;
      const stored = await upload(file);
      status.textContent = stored ? `Uploaded ${file.name}.` : "";
      if (stored) close(stored);
    });
    input.addEventListener("keydown", (e) => e.key === "Enter" && close(input.value.trim()));
    requestAnimationFrame(() => input.select());
    return el("div", {},
      description ? el("p", { class: "message", text: description }) : null,
      el("label", { class: "field" }, el("span", { text: "Path" }), input),
      el("div", { class: "rg-modal-actions" },
        el("button", { class: "upload", text: "Upload a file…", onclick: () => picker.click() }),
        status,
        el("button", { text: "Cancel", onclick: () => close(null) }),
        el("button", { class: "ok primary", text: "Use path", onclick: () => close(input.value.trim()) })),
      picker);
  });
}

export function showShortcuts(shortcuts) {
  return modal("Keyboard shortcuts", () =>
    el("table", { class: "shortcuts" },
      shortcuts.map(([keys, what]) => el("tr", {}, el("td", {}, ...keys.split(" ").map((k) => el("kbd", { text: k }))), el("td", { text: what })))),
  );
}
