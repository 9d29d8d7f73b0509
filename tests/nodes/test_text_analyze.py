"""text.analyze: the built-in backend's accuracy, lemmas, entities, relations, backends and bad input."""

from __future__ import annotations

import pytest

from nodes.text.analyze import MAX_ANALYZE_CHARS, AnalyzeParams, analyze
from nodes.text.doc import Doc
from nodes.text.pipeline import analyse, installed_model, pipeline, resolve_backend
from server.engine.errors import NodeInputError
from tests.text_gold import TOKYO, detokenize, load_gold


def accuracy(name: str) -> tuple[float, int, list[str]]:
    correct, total, errors = 0, 0, []
    for sentence in load_gold(name):
        words = [w for w, _ in sentence]
        doc = analyse(detokenize(words), "builtin")
        assert [t.text for t in doc.tokens] == words, "the gold file must follow spaCy's tokenization"
        for token, (word, gold) in zip(doc.tokens, sentence):
            total += 1
            if token.pos == gold:
                correct += 1
            else:
                errors.append(f"{word}: gold {gold}, got {token.pos}")
    return correct / total, total, errors


def test_heldout_upos_accuracy_is_at_least_95_percent() -> None:
    value, total, errors = accuracy("pos_heldout.txt")
    sentences = len(load_gold("pos_heldout.txt"))
    print(f"\nheld-out UPOS accuracy (builtin backend): {value:.4f} on {total} tokens, {sentences} prompts")
    print("errors:", "; ".join(errors))
    assert sentences >= 30
    assert value >= 0.95


def test_dev_upos_accuracy_is_reported() -> None:
    value, total, _ = accuracy("pos_dev.txt")
    print(f"\ndev UPOS accuracy (builtin backend, the set the rules were tuned on): {value:.4f} on {total} tokens")
    assert value >= 0.97


def tok(doc: Doc, text: str, nth: int = 0):
    return [t for t in doc.tokens if t.text == text][nth]


def test_tokyo_prompt_lemmas_pos_entities_and_relations() -> None:
    doc = analyse(TOKYO, "builtin")
    assert doc.backend == "builtin"
    assert len(doc.sentences) == 6
    assert (tok(doc, "walks").lemma, tok(doc, "walks").pos, tok(doc, "walks").tag) == ("walk", "VERB", "VBZ")
    assert (tok(doc, "'s").lemma, tok(doc, "'s").pos) == ("be", "AUX")
    assert tok(doc, "boots").lemma == "boot" and tok(doc, "dress").lemma == "dress"
    assert tok(doc, "Tokyo").pos == "PROPN" and tok(doc, "She").pos == "PRON"
    labels = {(e.text, e.label) for e in doc.entities}
    assert {
        ("woman", "PERSON"),
        ("Tokyo", "GPE"),
        ("jacket", "CLOTHING"),
        ("rain", "WEATHER"),
        ("black", "COLOR"),
        ("leather", "MATERIAL"),
        ("neon signs", "LIGHT"),
    } <= labels
    woman, walks, jacket = tok(doc, "woman"), tok(doc, "walks"), tok(doc, "jacket")
    assert (woman.dep, woman.head) == ("nsubj", walks.i) and walks.dep == "ROOT"
    assert (jacket.dep, doc.tokens[jacket.head].text) == ("dobj", "rocking")
    assert {(t.text, t.dep) for t in doc.children(jacket.i)} >= {
        ("dress", "conj"),
        ("boots", "conj"),
        ("black", "amod"),
    }
    assert doc.tokens[tok(doc, "street").head].text == "down"


def test_relations_of_clauses() -> None:
    doc = analyse("A man who walks his dog waits at the station, checking his watch, while it rains.", "builtin")
    assert (tok(doc, "walks").dep, doc.tokens[tok(doc, "walks").head].text) == ("relcl", "man")
    assert (tok(doc, "man").dep, doc.tokens[tok(doc, "man").head].text) == ("nsubj", "waits")
    assert (tok(doc, "checking").dep, doc.tokens[tok(doc, "checking").head].text) == ("advcl", "waits")
    assert (tok(doc, "rains").dep, tok(doc, "while").dep) == ("advcl", "mark")
    roots = [t for t in doc.tokens if t.dep == "ROOT"]
    assert [r.text for r in roots] == ["waits"]


