"""``index.html``: the batch's contact sheet — a thumbnail, a player and the parameters of each
variant, failures with their reason. One static file with relative links, so the output folder
can be opened from disk, copied or served as it is."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from server.engine.partials import write_text_atomic

from .job import IMAGE_SUFFIXES, VIDEO_SUFFIXES

INDEX = "index.html"
PLAYABLE = (".mp4", ".webm")

STYLE = """
[hidden]{display:none!important}
body{font-family:system-ui,sans-serif;background:#16181d;color:#e6e6e6;margin:24px}
h1{font-size:20px;margin:0 0 4px} p.sum{color:#9aa0a6;margin:0 0 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:16px}
.card{background:#22252c;border-radius:8px;padding:10px;border:2px solid transparent}
.card.failed,.card.invalid,.card.cancelled{border-color:#a33}
.card img,.card video{width:100%;border-radius:4px;background:#000;display:block}
.card h2{font-size:14px;margin:8px 0 4px} .card .st{float:right;font-weight:normal}
.succeeded .st{color:#6c6} .failed .st,.invalid .st,.cancelled .st{color:#e66}
table{font-size:12px;border-collapse:collapse;width:100%} td{padding:1px 4px;vertical-align:top}
td.k{color:#9aa0a6;white-space:nowrap;width:1%} a{color:#8ab4f8} img.thumb{cursor:pointer} pre{white-space:pre-wrap;font-size:12px;color:#e99}
""".strip()


def write_index(out_root: Path, title: str, records: list[dict[str, Any]]) -> Path:
    counts: dict[str, int] = {}
    for r in records:
        counts[r.get("status", "?")] = counts.get(r.get("status", "?"), 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    cards = "\n".join(_card(r) for r in records)
    page = (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)} — batch</title><style>{STYLE}</style></head><body>\n"
        f"<h1>{html.escape(title)}</h1><p class=sum>{len(records)} variants: {html.escape(summary)}</p>\n"
        f"<div class=grid>\n{cards}\n</div></body></html>\n"
    )
    path = out_root / INDEX
    write_text_atomic(path, page)
    return path


def _card(record: dict[str, Any]) -> str:
    status = str(record.get("status", "?"))
    thumb = record.get("thumbnail")
    media = [f for f in record.get("outputs", []) if f.lower().endswith(VIDEO_SUFFIXES + IMAGE_SUFFIXES)]
    videos = [f for f in media if f.lower().endswith(PLAYABLE)]
    parts = [f'<div class="card {html.escape(status)}">']
    if thumb and videos:  # the thumbnail until clicked, then the player in its place
        parts.append(
            f'<img class=thumb src="{_url(thumb)}" alt="variant {record.get("variant")}" title="play"'
            ' onclick="this.hidden=true;this.nextElementSibling.hidden=false;this.nextElementSibling.play()">'
            f'<video hidden controls preload=none poster="{_url(thumb)}" src="{_url(videos[0])}"></video>'
        )
    elif thumb:
        parts.append(f'<img class=thumb src="{_url(thumb)}" alt="variant {record.get("variant")}">')
    elif videos:
        parts.append(f'<video controls preload=metadata src="{_url(videos[0])}"></video>')
    elif media and not thumb:
        parts.append(f'<img src="{_url(media[0])}" alt="">')
    seconds = record.get("seconds")
    took = f" · {seconds:.1f}s" if isinstance(seconds, int | float) else ""
    parts.append(
        f"<h2>#{record.get('variant')} <small>{html.escape(str(record.get('folder', '')))}</small>"
        f"<span class=st>{html.escape(status)}{took}</span></h2>"
    )
    rows = "".join(
        f"<tr><td class=k>{html.escape(k)}</td><td>{html.escape(_text(v))}</td></tr>"
        for k, v in (record.get("params") or {}).items()
    )
    if rows:
        parts.append(f"<table>{rows}</table>")
    reason = (record.get("error") or {}).get("message") or "; ".join(
        str(p.get("message", p)) for p in record.get("problems", [])
    )
    if reason:
        parts.append(f"<pre>{html.escape(reason)}</pre>")
    if media:
        links = " ".join(f'<a href="{_url(f)}">{html.escape(Path(f).name)}</a>' for f in media)
        parts.append(f"<div>{links}</div>")
    parts.append("</div>")
    return "".join(parts)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _url(relative: str) -> str:
    return html.escape("/".join(quote(part) for part in relative.split("/")), quote=True)
