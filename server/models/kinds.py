"""What a model can do, read from its class name before any weights are loaded.

A *kind* is a task (``text2image``, ``image2image``, ``text2video``, ``image2video``,
``text2audio``, ``speech``, ``embedding``, ``upscaler``: single-file super-resolution weights,
see :mod:`.upscalers`, ``depth``: monocular depth estimators); a *family* groups the pipelines that share weights, so that a
text-to-image Stable Diffusion can serve image-to-image through ``from_pipe`` without
loading anything twice. The tables cover the families the nodes know; any other diffusers
pipeline gets its kind from its class name and a generic call.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = (
    "text2image",
    "image2image",
    "text2video",
    "image2video",
    "text2audio",
    "speech",
    "embedding",
    "upscaler",
    "depth",
)


@dataclass(frozen=True)
class ModelKind:
    family: str
    kind: str


PIPELINES: dict[str, ModelKind] = {
    "StableDiffusionPipeline": ModelKind("sd", "text2image"),
    "StableDiffusionImg2ImgPipeline": ModelKind("sd", "image2image"),
    "StableDiffusionXLPipeline": ModelKind("sdxl", "text2image"),
    "StableDiffusionXLImg2ImgPipeline": ModelKind("sdxl", "image2image"),
    "AnimateDiffPipeline": ModelKind("animatediff", "text2video"),
    "AnimateDiffVideoToVideoPipeline": ModelKind("animatediff", "image2video"),
    "WanPipeline": ModelKind("wan", "text2video"),
    "WanImageToVideoPipeline": ModelKind("wan", "image2video"),
    "LTXPipeline": ModelKind("ltx", "text2video"),
    "LTXImageToVideoPipeline": ModelKind("ltx", "image2video"),
    "LTXConditionPipeline": ModelKind("ltx", "image2video"),
    "CogVideoXPipeline": ModelKind("cogvideox", "text2video"),
    "CogVideoXImageToVideoPipeline": ModelKind("cogvideox", "image2video"),
    "StableAudioPipeline": ModelKind("stable_audio", "text2audio"),
}

TRANSFORMERS: dict[str, ModelKind] = {
    "VitsModel": ModelKind("vits", "speech"),
    # monocular depth for image.animate's parallax layers
    **{
        name: ModelKind("depth", "depth")
        for name in ("DPTForDepthEstimation", "DepthAnythingForDepthEstimation", "GLPNForDepthEstimation")
    },
    # text encoders for style.embed (CLIP, and the models sentence-transformers wraps)
    **{name: ModelKind("clip", "embedding") for name in ("CLIPModel", "CLIPTextModel", "CLIPTextModelWithProjection")},
    **{
        name: ModelKind("sentence", "embedding")
        for name in ("BertModel", "MPNetModel", "RobertaModel", "XLMRobertaModel", "DistilBertModel")
    },
}

# (family, kind) -> the pipeline class that serves it from the same components (``from_pipe``).
DERIVED: dict[tuple[str, str], str] = {
    ("sd", "text2image"): "StableDiffusionPipeline",
    ("sd", "image2image"): "StableDiffusionImg2ImgPipeline",
    ("sdxl", "text2image"): "StableDiffusionXLPipeline",
    ("sdxl", "image2image"): "StableDiffusionXLImg2ImgPipeline",
    ("animatediff", "image2video"): "AnimateDiffVideoToVideoPipeline",
    ("animatediff", "text2video"): "AnimateDiffPipeline",
    ("ltx", "image2video"): "LTXConditionPipeline",
    ("ltx", "text2video"): "LTXPipeline",
}

# Where to look when a family cannot serve a kind from the weights it has.
HINTS: dict[tuple[str, str], str] = {
    ("wan", "image2video"): "load a Wan image-to-video model, e.g. Wan-AI/Wan2.1-FLF2V-14B-720P-Diffusers "
    "(first and last frame) or Wan-AI/Wan2.1-I2V-14B-480P-Diffusers",
    ("wan", "text2video"): "load a Wan text-to-video model, e.g. Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
    ("cogvideox", "image2video"): "load a CogVideoX image-to-video model, e.g. THUDM/CogVideoX-5b-I2V",
    ("cogvideox", "text2video"): "load a CogVideoX text-to-video model, e.g. THUDM/CogVideoX-2b",
}


def classify(class_name: str, library: str = "diffusers") -> ModelKind:
    """The family and native kind of a model class; unknown diffusers classes by their name."""
    table = PIPELINES if library == "diffusers" else TRANSFORMERS
    if class_name in table:
        return table[class_name]
    if library != "diffusers":
        return ModelKind("transformers", "other")
    name = class_name.lower()
    if "audio" in name:
        return ModelKind("other", "text2audio")
    if "video" in name or "i2v" in name:
        return ModelKind("other", "image2video" if ("image2video" in name or "imagetovideo" in name) else "text2video")
    if "img2img" in name or "image2image" in name:
        return ModelKind("other", "image2image")
    return ModelKind("other", "text2image")


def serving_class(model: ModelKind, kind: str) -> str | None:
    """The pipeline class that does ``kind`` with ``model``'s weights, or None if none can."""
    if kind == model.kind:
        return None
    return DERIVED.get((model.family, kind))


def can_serve(model: ModelKind, kind: str) -> bool:
    return kind == model.kind or (model.family, kind) in DERIVED


def hint(model: ModelKind, kind: str) -> str:
    return HINTS.get((model.family, kind), f"load a model made for {kind}")