def test_silent_e_lemmas() -> None:
    doc = analyse("The sun is shining while riders are riding and the boat is moored.", "builtin")
    assert tok(doc, "shining").lemma == "shine"
    assert tok(doc, "riding").lemma == "ride"


def test_doc_json_round_trip() -> None:
    doc = analyse(TOKYO, "builtin")
    again = Doc.from_json(doc.to_json())
    assert again == doc
    assert doc.summary()["tokens"] == len(doc.tokens)


def test_node_records_backend_and_reports_progress(ctx, progress) -> None:
    out = analyze(ctx, AnalyzeParams(backend="builtin"), text="A red fox runs across the snow.")
    doc = out["doc"]
    assert isinstance(doc, Doc) and doc.backend == "builtin"
    assert progress.calls[-1][:2] == (2, 2)


def test_auto_backend_uses_installed_model_or_builtin() -> None:
    expected = f"spacy:{installed_model()}" if installed_model() else "builtin"
    assert resolve_backend("auto", "") == expected


def test_missing_spacy_model_is_a_clear_error(ctx) -> None:
    with pytest.raises(NodeInputError) as err:
        analyze(ctx, AnalyzeParams(backend="spacy", model="en_core_web_nonexistent"), text="A cat.")
    assert err.value.name == "model"
    assert "python -m spacy download en_core_web_nonexistent" in str(err.value)


@pytest.mark.skipif(installed_model() is not None, reason="a spaCy English pipeline is installed here")
def test_spacy_backend_without_any_model_says_how_to_install(ctx) -> None:
    with pytest.raises(NodeInputError, match="python -m spacy download en_core_web_sm"):
        analyze(ctx, AnalyzeParams(backend="spacy"), text="A cat.")


def test_spacy_backend_loads_a_saved_pipeline_from_a_folder(ctx, tmp_path) -> None:
    folder = tmp_path / "pipe"
    pipeline("builtin").to_disk(folder)
    doc = analyze(ctx, AnalyzeParams(backend="spacy", model=str(folder)), text=TOKYO)["doc"]
    assert doc.backend == f"spacy:{folder}"
    builtin = analyse(TOKYO, "builtin")
    assert [t.pos for t in doc.tokens] == [t.pos for t in builtin.tokens]
    assert {e.label for e in doc.entities} >= {"PERSON", "CLOTHING"}


def test_empty_text_names_the_input(ctx) -> None:
    with pytest.raises(NodeInputError) as err:
        analyze(ctx, AnalyzeParams(), text="   \n ")
    assert err.value.name == "text"


def test_long_prompt_up_to_the_limit_and_a_clear_error_beyond(ctx) -> None:
    sentence = "A tired traveler sits on a wooden bench and reads an old newspaper in the rain. "
    text = (sentence * (MAX_ANALYZE_CHARS // len(sentence) + 1))[:MAX_ANALYZE_CHARS]
    doc = analyze(ctx, AnalyzeParams(backend="builtin"), text=text)["doc"]
    assert len(doc.sentences) > 200 and doc.tokens[-1].idx < MAX_ANALYZE_CHARS
    with pytest.raises(NodeInputError, match="20,000"):
        analyze(ctx, AnalyzeParams(backend="builtin"), text=text + "x")


def test_non_english_and_emoji_only_text_are_flagged(ctx) -> None:
    french = analyze(
        ctx, AnalyzeParams(backend="builtin"), text="Une femme marche dans une rue de Tokyo sous la pluie."
    )
    assert french["doc"].english_ratio < 0.5 and "English" in french["doc"].warnings[0]
    emoji = analyze(ctx, AnalyzeParams(backend="builtin"), text="🌧️🚶‍♀️🌃✨")["doc"]
    assert emoji.tokens and all(t.pos in ("SYM", "PUNCT", "X") for t in emoji.tokens)
    assert "no words" in emoji.warnings[0]
