"""The model widget in headless Chromium: a diffusion.load node opens the model picker, which
lists the tiny models of a models root and a Hugging Face cache (only the kinds the parameter
accepts), sets the chosen one, takes a typed hub id, and says where to put models when there
are none. The picture of the open picker goes to the test_out folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.models.tiny import tiny_model

from .editor import EditorPage

pytestmark = pytest.mark.browser
SHA = "c" * 40


@pytest.fixture
def ed(page, test_out: Path) -> EditorPage:
    return EditorPage(page, test_out)


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A models root with a tiny Stable Diffusion and a tiny VITS voice, and a hub cache with a
    tiny Stable Audio; the live server reads both from the environment on every request."""
    root, cache = tmp_path / "models", tmp_path / "hub"
    root.mkdir()
    (root / "tiny-sd").symlink_to(tiny_model("sd"), target_is_directory=True)
    (root / "tiny-voice").symlink_to(tiny_model("vits"), target_is_directory=True)
    repo = cache / "models--tiny-org--tiny-audio"
    (repo / "snapshots").mkdir(parents=True)
    (repo / "snapshots" / SHA).symlink_to(tiny_model("stable_audio"), target_is_directory=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(SHA)
    monkeypatch.setenv("REELGRAPH_MODELS", str(root))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    return {"sd": str(root / "tiny-sd"), "audio": "tiny-org/tiny-audio", "voice": str(root / "tiny-voice")}


def open_picker(ed: EditorPage, node: str, param: str = "model") -> None:
    box = ed.rect(node, param)
    ed.page.mouse.click(box["x"] + box["w"] / 2, box["y"] + box["h"] / 2)
    ed.page.wait_for_selector(".rg-modal .rg-models")
    ed.page.wait_for_function("!document.querySelector('.rg-models').textContent.includes('Looking for models')")


def listed(ed: EditorPage) -> list[str]:
    return ed.page.locator(".rg-modal .rg-model").evaluate_all("els => els.map(e => e.dataset.value)")


def test_pick_a_listed_model_or_type_a_hub_id(ed: EditorPage, models: dict[str, str]) -> None:
    page = ed.page
    node = ed.add("diffusion.load", (120, 100))
    ed.settle()
    assert ed.params(node)["model"] == ""

    open_picker(ed, node)
    assert listed(ed) == [models["sd"], models["audio"]], "the speech model is not one diffusion.load takes"
    rows = page.inner_text(".rg-modal .rg-models")
    assert "StableDiffusionPipeline" in rows and "StableAudioPipeline" in rows and "HF cache" in rows
    assert "KB" in rows or "MB" in rows  # sizes on disk
    ed.shot("model_picker")
    page.fill(".rg-modal input.model-filter", "audio")
    assert listed(ed) == [models["audio"]]
    page.fill(".rg-modal input.model-filter", "")
    page.click(f'.rg-modal .rg-model[data-value="{models["sd"]}"]')
    page.wait_for_selector(".rg-modal", state="detached")
    ed.settle()
    assert ed.params(node)["model"] == models["sd"]
    ed.shot("model_widget")  # the widget shows the folder's name
    ed.focus_canvas()
    ed.key("Control+z")  # the pick is an edit like any other: undo takes it back
    assert ed.params(node)["model"] == ""
    ed.key("Control+Shift+z")
    assert ed.params(node)["model"] == models["sd"]

    open_picker(ed, node)
    assert page.locator(".rg-modal .rg-model.current").get_attribute("data-value") == models["sd"]
    assert page.input_value(".rg-modal input.model-path") == models["sd"]
    page.fill(".rg-modal input.model-path", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers")  # not on this machine: allowed
    page.keyboard.press("Enter")
    page.wait_for_selector(".rg-modal", state="detached")
    ed.settle()
    assert ed.params(node)["model"] == "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"

    open_picker(ed, node)
    page.keyboard.press("Escape")
    page.wait_for_selector(".rg-modal", state="detached")
    assert ed.params(node)["model"] == "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", "cancel changes nothing"


def test_speech_lists_speech_models_only(ed: EditorPage, models: dict[str, str]) -> None:
    node = ed.add("audio.speech", (120, 100), {"backend": "vits"})
    ed.settle()
    open_picker(ed, node, "model_path")
    assert listed(ed) == [models["voice"]]
    ed.page.click(".rg-modal .rg-model")
    ed.settle()
    assert ed.params(node)["model_path"] == models["voice"]


def test_no_models_says_where_to_put_them(ed: EditorPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELGRAPH_MODELS", str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    node = ed.add("diffusion.load", (120, 100))
    ed.settle()
    open_picker(ed, node)
    assert listed(ed) == []
    hint = ed.page.inner_text(".rg-modal .empty-models")
    assert "data/models/<name>/" in hint and "hf download org/name" in hint
    ed.shot("model_picker_empty")


def test_the_widget_shows_a_short_name(ed: EditorPage) -> None:
    names = ed.page.evaluate(
        """async (values) => {
            const { modelName } = await import("/js/widgets.js");
            return values.map(modelName);
        }""",
        ["/srv/models/tiny-sd/", "org/name", "gpt2", "./models/x", "C:\\models\\sd", ""],
    )
    assert names == ["tiny-sd", "org/name", "gpt2", "x", "sd", ""]
