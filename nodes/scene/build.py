"""Doc -> Scene: the recipe that turns analysed text into the scene graph.

1. mentions: noun phrases that name drawable things, with counts and attributes;
2. entities: merge repeated mentions, resolve pronouns;
3. facts: relations (wear, action, spatial, possession, cause) and motions from the verbs;
4. salience: how central each entity is (the first sentence's subject is the star);
5. settings: where, when, weather, light, crowd, style, sounds; camera cues; sentences;
6. assemble the networkx graph in the schema of ``model.Scene``.

Extra fields beyond the schema (documented here, never renamed): scene ``time_of_day_source``
("text"/"inferred"/None), ``camera_cues`` (see camera_cues.py), ``sentences`` (per sentence:
index, text, subject entity id, verb lemma, camera cue index), ``prompt`` (first 2,000
characters), ``backend``; entity ``place_names`` (["Tokyo"]), ``manner`` (["confidently"]),
``mentions`` (how often named), ``known`` (in the vocabularies), ``name`` (the word as written,
"boots"); attribute ``source``
(amod/compound/predicate), ``cause`` ("rain" for wet-from-rain) and ``multicolour``.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from nodes.text.doc import Doc

from .camera_cues import camera_cues
from .entities import Resolution, resolve
from .facts import FactFinder, Relation
from .mentions import find_mentions, is_multicolour
from .model import Scene
from .setting import entity_weights, scene_settings

PROMPT_CHARS = 2000


def build_scene(doc: Doc) -> Scene:
    mentions = find_mentions(doc)
    res = resolve(doc, mentions)
    finder = FactFinder(doc, res)
    relations = finder.run()
    salience = compute_salience(res, relations)
    settings = scene_settings(doc, res, relations, salience)
    cues = camera_cues(doc, res)
    settings["camera_cues"] = cues
    settings["sentences"] = sentence_records(doc, res, finder, cues)
    settings["prompt"] = doc.text[:PROMPT_CHARS]
    settings["backend"] = doc.backend
    return Scene(assemble(res, relations, salience, settings))


def compute_salience(res: Resolution, relations: list[Relation]) -> dict[str, float]:
    worn = {r.target for r in relations if r.kind == "wear"}
    raw: dict[str, float] = {}
    for e in res.entities.values():
        score = entity_weights(e)
        score += 0.6 if 0 in e.subject_of else 0.0
        score += 0.25 * len(e.subject_of)
        score += 0.1 * min(5, len(e.mentions) + e.pronoun_mentions)
        score += 0.05 * min(4, e.object_roles)
        score += 0.2 if e.motions else 0.0
        score -= 0.3 if e.id in worn else 0.0
        score -= 0.15 if not e.known else 0.0
        raw[e.id] = max(0.01, score)
    top = max(raw.values(), default=1.0)
    return {eid: round(score / top, 3) for eid, score in raw.items()}


def sentence_records(doc: Doc, res: Resolution, finder: FactFinder, cues: list[dict]) -> list[dict[str, Any]]:
    out = []
    for k, sent in enumerate(doc.sentences):
        root = next((t for t in doc.sentence_tokens(k) if t.dep == "ROOT"), doc.tokens[sent.start])
        subjects = finder.subjects(root) if root.pos in ("VERB", "AUX") else []
        subject = subjects[0].id if subjects else res.of_token.get(root.i)
        cue = next((i for i, c in enumerate(cues) if c["sentence"] == k), None)
        verb = root.lemma.lower() if root.pos in ("VERB", "AUX") else None
        out.append({"index": k, "text": sent.text, "subject": subject, "verb": verb, "camera_cue": cue})
    return out


def assemble(res: Resolution, relations: list[Relation], salience: dict[str, float], settings: dict) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("scene", kind="scene", **settings)
    attr_id = 0
    for e in res.entities.values():
        g.add_node(
            e.id,
            kind="entity",
            label=e.lemma,
            type=e.type,
            count=int(e.count),
            salience=salience[e.id],
            motions=e.motions,
            sentence=e.sentence,
            place_names=e.place_names,
            manner=e.manner,
            mentions=len(e.mentions) + e.pronoun_mentions,
            known=e.known,
            name=e.name or e.lemma,
        )
        for a in e.attrs:
            aid = f"a{attr_id}"
            attr_id += 1
            g.add_node(
                aid,
                kind="attribute",
                category=a.category,
                value=a.value,
                rgb=list(a.rgb) if a.rgb is not None else None,
                source=a.source,
                cause=a.cause,
                multicolour=is_multicolour(a.value),
            )
            g.add_edge(e.id, aid, kind="has")
    for r in relations:
        g.add_edge(
            r.source, r.target, kind=r.kind, verb=r.verb, prep=r.prep, sentence=r.sentence, confidence=r.confidence
        )
    return g
