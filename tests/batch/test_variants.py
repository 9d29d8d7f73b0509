"""Variant expansion: products, pairs, seeds, prompt files, content keys and the errors of each."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.batch.variants import VariantError, content_key, expand, parse_seeds, parse_vary, read_prompts
from server.cli import discover_registry
from server.engine import Workflow

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def registry():
    return discover_registry()


@pytest.fixture
def tokyo() -> Workflow:
    return Workflow.load(REPO / "workflows" / "tokyo_walk.json")


def test_product_of_vary_and_seeds(tokyo, registry) -> None:
    dims = [parse_vary("animatic.fps=12,24", tokyo), parse_seeds("1-3", tokyo, registry)]
    variants = expand(tokyo, registry, dims, zipped=False)
    assert [v.params for v in variants] == [{"animatic.fps": fps, "seed": s} for fps in (12, 24) for s in (1, 2, 3)]
    last = variants[-1].workflow
    assert last.nodes["animatic"].params["fps"] == 24
    # the seed goes into every node that has one, and nowhere else
    seeded = {n for n, node in last.nodes.items() if node.params.get("seed") == 3}
    assert seeded == {"animatic", "effects", "music"}
    assert tokyo.nodes["animatic"].params["fps"] == 24 and tokyo.nodes["animatic"].params["seed"] == 7  # untouched
    assert len({v.key for v in variants}) == 6 and len({v.folder for v in variants}) == 6


def test_zip_pairs_and_needs_equal_lengths(tokyo, registry) -> None:
    dims = [parse_vary("animatic.fps=12,24", tokyo), parse_seeds("5,9", tokyo, registry)]
    assert [v.params for v in expand(tokyo, registry, dims, zipped=True)] == [
        {"animatic.fps": 12, "seed": 5},
        {"animatic.fps": 24, "seed": 9},
    ]
    with pytest.raises(VariantError, match=r"equal lengths \(animatic.fps: 2, seed: 3\)"):
        expand(tokyo, registry, [dims[0], parse_seeds("1-3", tokyo, registry)], zipped=True)


def test_vary_values_are_json_or_text(tokyo) -> None:
    dim = parse_vary("prompt.text=a red fox,a blue whale", tokyo)
    assert [c[0][2] for c in dim.choices] == ["a red fox", "a blue whale"]
    dim = parse_vary('prompt.text=["commas, inside", "two"]', tokyo)
    assert [c[0][2] for c in dim.choices] == ["commas, inside", "two"]
    assert [c[0][2] for c in parse_vary("animatic.fps=8, 12", tokyo).choices] == [8, 12]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("animatic.fps", "expected NODE.PARAM=v1,v2"),
        ("nosuch.fps=1,2", "no node 'nosuch'"),
        ("animatic.fps=[]", "non-empty list"),
    ],
)
def test_bad_vary(tokyo, spec: str, message: str) -> None:
    with pytest.raises(VariantError, match=message):
        parse_vary(spec, tokyo)


@pytest.mark.parametrize(
    ("spec", "message"), [("1-x", "expected numbers"), ("5-1", "low to high"), ("-3", "expected numbers")]
)
def test_bad_seeds(tokyo, registry, spec: str, message: str) -> None:
    with pytest.raises(VariantError, match=message):
        parse_seeds(spec, tokyo, registry)


def test_seeds_need_a_seeded_node(registry) -> None:
    wf = Workflow.from_json(
        {
            "format": "reelgraph.workflow",
            "version": 1,
            "nodes": {"p": {"type": "text.prompt", "params": {}}},
            "links": [],
        }
    )
    with pytest.raises(VariantError, match="no node in this workflow has a seed"):
        parse_seeds("1-2", wf, registry)


def test_prompts_file(tokyo, registry, tmp_path: Path) -> None:
    path = tmp_path / "prompts.txt"
    path.write_text("# a comment\nA red fox in snow\n\n  A boy flies a kite  \n", encoding="utf-8")
    dim = read_prompts(path, tokyo, registry, None)
    assert dim.name == "prompt.text"
    assert [c[0] for c in dim.choices] == [
        ("prompt", "text", "A red fox in snow"),
        ("prompt", "text", "A boy flies a kite"),
    ]
    (tmp_path / "empty.txt").write_text("# nothing\n")
    with pytest.raises(VariantError, match="no prompts in the file"):
        read_prompts(tmp_path / "empty.txt", tokyo, registry, None)
    with pytest.raises(VariantError, match="cannot read it"):
        read_prompts(tmp_path / "missing.txt", tokyo, registry, None)
    with pytest.raises(VariantError, match="no node 'nosuch'"):
        read_prompts(path, tokyo, registry, "nosuch")


def test_content_key_ignores_layout_but_not_work(tokyo, registry) -> None:
    key = content_key(tokyo, registry)
    tokyo.nodes["animatic"].ui["pos"] = [0, 0]
    tokyo.title = "another title"
    assert content_key(tokyo, registry) == key
    tokyo.nodes["animatic"].params["fps"] = 12
    assert content_key(tokyo, registry) != key


def test_duplicates_collapse(tokyo, registry) -> None:
    variants = expand(tokyo, registry, [parse_vary("animatic.fps=12,12,24", tokyo)], zipped=False)
    assert [v.params["animatic.fps"] for v in variants] == [12, 24]
    assert expand(tokyo, registry, [], zipped=False)[0].params == {}
