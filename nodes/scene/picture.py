"""The scene graph as a picture: what the system understood, at a glance.

Layout: a header with the scene settings (setting, place, time, weather, light, crowd, sound,
style); below it one column per entity (a disc sized by salience, coloured by type, with its
count and motion), its attributes stacked underneath (colours as swatches), and relations
drawn as labelled arcs above the discs ("woman -wear-> jacket"). At most ``MAX_ENTITIES``
are drawn, the most salient, in the order the text introduces them.
"""

from __future__ import annotations

from .drawing import Canvas, bezier, fit_text, text_width
from .model import Scene

MAX_ENTITIES = 12
TYPE_COLOURS = {
    "person": (236, 112, 99),
    "animal": (245, 176, 65),
    "bird": (133, 193, 233),
    "vehicle": (93, 173, 226),
    "light": (247, 215, 90),
    "clothing": (187, 143, 206),
    "object": (171, 178, 185),
    "place": (120, 210, 160),
    "structure": (160, 170, 185),
    "plant": (88, 200, 120),
}
RELATION_COLOURS = {
    "wear": (142, 68, 173),
    "action": (192, 57, 43),
    "spatial": (39, 110, 180),
    "possession": (120, 120, 120),
    "cause": (211, 84, 0),
}
INK, GREY = (35, 38, 45), (120, 124, 132)
MARGIN, HEADER = 30, 120


def scene_picture(scene: Scene, width: int = 1400) -> Canvas:
    entities = _order([eid for eid, _ in scene.entities()[:MAX_ENTITIES]], scene)
    columns = {eid: _column_width(scene, eid) for eid in entities}
    content = sum(columns.values())
    width = max(width, int(content) + 2 * MARGIN)
    relations = [(s, t, d) for s, t, d in scene.relations() if s in columns and t in columns]
    xs = _column_centres(entities, columns, width)
    levels = _arc_levels(relations, entities)
    arc_space = 50 + 34 * max(levels, default=0)
    disc_y = HEADER + arc_space + 60
    attr_rows = max((len(scene.attributes(eid)) for eid in entities), default=0)
    height = int(disc_y + 120 + 30 * attr_rows + 40)
    canvas = Canvas(width, height, (250, 250, 247))
    _header(canvas, scene, len(scene.entities()) - len(entities))
    for (s, t, d), level in zip(relations, levels):
        _arc(canvas, xs[s], xs[t], disc_y - 58, level, d)
    for eid in entities:
        _entity(canvas, scene, eid, xs[eid], disc_y, columns[eid])
    if not entities:
        canvas.text((width / 2, disc_y), "no drawable things were found in the text", 18, GREY)
    return canvas


