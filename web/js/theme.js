// Sizes and colours of the drawn graph, in one place so the canvas and its painters agree.
// The CSS custom properties in css/editor.css use the same palette for the DOM around it.

export const THEME = {
  font: "Inter, 'Segoe UI', system-ui, -apple-system, sans-serif",
  mono: "'JetBrains Mono', 'SFMono-Regular', Menlo, Consolas, monospace",
  titleHeight: 30,
  slotHeight: 20,
  widgetHeight: 22,
  nodeWidth: 240,
  radius: 8,

  background: "#14161b",
  grid: "#1c1f26",
  nodeTitle: "#262a33",
  nodeBody: "#1f2229",
  nodeText: "#c8ccd4",
  nodeTitleText: "#e6e9ef",
  widgetBg: "#16181d",
  widgetOutline: "#343944",
  widgetText: "#e6e9ef",
  widgetLabel: "#8b93a3",
  link: "#7d8596",

  accent: "#4f8ff7",
  queued: "#8b93a3",
  running: "#4f8ff7",
  cached: "#3fb7a6",
  done: "#58c26b",
  error: "#f05a5a",
  skipped: "#6b7280",
};

/** Title colours per catalog category, so a glance tells the pipeline's stages apart. */
const CATEGORY_COLOURS = [
  "#2f3d5c", "#3d2f5c", "#2f5c4e", "#5c4a2f", "#5c2f3f", "#2f515c", "#4a5c2f", "#53405c",
];

export function categoryColour(category) {
  let hash = 0;
  for (const ch of String(category)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return CATEGORY_COLOURS[hash % CATEGORY_COLOURS.length];
}

export const STATE_COLOURS = {
  queued: THEME.queued,
  running: THEME.running,
  cached: THEME.cached,
  done: THEME.done,
  error: THEME.error,
  skipped: THEME.skipped,
};
