"""The DOC value: analysed text that does not depend on which NLP backend produced it.

A spaCy ``Doc`` is tied to its vocabulary and pipeline; this frozen copy is plain data, so
the engine can cache it, the CLI can print it and the scene-graph builder reads the same
fields whichever backend ran. Dependency labels follow spaCy's English scheme (``nsubj``,
``dobj``, ``prep``, ``pobj``, ``amod``, ``compound``, ``conj``, ...), which both the
installed pipelines and the built-in rule-based relations emit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Token:
    """One token. ``head`` is the index of the syntactic head (itself for a sentence root);
    ``ent`` is the label of the entity the token belongs to, or ``""``."""

    i: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    ent: str = ""
    idx: int = 0
    sent: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "i": self.i,
            "text": self.text,
            "lemma": self.lemma,
            "pos": self.pos,
            "tag": self.tag,
            "dep": self.dep,
            "head": self.head,
            "ent": self.ent,
            "idx": self.idx,
        }


@dataclass(frozen=True)
class Entity:
    """A labelled span of tokens ``[start, end)``, e.g. ("black boots", "CLOTHING", 12, 14)."""

    text: str
    label: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Sentence:
    """Tokens ``[start, end)`` of one sentence and its text."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Doc:
    """Tokens, sentences and entities of one text, and the backend that produced them.

    ``english_ratio`` is the share of alphabetic tokens found in the English lexicon; a low
    value tells downstream nodes that the text is probably not English. ``warnings`` are
    human-readable notes about the analysis (e.g. that the text looks non-English).
    """

    text: str
    backend: str
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    english_ratio: float = 1.0
    warnings: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.tokens)

    def __iter__(self) -> Iterator[Token]:
        return iter(self.tokens)

    def children(self, i: int) -> list[Token]:
        """Tokens whose head is token ``i`` (excluding ``i`` itself)."""
        return [t for t in self.sentence_tokens(self.tokens[i].sent) if t.head == i and t.i != i]

    def sentence_tokens(self, index: int) -> tuple[Token, ...]:
        sent = self.sentences[index]
        return self.tokens[sent.start : sent.end]

    def entity_at(self, i: int) -> Entity | None:
        return next((e for e in self.entities if e.start <= i < e.end), None)

    @property
    def nbytes(self) -> int:
        """A rough in-memory size for the engine's byte-bounded cache."""
        return 200 * len(self.tokens) + 2 * len(self.text)

    def to_json(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "text": self.text,
            "english_ratio": round(self.english_ratio, 3),
            "warnings": list(self.warnings),
            "sentences": [s.to_json() for s in self.sentences],
            "tokens": [t.to_json() for t in self.tokens],
            "entities": [e.to_json() for e in self.entities],
        }

    def summary(self) -> dict[str, Any]:
        return {
            "type": "DOC",
            "backend": self.backend,
            "tokens": len(self.tokens),
            "sentences": len(self.sentences),
            "entities": [f"{e.text} ({e.label})" for e in self.entities[:40]],
            "english_ratio": round(self.english_ratio, 3),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Doc:
        tokens = []
        for sent_index, sent in enumerate(data["sentences"]):
            for t in data["tokens"][sent["start"] : sent["end"]]:
                tokens.append(Token(**t, sent=sent_index))
        return cls(
            text=data["text"],
            backend=data["backend"],
            tokens=tuple(tokens),
            sentences=tuple(Sentence(**s) for s in data["sentences"]),
            entities=tuple(Entity(**e) for e in data["entities"]),
            english_ratio=data.get("english_ratio", 1.0),
            warnings=tuple(data.get("warnings", ())),
        )
