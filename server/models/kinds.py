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
    # newer families (diffusers 0.42); Wan 2.2 shares Wan's classes (see ``classify``)
    "WanVACEPipeline": ModelKind("wan_vace", "text2video"),
    "SkyReelsV2Pipeline": ModelKind("skyreels_v2", "text2video"),
    "SkyReelsV2DiffusionForcingPipeline": ModelKind("skyreels_v2_df", "text2video"),
    "SkyReelsV2ImageToVideoPipeline": ModelKind("skyreels_v2", "image2video"),
    "SkyReelsV2DiffusionForcingImageToVideoPipeline": ModelKind("skyreels_v2_df", "image2video"),
    "HunyuanVideoPipeline": ModelKind("hunyuan_video", "text2video"),
    "HunyuanVideoImageToVideoPipeline": ModelKind("hunyuan_video", "image2video"),
    "HunyuanVideo15Pipeline": ModelKind("hunyuan_video15", "text2video"),
    "HunyuanVideo15ImageToVideoPipeline": ModelKind("hunyuan_video15", "image2video"),
    "LTX2Pipeline": ModelKind("ltx2", "text2video"),
    "LTX2ImageToVideoPipeline": ModelKind("ltx2", "image2video"),
    "StableVideoDiffusionPipeline": ModelKind("svd", "image2video"),
    "FluxPipeline": ModelKind("flux", "text2image"),
    "FluxImg2ImgPipeline": ModelKind("flux", "image2image"),
    "FluxControlPipeline": ModelKind("flux_control", "text2image"),
    "Flux2Pipeline": ModelKind("flux2", "text2image"),
    "Flux2KleinPipeline": ModelKind("flux2", "text2image"),
    "QwenImagePipeline": ModelKind("qwen_image", "text2image"),
    "QwenImageImg2ImgPipeline": ModelKind("qwen_image", "image2image"),
    "StableDiffusion3Pipeline": ModelKind("sd3", "text2image"),
    "StableDiffusion3Img2ImgPipeline": ModelKind("sd3", "image2image"),
    "AceStepPipeline": ModelKind("ace_step", "text2audio"),
    "AudioLDM2Pipeline": ModelKind("audioldm2", "text2audio"),
}

# Wan 2.2 ships in Wan's classes; its model_index.json tells the variants apart.
WAN_CLASSES = ("WanPipeline", "WanImageToVideoPipeline")

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
    ("wan_ti2v", "image2video"): "WanImageToVideoPipeline",  # Wan 2.2 TI2V-5B: one model, text or image
    ("wan_ti2v", "text2video"): "WanPipeline",
    ("flux", "image2image"): "FluxImg2ImgPipeline",
    ("flux", "text2image"): "FluxPipeline",
    ("sd3", "image2image"): "StableDiffusion3Img2ImgPipeline",
    ("sd3", "text2image"): "StableDiffusion3Pipeline",
    ("qwen_image", "image2image"): "QwenImageImg2ImgPipeline",
    ("qwen_image", "text2image"): "QwenImagePipeline",
    ("ltx2", "image2video"): "LTX2ImageToVideoPipeline",
    ("ltx2", "text2video"): "LTX2Pipeline",
}

# Where to look when a family cannot serve a kind from the weights it has.
HINTS: dict[tuple[str, str], str] = {
    ("wan", "image2video"): "load a Wan image-to-video model, e.g. Wan-AI/Wan2.1-FLF2V-14B-720P-Diffusers "
    "(first and last frame) or Wan-AI/Wan2.1-I2V-14B-480P-Diffusers",
    ("wan", "text2video"): "load a Wan text-to-video model, e.g. Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
    ("cogvideox", "image2video"): "load a CogVideoX image-to-video model, e.g. THUDM/CogVideoX-5b-I2V",
    ("cogvideox", "text2video"): "load a CogVideoX text-to-video model, e.g. THUDM/CogVideoX-2b",
    ("wan22", "image2video"): "load Wan-AI/Wan2.2-I2V-A14B-Diffusers, or Wan-AI/Wan2.2-TI2V-5B-Diffusers "
    "(one model for text and image)",
    ("wan22", "text2video"): "load Wan-AI/Wan2.2-T2V-A14B-Diffusers or Wan-AI/Wan2.2-TI2V-5B-Diffusers",
    (
        "skyreels_v2",
        "image2video",
    ): "load a SkyReels-V2 image-to-video model, e.g. Skywork/SkyReels-V2-I2V-14B-540P-Diffusers",
    (
        "skyreels_v2",
        "text2video",
    ): "this SkyReels-V2 model animates a picture: connect frames, or load Skywork/SkyReels-V2-T2V-14B-540P-Diffusers",
    (
        "hunyuan_video15",
        "image2video",
    ): "load a HunyuanVideo 1.5 image-to-video model, e.g. hunyuanvideo-community/HunyuanVideo-1.5-480p_i2v",
    (
        "hunyuan_video15",
        "text2video",
    ): "this HunyuanVideo 1.5 model animates a picture: connect frames, or load "
    "hunyuanvideo-community/HunyuanVideo-1.5-480p_t2v",
    ("flux2", "image2image"): "FLUX.2 does not start from a picture, it follows pictures as references: load it "
    "as text2image (keyframes.diffuse gives it the previous keyframe and the animatic as references), or use "
    "FLUX.1 (black-forest-labs/FLUX.1-dev), SD 3.5 or Qwen-Image for image-to-image",
    (
        "svd",
        "text2video",
    ): "Stable Video Diffusion only animates a picture: connect frames, or load a text-to-video model",
}


def classify(class_name: str, library: str = "diffusers", config: dict | None = None) -> ModelKind:
    """The family and native kind of a model class; unknown diffusers classes by their name.
    ``config`` (the model_index.json) tells Wan 2.2 from Wan 2.1: the TI2V-5B model is one
    model for text and image (``expand_timesteps``), the A14B pair has two experts."""
    table = PIPELINES if library == "diffusers" else TRANSFORMERS
    if class_name in WAN_CLASSES and config:
        if config.get("expand_timesteps"):
            return ModelKind("wan_ti2v", table[class_name].kind)
        if _component(config.get("transformer_2")):
            return ModelKind("wan22", table[class_name].kind)
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


def _component(value: object) -> bool:
    """A model_index.json entry that names a saved component (``[library, class]``, not ``[null, null]``)."""
    return isinstance(value, list | tuple) and len(value) == 2 and value[1] is not None


def serving_class(model: ModelKind, kind: str) -> str | None:
    """The pipeline class that does ``kind`` with ``model``'s weights, or None if none can."""
    if kind == model.kind:
        return None
    return DERIVED.get((model.family, kind))


def can_serve(model: ModelKind, kind: str) -> bool:
    return kind == model.kind or (model.family, kind) in DERIVED


def hint(model: ModelKind, kind: str) -> str:
    return HINTS.get((model.family, kind), f"load a model made for {kind}")
