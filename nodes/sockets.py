"""The domain socket types of the built-in nodes, registered by the package that owns their
value classes (the engine core knows only TEXT, INT, FLOAT and BOOL).

Value classes are named as ``"module:QualName"`` so that the catalog imports nothing heavy;
the engine resolves them the first time it checks a returned value. ``codec`` says how a
value persists in the disk cache (``files``: the class's ``to_files``/``from_files``) and
``preview`` how the server draws its thumbnail.
"""

from __future__ import annotations

from server.engine.sockets import SocketType, register_socket_type

OWNER = "nodes"
DOMAIN_TYPES = (
    SocketType(
        "DOC",
        "#b48ead",
        "Analysed text: tokens, POS, lemmas, entities, dependencies, sentences.",
        "nodes.text.doc:Doc",
        owner=OWNER,
    ),
    SocketType(
        "SCENE",
        "#d08770",
        "A scene graph: entities, attributes and relations.",
        "nodes.scene.model:Scene",
        owner=OWNER,
    ),
    SocketType(
        "SHOTS",
        "#ebcb8b",
        "A shot plan: timed shots with subject, action and camera move.",
        "nodes.scene.shots:ShotPlan",
        owner=OWNER,
    ),
    SocketType(
        "STYLE",
        "#e06c9f",
        "A style embedding with readable tags and a palette.",
        "nodes.style.model:Style",
        owner=OWNER,
    ),
    SocketType("LAYOUT", "#a3be8c", "Per-frame boxes per entity.", "nodes.datatypes:Layout", owner=OWNER),
    SocketType(
        "IMAGE",
        "#64b5f6",
        "One RGB picture (H×W×3 uint8).",
        "numpy:ndarray",
        codec="array",
        preview="image",
        owner=OWNER,
    ),
    SocketType(
        "FRAMES",
        "#4f8ff7",
        "A frame sequence (T×H×W×3 uint8) with fps and shot cuts, streamed in chunks.",
        "nodes.datatypes:Frames",
        codec="files",
        preview="frames",
        owner=OWNER,
    ),
    SocketType(
        "AUDIO",
        "#f7a74f",
        "Float32 samples with channels and sample rate.",
        "nodes.datatypes:Audio",
        codec="files",
        owner=OWNER,
    ),
    SocketType(
        "TIMELINE",
        "#c9a0dc",
        "Timed events (footsteps, flickers, actions) for syncing sound to picture.",
        "nodes.datatypes:Timeline",
        owner=OWNER,
    ),
    SocketType("VIDEO", "#ff6e6e", "A written media file.", "nodes.datatypes:MediaFile", owner=OWNER),
    SocketType(
        "PIPELINE",
        "#9e9e9e",
        "A handle to a loaded model pipeline.",
        "server.models.handle:ModelHandle",
        owner=OWNER,
    ),
    SocketType(
        "DATASET",
        "#7fb3a0",
        "Captioned training clips with a held-out split (gan nodes).",
        "nodes.gan.dataset:CaptionedClips",
        owner=OWNER,
    ),
    SocketType(
        "MODEL",
        "#b0885a",
        "A trained text-to-video GAN: generator and discriminator (gan nodes).",
        "nodes.gan.values:GanModel",
        owner=OWNER,
    ),
    SocketType(
        "ATTENTION",
        "#d4a5e0",
        "Per clip, the words × frames attention of a generator (gan nodes).",
        "nodes.gan.values:Attention",
        owner=OWNER,
    ),
)

for _socket in DOMAIN_TYPES:
    register_socket_type(_socket)
