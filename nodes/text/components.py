"""spaCy pipeline components of the offline backend (imports spaCy: import this lazily).

``reelgraph_tagger`` sets Penn tags, UPOS and closed-class lemmas; spaCy's own rule
lemmatizer (with the spacy-lookups-data tables) fills the other lemmas; spaCy's entity
ruler labels the scene vocabularies; ``reelgraph_relations`` writes heads and labels.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc

from .relations import Tok, parse_sentence
from .tagger import tag_sentence
from .vocab import load_vocab

# Morphology implied by each Penn tag (spaCy's English tag map), so that the rule lemmatizer
# knows a singular noun or an infinitive is already a base form ("dress" stays "dress").
MORPH_OF_TAG = {
    "NN": "Number=Sing",
    "NNP": "Number=Sing",
    "NNS": "Number=Plur",
    "NNPS": "Number=Plur",
    "VB": "VerbForm=Inf",
    "VBP": "Tense=Pres|VerbForm=Fin",
    "VBZ": "Number=Sing|Person=3|Tense=Pres|VerbForm=Fin",
    "VBD": "Tense=Past|VerbForm=Fin",
    "VBN": "Aspect=Perf|Tense=Past|VerbForm=Part",
    "VBG": "Aspect=Prog|Tense=Pres|VerbForm=Part",
    "JJ": "Degree=Pos",
    "JJR": "Degree=Cmp",
    "JJS": "Degree=Sup",
}


@Language.component("reelgraph_tagger")
def reelgraph_tagger(doc: SpacyDoc) -> SpacyDoc:
    vocab = load_vocab()
    for sent in doc.sents:
        words = [t.text for t in sent]
        for token, tagged in zip(sent, tag_sentence(words, vocab)):
            token.tag_ = tagged.tag
            token.pos_ = tagged.pos
            if tagged.tag in MORPH_OF_TAG:
                token.set_morph(MORPH_OF_TAG[tagged.tag])
            if tagged.lemma:
                token.lemma_ = tagged.lemma
    return doc


@Language.component("reelgraph_relations")
def reelgraph_relations(doc: SpacyDoc) -> SpacyDoc:
    if len(doc) == 0:
        return doc
    heads = np.zeros(len(doc), dtype="int64")
    deps: list[str] = [""] * len(doc)
    for sent in doc.sents:
        toks = [Tok(t.text, t.lower_, t.lemma_, t.tag_, t.pos_) for t in sent]
        sent_heads, sent_deps = parse_sentence(toks)
        for k, (h, d) in enumerate(zip(sent_heads, sent_deps)):
            heads[sent.start + k] = h - k  # spaCy stores heads as offsets
            deps[sent.start + k] = d
    array = np.zeros((len(doc), 2), dtype="uint64")
    array[:, 0] = heads.astype("uint64")  # negative offsets wrap, as spaCy expects
    array[:, 1] = [doc.vocab.strings.add(d) for d in deps]
    doc.from_array([HEAD, DEP], array)
    return doc
