"""Open-class English vocabulary from spacy-lookups-data: which tags a word form can have.

The package ships WordNet's lemma index (base forms per part of speech), its irregular forms
and its suffix rules, the same tables spaCy's rule lemmatizer uses. Reading them backwards
gives, for any inflected form, its possible Penn Treebank tags with their lemmas: "walks" is
a plural noun (walk) or a third-person verb (walk). Loaded once per process.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

Analysis = tuple[str, str]  # (Penn tag, lemma)

# Nouns whose plural WordNet lists as a base form.
PLURAL_BASE_NOUNS = {"people": "person", "police": "police", "cattle": "cattle", "clothes": "clothes"}


@dataclass(frozen=True)
class Vocab:
    index: dict[str, frozenset[str]]
    exceptions: dict[str, dict[str, list[str]]]
    rules: dict[str, list[tuple[str, str]]]

    def knows(self, word: str) -> bool:
        """True when the form is a known open-class word (base or inflected)."""
        return bool(self.analyses(word.lower()))

    def analyses(self, word: str) -> tuple[Analysis, ...]:
        """Every (tag, lemma) reading of a lower-case word form, most basic first."""
        return _analyses_of(word) if self is load_vocab() else _analyses(self, word)


@cache
def load_vocab() -> Vocab:
    data = files("spacy_lookups_data") / "data"

    def table(name: str) -> dict:
        with gzip.open(str(data / f"en_{name}.json.gz"), "rt", encoding="utf-8") as fh:
            return json.load(fh)

    index = {pos: frozenset(words) for pos, words in table("lemma_index").items()}
    exceptions = table("lemma_exc")
    rules = {pos: [tuple(r) for r in rs] for pos, rs in table("lemma_rules").items() if pos != "punct"}
    return Vocab(index=index, exceptions=exceptions, rules=rules)


def _inflected(vocab: Vocab, pos: str, word: str) -> list[str]:
    """Lemmas that ``word`` is an inflected form of, for one part of speech."""
    lemmas = list(vocab.exceptions.get(pos, {}).get(word, []))
    index = vocab.index.get(pos, frozenset())
    for old, new in vocab.rules.get(pos, []):
        if old and word.endswith(old):
            form = word[: len(word) - len(old)] + new
            if form and form in index and form not in lemmas:
                lemmas.append(form)
    return [lemma for lemma in lemmas if lemma != word]


@lru_cache(maxsize=200_000)
def _analyses_of(word: str) -> tuple[Analysis, ...]:
    return _analyses(load_vocab(), word)


def _analyses(vocab: Vocab, word: str) -> tuple[Analysis, ...]:
    out: list[Analysis] = []
    idx = vocab.index
    if word in PLURAL_BASE_NOUNS:
        out.append(("NNS", PLURAL_BASE_NOUNS[word]))
    elif word in idx["noun"]:
        out.append(("NN", word))
    out += [("NNS", lemma) for lemma in _inflected(vocab, "noun", word)]
    if word in idx["verb"]:
        out += [("VB", word), ("VBP", word)]
    for lemma in _inflected(vocab, "verb", word):
        out += [(tag, lemma) for tag in _verb_tags(word)]
    if word in idx["adj"]:
        out.append(("JJ", word))
    for lemma in _inflected(vocab, "adj", word):
        out.append(("JJS" if word.endswith("st") else "JJR", lemma))
    if word in idx["adv"]:
        out.append(("RB", word))
    for lemma in vocab.exceptions.get("adv", {}).get(word, []):
        out.append(("RBS" if word.endswith("st") else "RBR", lemma))
    return tuple(dict.fromkeys(out))


def _verb_tags(word: str) -> tuple[str, ...]:
    if word.endswith("ing"):
        return ("VBG",)
    if word.endswith("s") and not word.endswith("ss"):
        return ("VBZ",)
    return ("VBD", "VBN")
