"""Makes the media the shipped workflows start from, with Reelgraph's own nodes (nothing is
downloaded, nothing is anyone else's): run ``python workflows/media/make_media.py`` from the
repository root to rebuild them.

- ``lake.png``: a still for ``image_to_video.json``, drawn by the animatic renderer from a
  prompt (a lake at sunset with a boat; sky above, water below: clouds drift, water ripples).
- ``beat120.ogg``: a 24-second synth track at exactly 120 beats per minute for
  ``music_video.json``, composed by ``audio.music`` (a futuristic neon style, which brings
  the drums), so its true tempo is known for the beat F-measure in ``bench/media.py``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

TEMPO = 120.0
SONG_SECONDS = 24.0
PICTURE_PROMPT = "A small red boat floats on a calm lake at sunset under a cloudy sky."
SONG_PROMPT = "A futuristic neon city at night with glowing synth lights."


def workflow(nodes: dict, links: list) -> dict:
    return {"format": "reelgraph.workflow", "version": 1, "nodes": nodes, "links": links}


def make(engine, doc: dict, target: str, output: str, name: str) -> Path:
    from server.engine import Workflow

    result = engine.run(Workflow.from_json(doc), targets=[target])
    if result.status != "succeeded":
        raise SystemExit(f"{name}: {[(n, r.error) for n, r in result.nodes.items() if r.error]}")
    return result.values[target][output]


def main() -> None:
    import numpy as np
    from PIL import Image

    from server.engine import Engine, Registry
    from server.engine.partials import write_bytes_atomic

    with tempfile.TemporaryDirectory() as scratch:
        engine = Engine(Registry.discover(), output_dir=scratch)
        picture = workflow(
            {
                "prompt": {"type": "text.prompt", "params": {"text": PICTURE_PROMPT}},
                "analysis": {"type": "text.analyze", "params": {}},
                "scene": {"type": "scene.graph", "params": {}},
                "shots": {"type": "scene.shots", "params": {"duration": 2, "max_shots": 1}},
                "animatic": {"type": "render.animatic", "params": {"seed": 3, "width": 960, "height": 540, "fps": 1}},
            },
            [["prompt", "text", "analysis", "text"], ["analysis", "doc", "scene", "doc"],
             ["scene", "scene", "shots", "scene"], ["scene", "scene", "animatic", "scene"],
             ["shots", "shots", "animatic", "shots"]],
        )  # fmt: skip
        frames = make(engine, picture, "animatic", "frames", "picture")
        still = frames.read(1, 2)[0]
        tmp = Path(scratch) / "lake.png"
        Image.fromarray(np.ascontiguousarray(still)).save(tmp, optimize=True)
        write_bytes_atomic(HERE / "lake.png", tmp.read_bytes())

        song = workflow(
            {
                "prompt": {"type": "text.prompt", "params": {"text": SONG_PROMPT}},
                "style": {"type": "style.embed", "params": {"backend": "builtin"}},
                "music": {"type": "audio.music", "params": {"seed": 5, "duration": SONG_SECONDS, "tempo": TEMPO,
                                                            "sample_rate": 44100, "level_db": -14, "fade": 1.0}},
                "save": {"type": "audio.save", "params": {"format": "ogg", "filename_prefix": "beat120"}},
            },
            [["prompt", "text", "style", "text"], ["style", "style", "music", "style"], ["music", "audio", "save", "audio"]],
        )  # fmt: skip
        written = make(engine, song, "save", "file", "song")
        write_bytes_atomic(HERE / "beat120.ogg", Path(written.path).read_bytes())
        shutil.rmtree(Path(scratch) / "beat120", ignore_errors=True)
    for name in ("lake.png", "beat120.ogg"):
        print(f"{HERE / name}: {(HERE / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
