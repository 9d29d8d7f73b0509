"""Which silhouette a word names, and its size: the vocabulary of ``things.py``, free of drawing code
so that casting can ask without importing the drawers."""

from __future__ import annotations

# word → (shape, height m, width m)
SHAPES: dict[str, tuple[str, float, float]] = {
    **dict.fromkeys(("kite",), ("kite", 1.0, 0.8)),
    **dict.fromkeys(("balloon", "balloons", "bubble", "bubbles"), ("balloon", 0.45, 0.35)),
    **dict.fromkeys(("hot air balloon", "blimp", "airship"), ("balloon", 14.0, 11.0)),
    **dict.fromkeys(("ball", "football", "basketball", "beachball", "orb"), ("ball", 0.3, 0.3)),
    **dict.fromkeys(("umbrella", "parasol"), ("umbrella", 1.0, 1.1)),
    **dict.fromkeys(
        ("boat", "ship", "sailboat", "yacht", "kayak", "canoe", "ferry", "raft", "gondola"), ("boat", 3.2, 4.5)
    ),
    **dict.fromkeys(("bag", "handbag", "suitcase", "backpack", "briefcase", "basket", "bucket"), ("bag", 0.5, 0.45)),
    **dict.fromkeys(("box", "crate", "gift", "present", "package", "chest"), ("box", 0.5, 0.6)),
    **dict.fromkeys(("rock", "stone", "boulder"), ("rock", 0.8, 1.2)),
    **dict.fromkeys(("lantern", "lamp", "candle", "torch"), ("lantern", 0.4, 0.25)),
    **dict.fromkeys(("flag", "banner"), ("flag", 1.6, 1.0)),
    **dict.fromkeys(("bench", "table", "chair", "sofa", "couch", "bed", "desk"), ("bench", 0.8, 1.6)),
    **dict.fromkeys(("book", "phone", "cup", "mug", "bottle", "camera", "guitar", "violin"), ("held", 0.3, 0.25)),
}


def shape_of(label: str) -> tuple[str, float, float] | None:
    """The silhouette for a word (also its singular), or None when it has none of its own."""
    label = label.lower()
    return SHAPES.get(label) or SHAPES.get(label.rstrip("s")) or SHAPES.get(label.split()[-1] if label else "")
