"""Socket types: the vocabulary that links between nodes are checked against.

Kept deliberately small. Each type has a colour so that the browser can draw
sockets without per-node code, and a sentence so that the catalog explains it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SocketType:
    name: str
    color: str
    description: str


SOCKET_TYPES: dict[str, SocketType] = {
    t.name: t
    for t in (
        SocketType("TEXT", "#8fbc5a", "A string, e.g. a prompt."),
        SocketType("INT", "#6a9fd8", "An integer, e.g. a seed or a frame count."),
        SocketType("FLOAT", "#5ab4c5", "A floating-point number."),
        SocketType("BOOL", "#c58f5a", "True or false."),
        SocketType("DOC", "#b48ead", "Analysed text: tokens, POS, lemmas, entities, dependencies, sentences."),
        SocketType("SCENE", "#d08770", "A scene graph: entities, attributes and relations."),
        SocketType("SHOTS", "#ebcb8b", "A shot plan: timed shots with subject, action and camera move."),
        SocketType("STYLE", "#e06c9f", "A style embedding with readable tags and a palette."),
        SocketType("LAYOUT", "#a3be8c", "Per-frame boxes per entity."),
        SocketType("IMAGE", "#64b5f6", "One RGB picture (H×W×3 uint8)."),
        SocketType("FRAMES", "#4f8ff7", "A frame sequence (T×H×W×3 uint8) with fps and shot cuts, streamed in chunks."),
        SocketType("AUDIO", "#f7a74f", "Float32 samples with channels and sample rate."),
        SocketType("TIMELINE", "#c9a0dc", "Timed events (footsteps, flickers, actions) for syncing sound to picture."),
        SocketType("VIDEO", "#ff6e6e", "A written media file."),
        SocketType("PIPELINE", "#9e9e9e", "A handle to a loaded model pipeline."),
        SocketType("DATASET", "#7fb3a0", "Captioned training clips with a held-out split (gan nodes)."),
        SocketType("MODEL", "#b0885a", "A trained text-to-video GAN: generator and discriminator (gan nodes)."),
        SocketType("ATTENTION", "#d4a5e0", "Per clip, the words × frames attention of a generator (gan nodes)."),
    )
}

# Parameters of these Python types may also be fed by a link of the matching socket type,
# so that one Seed or Number node can drive many widgets.
PARAM_SOCKETS: dict[type, str] = {str: "TEXT", int: "INT", float: "FLOAT", bool: "BOOL"}
