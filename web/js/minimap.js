// The minimap: the whole graph in a corner of the stage, with the visible part outlined.
// Click or drag on it to move the view there. It reads the graph through the Surface only
// (node rectangles, colours, the view) and redraws a few times a second while shown — a
// 300-node graph costs a few hundred rectangles, far below one canvas frame.

const WIDTH = 200;
const HEIGHT = 130;
const PAD = 6;
const REDRAW_MS = 200;

export class Minimap {
  /**
   * @param surface the canvas surface: nodeBoxes(), viewRect(), centreOn([x, y])
   * @param parent the stage element the minimap floats in
   */
  constructor(surface, parent) {
    this.surface = surface;
    const dpr = Math.max(window.devicePixelRatio || 1, 1);
    this.canvas = Object.assign(document.createElement("canvas"), { id: "minimap", className: "minimap", width: WIDTH * dpr, height: HEIGHT * dpr });
    this.canvas.title = "Minimap: click or drag to move the view";
    this.ctx = this.canvas.getContext("2d");
    this.ctx.scale(dpr, dpr);
    parent.append(this.canvas);
    this.frame = null;
    this.timer = null;
    this.#bindPointer();
    this.show(true);
  }

  get shown() {
    return !this.canvas.classList.contains("hidden");
  }

  show(on = !this.shown) {
    this.canvas.classList.toggle("hidden", !on);
    clearInterval(this.timer);
    if (on) {
      this.draw();
      this.timer = setInterval(() => this.draw(), REDRAW_MS);
    }
    return on;
  }

  /** Graph-space rectangle the minimap shows (all nodes and the view), and its scale. */
  #mapping(boxes, view) {
    let [x0, y0, x1, y1] = [view.x, view.y, view.x + view.w, view.y + view.h];
    for (const b of boxes) {
      x0 = Math.min(x0, b.x);
      y0 = Math.min(y0, b.y);
      x1 = Math.max(x1, b.x + b.w);
      y1 = Math.max(y1, b.y + b.h);
    }
    const s = Math.min((WIDTH - 2 * PAD) / Math.max(x1 - x0, 1), (HEIGHT - 2 * PAD) / Math.max(y1 - y0, 1));
    const ox = PAD + (WIDTH - 2 * PAD - (x1 - x0) * s) / 2 - x0 * s;
    const oy = PAD + (HEIGHT - 2 * PAD - (y1 - y0) * s) / 2 - y0 * s;
    return { s, ox, oy };
  }

  draw() {
    const boxes = this.surface.nodeBoxes();
    const view = this.surface.viewRect();
    const { s, ox, oy } = (this.map = this.#mapping(boxes, view));
    const ctx = this.ctx;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = "rgba(17, 19, 24, 0.92)";
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    for (const b of boxes) {
      ctx.fillStyle = b.colour;
      ctx.fillRect(ox + b.x * s, oy + b.y * s, Math.max(2, b.w * s), Math.max(2, b.h * s));
    }
    ctx.strokeStyle = "#dfe6f3";
    ctx.lineWidth = 1;
    ctx.strokeRect(ox + view.x * s + 0.5, oy + view.y * s + 0.5, view.w * s, view.h * s);
  }

  #bindPointer() {
    const move = (e) => {
      if (!this.map) return;
      const r = this.canvas.getBoundingClientRect();
      const { s, ox, oy } = this.map;
      this.surface.centreOn([(e.clientX - r.left - ox) / s, (e.clientY - r.top - oy) / s]);
      this.draw();
    };
    this.canvas.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      e.stopPropagation();
      this.canvas.setPointerCapture(e.pointerId);
      move(e);
      const onMove = (ev) => move(ev);
      const onUp = () => {
        this.canvas.removeEventListener("pointermove", onMove);
        this.canvas.removeEventListener("pointerup", onUp);
      };
      this.canvas.addEventListener("pointermove", onMove);
      this.canvas.addEventListener("pointerup", onUp);
    });
  }
}