def _order(by_salience: list[str], scene: Scene) -> list[str]:
    """The main subject in the middle, what it wears on its right, the rest alternating
    left and right by salience, so that most arcs stay short."""
    if not by_salience:
        return []
    main = by_salience[0]
    worn = [t for _, t, d in scene.graph.out_edges(main, data=True) if d.get("kind") == "wear" and t in by_salience]
    left: list[str] = []
    right: list[str] = list(dict.fromkeys(worn))
    for eid in by_salience[1:]:
        if eid in right:
            continue
        (left if len(left) <= len(right) - len(worn) // 2 else right).append(eid)
    return left[::-1] + [main] + right


def _column_width(scene: Scene, eid: str) -> float:
    e = scene.entity(eid)
    texts = [e["label"], _motion_text(scene, eid)] + [_attr_text(a) for a in scene.attributes(eid)]
    return max(150.0, max(text_width(t, 13) for t in texts) + 40)


def _column_centres(entities: list[str], columns: dict[str, float], width: int) -> dict[str, float]:
    total = sum(columns.values())
    x = (width - total) / 2
    out = {}
    for eid in entities:
        out[eid] = x + columns[eid] / 2
        x += columns[eid]
    return out


def _arc_levels(relations: list[tuple[str, str, dict]], entities: list[str]) -> list[int]:
    """Stack arcs so that wider ones go above the narrower ones they cover."""
    index = {eid: k for k, eid in enumerate(entities)}
    spans = [(min(index[s], index[t]), max(index[s], index[t])) for s, t, _ in relations]
    order = sorted(range(len(relations)), key=lambda k: spans[k][1] - spans[k][0])
    levels = [0] * len(relations)
    for k in order:
        lo, hi = spans[k]
        below = [levels[j] for j in order if levels[j] and spans[j][0] < hi and spans[j][1] > lo]
        levels[k] = 1 + max(below, default=0)
    return levels


def _header(canvas: Canvas, scene: Scene, hidden: int) -> None:
    s = scene.settings
    canvas.text((MARGIN, 26), "Scene graph: what the prompt says", 22, INK, "lm")
    time = s.get("time_of_day") or "unknown time"
    if s.get("time_of_day_source") == "inferred":
        time += " (inferred)"
    place = " · ".join([s.get("location") or "?"] + list(s.get("place_names", [])))
    chips = [
        ("setting", s.get("setting", "generic")),
        ("place", place),
        ("time", time),
        ("weather", ", ".join(s.get("weather", [])) or "clear"),
        ("light", ", ".join(s.get("lighting", [])) or "-"),
        ("crowd", f"{s.get('crowd_density', 0):.0%}"),
        ("sound", ", ".join(s.get("audio_cues", [])) or "-"),
        ("style", ", ".join(s.get("style_tags", [])) or "-"),
    ]
    x, y = MARGIN, 62
    for key, value in chips:
        text = fit_text(f"{key}: {value}", 13, canvas.width / 2)
        w = text_width(text, 13) + 14
        if x + w > canvas.width - MARGIN:
            x, y = MARGIN, y + 28
        canvas.rect((x, y - 11, x + w, y + 11), fill=(232, 236, 242), radius=6)
        canvas.text((x + 7, y), text, 13, INK, "lm")
        x += w + 8
    if hidden > 0:
        canvas.text((canvas.width - MARGIN, 26), f"+{hidden} less salient not drawn", 12, GREY, "rm")


def _arc(canvas: Canvas, x0: float, x1: float, y: float, level: int, d: dict) -> None:
    colour = RELATION_COLOURS.get(d.get("kind", ""), GREY)
    lift = 34 * level + 10
    offset = 6 if x1 > x0 else -6
    points = bezier((x0 + offset, y), ((x0 + x1) / 2, y - 2 * lift), (x1 - offset, y))
    canvas.arrow(points, colour, width=2)
    words = [d.get("kind", "")] + [w for w in (d.get("verb"), d.get("prep")) if w]
    canvas.label(((x0 + x1) / 2, y - lift), " ".join(words), 12, colour, fill=(255, 255, 255), outline=colour)


def _entity(canvas: Canvas, scene: Scene, eid: str, x: float, y: float, column: float) -> None:
    e = scene.entity(eid)
    r = 30 + 20 * float(e.get("salience", 0.5))
    colour = TYPE_COLOURS.get(e.get("type", ""), (200, 200, 200))
    canvas.ellipse((x - r, y - r, x + r, y + r), fill=colour, outline=INK, width=2)
    count = int(e.get("count", 1))
    canvas.text((x, y - 7), fit_text(e["label"], 14, 2 * r - 6), 14, INK)
    canvas.text((x, y + 11), f"{e.get('type', '')}" + (f" x{count}" if count > 1 else ""), 11, INK)
    canvas.text((x, y + r + 14), fit_text(_motion_text(scene, eid), 12, column - 10), 12, (30, 110, 60))
    top = y + r + 34
    for k, a in enumerate(scene.attributes(eid)):
        ay = top + 30 * k
        start = y + r + (24 if scene.entity(eid).get("motions") else 0)
        canvas.line([(x, start), (x, ay - 11)] if k == 0 else [(x, ay - 19), (x, ay - 11)], (190, 192, 198), 1)
        _attribute(canvas, a, x, ay, column)


def _attribute(canvas: Canvas, a: dict, x: float, y: float, column: float) -> None:
    text = fit_text(_attr_text(a), 13, column - 40)
    w = text_width(text, 13) + (30 if a.get("rgb") else 14)
    x0 = x - w / 2
    canvas.rect((x0, y - 11, x0 + w, y + 11), fill=(255, 255, 255), outline=(200, 202, 208), radius=6)
    if a.get("rgb"):
        canvas.rect((x0 + 5, y - 7, x0 + 19, y + 7), fill=tuple(a["rgb"]), outline=INK, radius=2)
        canvas.text((x0 + 24, y), text, 13, INK, "lm")
    else:
        canvas.text((x0 + 7, y), text, 13, INK, "lm")


def _attr_text(a: dict) -> str:
    extra = f" (from {a['cause']})" if a.get("cause") else ""
    return f"{a['value']} · {a['category']}{extra}"


def _motion_text(scene: Scene, eid: str) -> str:
    motions = scene.entity(eid).get("motions", [])
    if not motions:
        return ""
    m = motions[0]
    path = ""
    if m.get("path_prep"):
        target = m.get("path_target")
        path = f" {m['path_prep']} {scene.entity(target)['label']}" if target in scene.graph else f" {m['path_prep']}"
    return f"-> {m['verb']} ({m['speed']}){path}"
