"""Choosing, loading and running an NLP backend; turning its output into a ``Doc``.

Two backends:
- ``spacy:<name>``: an installed spaCy pipeline (a package name such as en_core_web_sm, or a
  path), plus our entity ruler for the scene vocabularies after its NER;
- ``builtin``: spaCy's blank English with the components in ``components.py``. Needs no
  trained model, only spacy-lookups-data.
Pipelines are built once per process and cached (loading is the slow part).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from server.engine.errors import NodeInputError

from . import lexicon
from .closed_class import CLOSED
from .doc import Doc, Entity, Sentence, Token

AUTO_MODELS = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm")
RULER_NAME = "reelgraph_ruler"
FUNCTION_SHARE = 0.08  # English prose has well over 8% function words (a, the, of, in, is ...)
_LOCK = threading.Lock()  # spaCy pipelines are not safe to build concurrently


def installed_model() -> str | None:
    """The best English spaCy pipeline installed here, or None."""
    import spacy

    return next((name for name in AUTO_MODELS if spacy.util.is_package(name)), None)


def resolve_backend(backend: str, model: str) -> str:
    """``"builtin"`` or ``"spacy:<model>"``; raises NodeInputError for a missing model."""
    model = model.strip()
    if backend == "builtin":
        return "builtin"
    if model:
        check_model(model)
        return f"spacy:{model}"
    found = installed_model()
    if found:
        return f"spacy:{found}"
    if backend == "spacy":
        raise NodeInputError(
            "model",
            "no spaCy English pipeline is installed; install one with: python -m spacy download en_core_web_sm "
            "(or set backend to 'builtin', which needs no model)",
        )
    return "builtin"


def check_model(model: str) -> None:
    import spacy

    if Path(model).expanduser().is_dir() or spacy.util.is_package(model):
        return
    raise NodeInputError(
        "model",
        f"spaCy model {model!r} is not installed; install it with: python -m spacy download {model} "
        f"(or pip install {model}), give the path of a saved pipeline, or choose backend 'builtin'",
    )


def pipeline(name: str) -> Any:
    """The (cached) spaCy ``Language`` for a resolved backend name."""
    with _LOCK:
        return _pipeline(name)


@lru_cache(maxsize=4)
def _pipeline(name: str) -> Any:
    if name == "builtin":
        return _builtin()
    return _installed(name.removeprefix("spacy:"))


def _builtin() -> Any:
    import spacy

    from . import components  # noqa: F401 - registers the components

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("reelgraph_tagger")
    nlp.add_pipe("lemmatizer", config={"mode": "rule", "overwrite": False})
    _add_ruler(nlp)
    nlp.add_pipe("reelgraph_relations")
    nlp.initialize()  # loads the lemmatizer tables from spacy-lookups-data
    _add_patterns(nlp)
    return nlp


def _installed(model: str) -> Any:
    import spacy

    from . import components  # noqa: F401 - a saved built-in pipeline needs its factories

    nlp = spacy.load(Path(model).expanduser() if Path(model).expanduser().is_dir() else model)
    if RULER_NAME not in nlp.pipe_names:
        after = "ner" if "ner" in nlp.pipe_names else None
        _add_ruler(nlp, after=after)
        nlp.get_pipe(RULER_NAME).add_patterns(entity_patterns(by_form=True))
    return nlp


def _add_ruler(nlp: Any, after: str | None = None) -> None:
    config = {"overwrite_ents": False, "validate": False}
    kwargs = {"after": after} if after else {}
    nlp.add_pipe("entity_ruler", name=RULER_NAME, config=config, **kwargs)


def _add_patterns(nlp: Any) -> None:
    nlp.get_pipe(RULER_NAME).add_patterns(entity_patterns())


def entity_patterns(by_form: bool = False) -> list[dict[str, Any]]:
    """Entity-ruler patterns for the scene vocabularies: by lemma, and with ``by_form`` also by
    lower-case form (for pipelines whose lemmas or tags may be missing)."""
    groups: dict[str, set[str]] = {}
    for word, etype in lexicon.ENTITY_TYPE_OF.items():
        groups.setdefault(lexicon.RULER_LABELS[etype], set()).add(word)
    groups["WEATHER"] = set(lexicon.WEATHER_NOUNS)
    groups["TIME"] = set(lexicon.TIME_WORDS)
    groups["COLOR"] = set(lexicon.COLOURS)
    groups["MATERIAL"] = set(lexicon.MATERIALS) - {"neon"}
    groups["CAMERA"] = set(lexicon.CAMERA_TERMS)
    patterns: list[dict[str, Any]] = []
    noun_pos = {"POS": {"IN": ["NOUN", "PROPN"]}}
    for label, words in groups.items():
        single = sorted(w for w in words if " " not in w)
        pos = {"POS": {"IN": ["ADJ", "NOUN", "PROPN"]}} if label in ("COLOR", "MATERIAL") else noun_pos
        patterns.append({"label": label, "pattern": [{"LEMMA": {"IN": single}, **pos}]})
        if by_form:
            patterns.append({"label": label, "pattern": [{"LOWER": {"IN": single}}]})
        for phrase in sorted(w for w in words if " " in w):
            *first, last = phrase.split(" ")
            tokens = [{"LOWER": w} for w in first] + [{"LOWER": {"IN": [last, last + "s"]}}]
            patterns.append({"label": label, "pattern": tokens})
    for name in sorted(lexicon.PLACE_NAMES):
        patterns.append({"label": "GPE", "pattern": [{"TEXT": part} for part in name.split(" ")]})
    return patterns


def analyse(text: str, backend_name: str) -> Doc:
    """Run a resolved backend on ``text`` and copy the result into a ``Doc``."""
    nlp = pipeline(backend_name)
    with _LOCK:
        spacy_doc = nlp(text)
    return to_doc(spacy_doc, backend_name)


def to_doc(spacy_doc: Any, backend_name: str) -> Doc:
    sentences = []
    sent_of: dict[int, int] = {}
    for k, sent in enumerate(spacy_doc.sents):
        sentences.append(Sentence(start=sent.start, end=sent.end, text=sent.text))
        for i in range(sent.start, sent.end):
            sent_of[i] = k
    tokens = tuple(
        Token(
            i=t.i,
            text=t.text,
            lemma=t.lemma_ or t.lower_,
            pos=t.pos_,
            tag=t.tag_,
            dep=t.dep_,
            head=t.head.i,
            ent=t.ent_type_,
            idx=t.idx,
            sent=sent_of.get(t.i, 0),
        )
        for t in spacy_doc
    )
    entities = tuple(Entity(e.text, e.label_, e.start, e.end) for e in spacy_doc.ents)
    ratio, warnings = english_check(tokens)
    return Doc(
        text=spacy_doc.text,
        backend=backend_name,
        tokens=tokens,
        sentences=tuple(sentences),
        entities=entities,
        english_ratio=ratio,
        warnings=warnings,
    )


def english_check(tokens: tuple[Token, ...]) -> tuple[float, tuple[str, ...]]:
    """How English the words look (0..1), and a warning when they do not.

    The share of words found in the English lexicon, scaled down when a text of more than five
    words with many unknown words has (almost) no English function words: WordNet knows "rue", "de" and "la", but
    "Une femme marche dans une rue" has no "a", "the", "in" or "is"."""
    from .vocab import load_vocab

    vocab = load_vocab()
    words = [t.text for t in tokens if t.text.isalpha()]
    if not words:
        return 0.0, ("the text has no words (only symbols, digits or emoji); describe the scene in English",)
    known = sum(1 for w in words if _is_english(w, vocab)) / len(words)
    function = sum(1 for w in words if w.lower() in CLOSED) / len(words)
    # keyword prompts ("cyberpunk samurai portrait, volumetric lighting") have no function words
    # but nearly all words known; only a text with many unknown words must show some
    doubtful = len(words) > 5 and known < 0.75
    ratio = known * min(1.0, function / FUNCTION_SHARE) if doubtful else known
    if len(words) >= 2 and ratio < 0.5:
        warning = (
            f"the text does not look like English (English-word score {ratio:.0%}); "
            "the analysis, scene graph and style work on English descriptions"
        )
        return ratio, (warning,)
    return ratio, ()


def _is_english(word: str, vocab: Any) -> bool:
    lower = word.lower()
    return (
        lower in CLOSED
        or vocab.knows(lower)
        or lower in lexicon.ENTITY_TYPE_OF
        or word in lexicon.PLACE_NAMES
        or lower in lexicon.COLOURS
    )
