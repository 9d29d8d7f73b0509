"""Camera language in the prompt: "the camera pans across", "zoom in on her jacket", "drone shot".

Each cue names the sentence it came from, a camera move (one of ``shots.CAMERA_MOVES``), the
entity it is aimed at when the text says so, and flags for shot types that are not moves
(aerial, close-up, wide, slow motion). The shot planner honours them.
"""

from __future__ import annotations

from typing import Any

from nodes.text.doc import Doc, Token

from . import vocab
from .entities import Resolution

VERB_MOVES = {
    "pan": "pan",
    "sweep": "pan",
    "orbit": "pan",
    "circle": "pan",
    "tilt": "tilt",
    "crane": "tilt",
    "rise": "tilt",
    "track": "track",
    "follow": "track",
    "trail": "track",
    "dolly": "dolly_in",
    "push": "dolly_in",
    "pull": "dolly_out",
    "zoom": "zoom_in",
    "approach": "dolly_in",
    "move": "dolly_in",
    "glide": "dolly_in",
    "fly": "dolly_in",
    "hold": "static",
    "stay": "static",
    "linger": "static",
}
CAMERA_SUBJECTS = frozenset({"camera", "lens", "drone", "shot", "view"})
OUT_WORDS = frozenset({"out", "back", "away", "backward", "backwards"})
TARGET_PREPS = frozenset({"on", "onto", "to", "toward", "towards", "at", "across", "over", "along", "through", "into"})
SHOT_PHRASES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("drone shot", {"move": "dolly_in", "aerial": True}),
    ("aerial", {"move": "dolly_in", "aerial": True}),
    ("bird's eye", {"move": "static", "aerial": True}),
    ("bird's - eye", {"move": "static", "aerial": True}),
    ("bird 's - eye", {"move": "static", "aerial": True}),
    ("overhead shot", {"move": "static", "aerial": True}),
    ("top - down", {"move": "static", "aerial": True}),
    ("close - up", {"move": "static", "close_up": True}),
    ("close-up", {"move": "static", "close_up": True}),
    ("closeup", {"move": "static", "close_up": True}),
    ("extreme close", {"move": "static", "close_up": True}),
    ("wide shot", {"move": "static", "wide": True}),
    ("establishing shot", {"move": "static", "wide": True}),
    ("tracking shot", {"move": "track"}),
    ("slow motion", {"slow_motion": True}),
    ("slow - motion", {"slow_motion": True}),
    ("time - lapse", {"timelapse": True}),
    ("timelapse", {"timelapse": True}),
)


def camera_cues(doc: Doc, res: Resolution) -> list[dict[str, Any]]:
    cues = []
    for k in range(len(doc.sentences)):
        tokens = doc.sentence_tokens(k)
        cue = _verb_cue(doc, res, tokens) or {}
        text = " ".join(t.text.lower() for t in tokens)
        for phrase, flags in SHOT_PHRASES:
            if phrase in text:
                for key, value in flags.items():
                    cue.setdefault(key, value)
                cue.setdefault("target", _of_target(doc, res, tokens))
        part = _body_part(doc, res, tokens)
        if cue and part is not None and not cue.get("aerial"):
            cue["body_part"], owner = part
            cue["target"] = cue.get("target") or owner
        if cue:
            cues.append(_complete(cue, k, doc.sentences[k].text, text))
    return cues


def _complete(cue: dict[str, Any], k: int, sentence: str, text: str) -> dict[str, Any]:
    direction = cue.get("direction")
    if "left to right" in text:
        direction = "right"
    elif "right to left" in text:
        direction = "left"
    base = {
        "sentence": k,
        "move": None,
        "target": None,
        "body_part": None,
        "direction": direction,
        "aerial": False,
        "close_up": False,
        "wide": False,
        "slow_motion": False,
        "timelapse": False,
        "text": sentence,
    }
    return {**base, **{key: v for key, v in cue.items() if key != "direction"}, "direction": direction}


def _verb_cue(doc: Doc, res: Resolution, tokens: tuple[Token, ...]) -> dict[str, Any] | None:
    for t in tokens:
        if t.pos != "VERB" or t.lemma.lower() not in VERB_MOVES:
            continue
        subject = [c for c in doc.children(t.i) if c.dep in ("nsubj", "nsubjpass")]
        camera_subject = any(c.lemma.lower() in CAMERA_SUBJECTS for c in subject)
        imperative = not subject and t.i == tokens[0].i and t.tag in ("VB", "VBP")
        if camera_subject or imperative:
            return {"move": _move(doc, t), "target": _target(doc, res, t), "direction": _direction(doc, t)}
    return None


def _move(doc: Doc, verb: Token) -> str:
    lemma = verb.lemma.lower()
    words = {c.text.lower() for c in doc.children(verb.i)}
    move = VERB_MOVES[lemma]
    if lemma in ("zoom",):
        return "zoom_out" if words & OUT_WORDS else "zoom_in"
    if lemma in ("dolly", "move", "push", "pull"):
        return "dolly_out" if words & OUT_WORDS or lemma == "pull" else "dolly_in"
    return move


def _direction(doc: Doc, verb: Token) -> str | None:
    words = {c.text.lower() for c in doc.children(verb.i)}
    for word in ("up", "down", "left", "right"):
        if word in words:
            return word
    return None


def _target(doc: Doc, res: Resolution, verb: Token) -> str | None:
    for c in doc.children(verb.i):
        if c.dep == "dobj" and c.i in res.of_token:
            return res.of_token[c.i]
        if c.dep == "prep" and c.lemma.lower() in TARGET_PREPS:
            for pobj in doc.children(c.i):
                if pobj.dep == "pobj" and pobj.i in res.of_token:
                    return res.of_token[pobj.i]
    return None


def _of_target(doc: Doc, res: Resolution, tokens: tuple[Token, ...]) -> str | None:
    """'close-up of a hummingbird': the first entity mentioned after "of" (or at all)."""
    after_of = [t for t in tokens if t.i in res.of_token and any(p.lemma.lower() == "of" for p in tokens if p.i < t.i)]
    anywhere = [t for t in tokens if t.i in res.of_token]
    pick = (after_of or anywhere or [None])[0]
    return res.of_token[pick.i] if pick is not None else None


def _body_part(doc: Doc, res: Resolution, tokens: tuple[Token, ...]) -> tuple[str, str | None] | None:
    """'close-up of her face': ("face", the woman)."""
    for t in tokens:
        word = t.lemma.lower()
        hyphenated = t.i > 0 and doc.tokens[t.i - 1].text in ("-", "–")  # "bird's-eye" is no eye
        if t.pos == "NOUN" and not hyphenated and (word in vocab.BODY_PART_Y or t.text.lower() in vocab.BODY_PART_Y):
            owner = next((res.of_token.get(c.i) for c in doc.children(t.i) if c.dep == "poss"), None)
            return (word if word in vocab.BODY_PART_Y else t.text.lower()), owner
    return None
