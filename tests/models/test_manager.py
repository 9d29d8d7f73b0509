"""The model manager with tiny random models saved to disk: loading, kinds, reuse, sharing,
LRU unloading, offline hub lookups, clear errors and out-of-memory recovery."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from server.models import (
    ModelManager,
    ModelNotFound,
    OutOfMemory,
    SpeedOptions,
    UnsafeWeights,
    UnsupportedOption,
    WrongModelKind,
    default_manager,
)
from server.models.speed import apply

from .tiny import tiny_model

EXPECTED = {
    "sd": ("StableDiffusionPipeline", "sd", "text2image"),
    "sdxl": ("StableDiffusionXLPipeline", "sdxl", "text2image"),
    "animatediff": ("AnimateDiffPipeline", "animatediff", "text2video"),
    "wan": ("WanPipeline", "wan", "text2video"),
    "wan_flf2v": ("WanImageToVideoPipeline", "wan", "image2video"),
    "ltx": ("LTXPipeline", "ltx", "text2video"),
    "cogvideox": ("CogVideoXPipeline", "cogvideox", "text2video"),
    "cogvideox_i2v": ("CogVideoXImageToVideoPipeline", "cogvideox", "image2video"),
    "stable_audio": ("StableAudioPipeline", "stable_audio", "text2audio"),
    "vits": ("VitsModel", "vits", "speech"),
    "wan22_ti2v": ("WanPipeline", "wan_ti2v", "text2video"),
    "wan22_a14b": ("WanPipeline", "wan22", "text2video"),
    "wan22_i2v_a14b": ("WanImageToVideoPipeline", "wan22", "image2video"),
    "skyreels_v2": ("SkyReelsV2Pipeline", "skyreels_v2", "text2video"),
    "flux": ("FluxPipeline", "flux", "text2image"),
    "sd3": ("StableDiffusion3Pipeline", "sd3", "text2image"),
    "svd": ("StableVideoDiffusionPipeline", "svd", "image2video"),
}


def param_bytes(module: torch.nn.Module) -> int:
    return sum(t.numel() * t.element_size() for t in [*module.parameters(), *module.buffers()])


@pytest.mark.parametrize("name", list(EXPECTED))
def test_loads_every_family_from_a_folder_with_its_kind(name: str) -> None:
    manager = ModelManager()
    handle = manager.load(str(tiny_model(name)))
    class_name, family, kind = EXPECTED[name]
    assert (handle.class_name, handle.family, handle.kind) == (class_name, family, kind)
    assert (handle.spec.device, handle.spec.dtype) == ("cpu", "float32")
    [entry] = manager.loaded()
    assert entry["class"] == class_name and entry["kind"] == kind and entry["bytes"] == handle.bytes > 0
    with handle.use() as pipe:
        modules = [m for m in pipe.components.values() if isinstance(m, torch.nn.Module)]
        assert all(next(m.parameters()).dtype == torch.float32 for m in modules)
        assert handle.bytes == sum(param_bytes(m) for m in modules)


def test_reporting_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "from server.models import ModelManager, default_manager\n"
        "m = ModelManager()\n"
        "assert m.loaded() == [] and m.memory()['models'] == 0 and default_manager().loaded() == []\n"
        "assert 'torch' not in sys.modules, 'reporting imported torch'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_a_second_load_reuses_the_resident_pipeline() -> None:
    manager = ModelManager()
    first = manager.load(str(tiny_model("sd")))
    second = manager.load(str(tiny_model("sd")))
    with first.use() as a, second.use() as b:
        assert a is b
    assert len(manager.loaded()) == 1


def test_image_to_image_shares_the_text_to_image_components() -> None:
    manager = ModelManager()
    text = manager.load(str(tiny_model("sd")))
    image = manager.load(str(tiny_model("sd")), "image2image")
    assert image.class_name == "StableDiffusionImg2ImgPipeline" and image.kind == "image2image"
    with text.use() as t2i, image.use() as i2i:
        assert i2i.unet is t2i.unet and i2i.vae is t2i.vae and i2i.text_encoder is t2i.text_encoder
    rows = {row["kind"]: row for row in manager.loaded()}
    assert rows["image2image"]["shares_with"] == rows["text2image"]["id"]
    assert manager.memory()["used_bytes"]["cpu"] == text.bytes  # counted once
    with text.use("image2image") as again:  # a text handle can ask for its image-to-image sibling
        assert again is i2i


def test_derived_pipeline_keeps_the_dtype_of_the_shared_modules() -> None:
    manager = ModelManager()
    text = manager.load(str(tiny_model("sd")), dtype="bf16")
    with text.use("image2image") as i2i, text.use() as t2i:
        assert i2i.unet.dtype == t2i.unet.dtype == torch.bfloat16


def test_ltx_conditioning_and_animatediff_video_to_video_come_from_the_text_models() -> None:
    manager = ModelManager()
    ltx = manager.load(str(tiny_model("ltx")), "image2video")
    animatediff = manager.load(str(tiny_model("animatediff")), "image2video")
    assert ltx.class_name == "LTXConditionPipeline"
    assert animatediff.class_name == "AnimateDiffVideoToVideoPipeline"
    assert len(manager.loaded()) == 4  # two resident models and two views of them


def test_least_recently_used_model_is_unloaded_to_fit_the_budget() -> None:
    sizes = [ModelManager().load(str(tiny_model(n))).bytes for n in ("sd", "wan")]
    manager = ModelManager(budget_bytes=max(sizes) + min(sizes) // 2)  # room for one of them
    sd = manager.load(str(tiny_model("sd")))
    manager.load(str(tiny_model("wan")))
    assert [r["class"] for r in manager.loaded()] == ["WanPipeline"]  # sd was least recently used
    with sd.use() as pipe:  # a handle reloads a model that was unloaded
        assert type(pipe).__name__ == "StableDiffusionPipeline"
    assert [r["class"] for r in manager.loaded()] == ["StableDiffusionPipeline"]


def test_a_running_model_is_never_unloaded() -> None:
    small = ModelManager().load(str(tiny_model("sd"))).bytes
    manager = ModelManager(budget_bytes=small + 1000)
    sd = manager.load(str(tiny_model("sd")))
    with sd.use():
        manager.load(str(tiny_model("wan")))  # over budget, but sd is busy: both stay
        assert {r["class"] for r in manager.loaded()} == {"StableDiffusionPipeline", "WanPipeline"}


def test_unload_takes_derived_pipelines_with_it() -> None:
    manager = ModelManager()
    text = manager.load(str(tiny_model("sd")))
    manager.load(str(tiny_model("sd")), "image2image")
    assert manager.unload(text.id)
    assert manager.loaded() == []
    manager.load(str(tiny_model("wan")))
    assert manager.unload_all() > 0 and manager.loaded() == []


def test_missing_folder_names_the_path_and_how_to_provide_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelNotFound) as err:
        ModelManager().load(str(missing))
    message = str(err.value)
    assert str(missing) in message and "save_pretrained" in message and "hf download" in message


def test_a_folder_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="not a model folder"):
        ModelManager().load(str(tmp_path))


def test_hub_id_missing_from_the_cache_fails_offline(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound) as err:
        ModelManager(cache_dir=tmp_path).load("some-org/some-video-model")
    message = str(err.value)
    assert "some-org/some-video-model" in message and "not in the local Hugging Face cache" in message
    assert "downloads are off" in message and "hf download some-org/some-video-model" in message


def test_hub_id_in_the_cache_loads_offline(tmp_path: Path) -> None:
    revision = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "models--tiny-org--tiny-sd"
    shutil.copytree(tiny_model("sd"), repo / "snapshots" / revision)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)
    handle = ModelManager(cache_dir=tmp_path).load("tiny-org/tiny-sd")
    assert handle.class_name == "StableDiffusionPipeline"
    assert handle.spec.path == str(repo / "snapshots" / revision)


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("stable_audio", "text2image", "StableAudioPipeline"),
        ("wan", "image2video", "Wan-AI/Wan2.1-FLF2V-14B-720P-Diffusers"),
        ("cogvideox", "image2video", "THUDM/CogVideoX-5b-I2V"),
    ],
)
def test_wrong_kind_is_refused_before_loading(name: str, kind: str, expected: str) -> None:
    manager = ModelManager()
    with pytest.raises(WrongModelKind, match=expected) as err:
        manager.load(str(tiny_model(name)), kind)
    assert err.value.wanted == (kind,)
    assert manager.loaded() == []  # nothing was loaded to find out


def test_a_folder_missing_a_component_names_it_and_how_to_fetch_it(tmp_path: Path) -> None:
    folder = tmp_path / "wan22"
    shutil.copytree(tiny_model("wan22_a14b"), folder)
    shutil.rmtree(folder / "transformer_2")
    with pytest.raises(ModelNotFound) as err:
        ModelManager().load(str(folder))
    message = str(err.value)
    assert "transformer_2" in message and "incomplete" in message and "hf download" in message


def test_wan22_experts_load_as_one_pipeline_with_both() -> None:
    handle = ModelManager().load(str(tiny_model("wan22_a14b")))
    with handle.use() as pipe:
        assert pipe.transformer_2 is not None and pipe.config.boundary_ratio == 0.875
        assert handle.bytes == sum(param_bytes(m) for m in pipe.components.values() if isinstance(m, torch.nn.Module))


def test_pickled_weights_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "sd"
    shutil.copytree(tiny_model("sd"), folder)
    for weights in (folder / "unet").glob("*.safetensors"):
        weights.rename(weights.with_suffix(".bin"))
    with pytest.raises(UnsafeWeights, match="safetensors only"):
        ModelManager().load(str(folder))


def raise_oom(*args, **kwargs):
    raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")


def test_out_of_memory_while_running_unloads_everything_and_recovers(monkeypatch: pytest.MonkeyPatch) -> None:
    manager = ModelManager()
    sd = manager.load(str(tiny_model("sd")))
    manager.load(str(tiny_model("wan")))
    with pytest.raises(OutOfMemory) as err, sd.use() as pipe:
        monkeypatch.setattr(pipe.unet, "forward", raise_oom)
        pipe("a cat", num_inference_steps=1, height=32, width=32)
    message = str(err.value)
    assert "Tried to allocate 20.00 GiB" in message and "Unloaded every model" in message
    assert "lower width/height/frames" in message
    assert manager.loaded() == []
    assert all(p.device.type == "meta" for p in pipe.unet.parameters())  # memory released despite the reference
    with sd.use() as fresh:  # the process is healthy: the next run reloads and works
        assert fresh is not pipe
        image = fresh("a cat", num_inference_steps=1, height=32, width=32, output_type="np").images
    assert image.shape == (1, 32, 32, 3)


def test_out_of_memory_while_loading_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    manager = ModelManager()
    monkeypatch.setattr("server.models.manager.load_pipeline", raise_oom)
    with pytest.raises(OutOfMemory, match="while loading"):
        manager.load(str(tiny_model("sd")))
    assert manager.loaded() == []


def test_speed_options_are_applied_and_undone() -> None:
    manager = ModelManager()
    wan = manager.load(str(tiny_model("wan")))
    with wan.use() as pipe:
        apply(pipe, SpeedOptions(step_cache="first_block", vae_slicing=True, compile="regional"), "cpu")
        assert pipe.transformer.is_cache_enabled and pipe.vae.use_slicing
        compiled = [m for m in pipe.transformer.modules() if getattr(m, "_compiled_call_impl", None) is not None]
        assert {type(m).__name__ for m in compiled} == {"WanTransformerBlock"}
        apply(pipe, SpeedOptions(), "cpu")
        assert not pipe.transformer.is_cache_enabled and not pipe.vae.use_slicing
        assert not any(getattr(m, "_compiled_call_impl", None) for m in pipe.transformer.modules())


@pytest.mark.parametrize(
    ("name", "options", "option"),
    [
        ("sd", SpeedOptions(step_cache="first_block"), "step_cache"),
        ("sd", SpeedOptions(attention="sdpa_flash"), "attention"),  # needs CUDA
        ("sd", SpeedOptions(attention="sage"), "attention"),  # UNets use PyTorch SDPA only
        ("wan", SpeedOptions(attention="flash3"), "attention"),  # flash-attn 3 is not installed
        ("vits", SpeedOptions(vae_tiling=True), "vae_tiling"),  # no VAE at all
    ],
)
def test_unusable_speed_options_name_the_option(name: str, options: SpeedOptions, option: str) -> None:
    handle = ModelManager().load(str(tiny_model(name)))
    with handle.use() as pipe, pytest.raises(UnsupportedOption) as err:
        apply(pipe, options, "cpu")
    assert err.value.option == option


def test_default_manager_is_one_per_process() -> None:
    assert default_manager() is default_manager()


def test_a_pipeline_built_in_memory_can_be_adopted() -> None:
    from tests.models.tiny import stable_diffusion

    manager = ModelManager()
    handle = manager.adopt(stable_diffusion(), "tiny-sd-in-memory")
    assert (handle.class_name, handle.kind, handle.spec.device, handle.spec.dtype) == (
        "StableDiffusionPipeline",
        "text2image",
        "cpu",
        "float32",
    )
    with handle.use("image2image") as i2i, handle.use() as t2i:
        assert i2i.unet is t2i.unet
    manager.unload_all()
    with pytest.raises(ModelNotFound, match="hand it over again"), handle.use():
        pass


# -- offloading: weights in RAM, each model on the device only while it runs ------------------
# accelerate's hooks are real on the CPU too (they move modules to "cpu:0"), so the bookkeeping
# runs here; tests/nodes/test_diffusion_gpu.py checks the memory it saves on a GPU.


def offload_hooks(pipe) -> list[bool]:
    return [hasattr(m, "_hf_hook") for m in pipe.components.values() if isinstance(m, torch.nn.Module)]


def sd_image(pipe, seed: int = 0):
    return pipe(
        prompt="a lantern",
        num_inference_steps=2,
        width=32,
        height=32,
        output_type="np",
        generator=torch.Generator("cpu").manual_seed(seed),
    ).images


def test_offloaded_model_gives_the_same_pictures_and_counts_against_ram() -> None:
    manager = ModelManager()
    whole = manager.load(str(tiny_model("sd")))
    offloaded = manager.load(str(tiny_model("sd")), offload="model")
    assert offloaded.spec.offload == "model" and offloaded.id != whole.id
    with whole.use() as a, offloaded.use() as b:
        assert a is not b and all(offload_hooks(b)) and not any(offload_hooks(a))
        assert (sd_image(a) == sd_image(b)).all()
    rows = {row["offload"]: row for row in manager.loaded()}
    assert set(rows) == {"off", "model"} and rows["model"]["device"] == "cpu"
    assert manager.memory()["used_bytes"] == {"cpu": whole.bytes + offloaded.bytes}


def test_offload_hooks_follow_the_pipeline_that_runs() -> None:
    """Image-to-image shares the text model's modules; each use puts the offload hooks back for
    the pipeline about to run (without that, it would run wherever its modules happen to be)."""
    manager = ModelManager()
    text = manager.load(str(tiny_model("sd")), offload="model")
    with text.use("image2image") as i2i:
        assert i2i._all_hooks and all(offload_hooks(i2i))
        picture = sd_image_to_image(i2i)
    with text.use() as t2i:
        assert t2i._all_hooks and all(offload_hooks(t2i))
        first = sd_image(t2i)
    with text.use("image2image") as i2i:  # and back: the same pictures as the first time
        assert all(offload_hooks(i2i)) and (sd_image_to_image(i2i) == picture).all()
    with text.use() as t2i:
        assert (sd_image(t2i) == first).all()
    assert picture.shape == (1, 32, 32, 3)


def sd_image_to_image(pipe):
    image = np.full((32, 32, 3), 128, np.uint8)
    return pipe(
        prompt="a lantern",
        image=Image.fromarray(image),
        strength=0.5,
        num_inference_steps=2,
        output_type="np",
        generator=torch.Generator("cpu").manual_seed(0),
    ).images


def test_auto_offload_only_when_the_model_does_not_fit_the_gpu_budget() -> None:
    from server.models.resolve import resolve

    files = resolve(str(tiny_model("sd")))
    size = ModelManager().load(str(tiny_model("sd"))).bytes
    roomy, tight = ModelManager(gpu_budget_bytes=size * 2), ModelManager(gpu_budget_bytes=size // 2)
    assert roomy.choose_offload("auto", "cuda", files, "float32") == "off"
    assert tight.choose_offload("auto", "cuda", files, "float32") == "model"
    assert tight.choose_offload("auto", "cpu", files, "float32") == "off"  # nothing to offload to
    assert tight.choose_offload("off", "cuda", files, "float32") == "off"
    speech = resolve(str(tiny_model("vits")))
    assert tight.choose_offload("model", "cuda", speech, "float32") == "off"  # transformers models load whole
    with pytest.raises(ValueError, match="unknown offload 'sometimes'"):
        tight.choose_offload("sometimes", "cuda", files, "float32")


def test_gpu_memory_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from server.models.manager import gpu_budget_from_env

    monkeypatch.setenv("REELGRAPH_GPU_MEMORY", "1.5")
    assert gpu_budget_from_env() == int(1.5 * 2**30)
    assert ModelManager(gpu_budget_bytes=gpu_budget_from_env()).budget("cuda:1") == int(1.5 * 2**30)
    for bad in ("lots", "0", "-2"):
        monkeypatch.setenv("REELGRAPH_GPU_MEMORY", bad)
        with pytest.raises(ValueError, match="REELGRAPH_GPU_MEMORY"):
            gpu_budget_from_env()
