// Where to put the view when a workflow opens or Fit is pressed (pure geometry, no canvas).
//
// A graph that fits the stage at a readable zoom is shown whole and centred. One that does
// not is shown from its top-left corner at a readable zoom, cut between columns and rows of
// nodes: every node is either wholly on the stage or wholly off it, so nothing sits half
// under a panel or the stage edge. Rectangles are [x, y, w, h] in graph units, the stage
// {w, h} in CSS pixels; the result is litegraph's {offset, scale} (screen = (graph + offset) * scale).

/** Zoom at which 13 px node titles still read as ~9 px text. */
export const READABLE_ZOOM = 0.7;
const MARGIN = 40;

/**
 * @param rects node rectangles (title included)
 * @param stage {w, h} of the visible canvas
 * @param opts {minScale, maxScale, whole}: `whole` fits everything whatever the zoom (an overview)
 */
export function frameView(rects, stage, { minScale = READABLE_ZOOM, maxScale = 1, whole = false } = {}) {
  if (!rects.length) return { offset: [0, 0], scale: 1 };
  const [x0, y0, x1, y1] = bounds(rects);
  const fitScale = Math.min(maxScale, (stage.w - 2 * MARGIN) / Math.max(x1 - x0, 300), (stage.h - 2 * MARGIN) / Math.max(y1 - y0, 200));
  if (whole || fitScale >= minScale) {
    const scale = Math.max(fitScale, 0.05);
    return { offset: [stage.w / scale / 2 - (x0 + x1) / 2, stage.h / scale / 2 - (y0 + y1) / 2], scale };
  }
  const xs = axisCut(rects.map(([x, , w]) => [x, x + w]), x0, stage.w, minScale);
  const ys = axisCut(rects.map(([, y, , h]) => [y, y + h]), y0, stage.h, minScale);
  const most = Math.min(maxScale, xs.most, ys.most);
  const scale = Math.max(minScale, Math.min(most, Math.max(minScale, xs.least, ys.least)));
  return { offset: [MARGIN / scale - x0, MARGIN / scale - y0], scale };
}

/**
 * Along one axis, the furthest cut c (a node's far edge that no node straddles) whose span
 * from `start` fits on the stage at `minScale`. Returns the zoom range that shows up to the
 * cut: `most` still fits it, `least` pushes the next node wholly off the stage.
 */
function axisCut(spans, start, length, minScale) {
  // The clean cuts are the far ends of the runs of overlapping spans (sorted sweep: O(n log n)).
  const sorted = [...spans].sort((p, q) => p[0] - q[0]);
  const clean = [];
  let end = -Infinity;
  for (const [a, b] of sorted) {
    if (a >= end && end > -Infinity) clean.push(end);
    end = Math.max(end, b);
  }
  clean.push(end);
  let cut = clean[0];
  for (const c of clean) if ((c - start) * minScale + 2 * MARGIN <= length) cut = c;
  const next = Math.min(...spans.map(([a]) => a).filter((a) => a >= cut), Infinity);
  const most = (length - 2 * MARGIN) / Math.max(cut - start, 1);
  const least = Number.isFinite(next) ? (length - MARGIN) / Math.max(next - start, 1) : 0;
  return { most, least };
}

function bounds(rects) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y, w, h] of rects) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + w);
    y1 = Math.max(y1, y + h);
  }
  return [x0, y0, x1, y1];
}
