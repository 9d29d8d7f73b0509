"""Tiny random twins of the image-to-video models that ship as their own weights: SkyReels-V2
I2V and HunyuanVideo 1.5 I2V (LTX-2 animates a picture with its text model's weights, through
``from_pipe``, so its twin is :func:`.tiny_families.ltx2`). Shaped like diffusers' own fast
tests, built offline, saved and loaded back through :data:`tests.models.tiny.tiny_model`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from .tiny import WAN_DIT, t5_text_encoder, t5_tokenizer, wan_vae
from .tiny_families import hunyuan_video15_parts


def skyreels_v2_i2v():
    """SkyReels-V2 I2V: the Wan-shaped DiT takes the first frame's latents and mask as extra
    channels (16 + 4 + 16 = 36) and a CLIP image embedding of the frame (``image_dim``)."""
    from diffusers import SkyReelsV2ImageToVideoPipeline, SkyReelsV2Transformer3DModel, UniPCMultistepScheduler
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(0)
    transformer = SkyReelsV2Transformer3DModel(**WAN_DIT, in_channels=36, out_channels=16, image_dim=4)
    torch.manual_seed(0)
    image_encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=4,
            projection_dim=4,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=32,
            intermediate_size=16,
            patch_size=4,
        )
    )
    return SkyReelsV2ImageToVideoPipeline(
        transformer=transformer,
        vae=wan_vae(),
        scheduler=UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0),
        text_encoder=t5_text_encoder(umt5=True),
        tokenizer=t5_tokenizer(),
        image_encoder=image_encoder,
        image_processor=CLIPImageProcessor(crop_size=32, size=32),
    )


def hunyuan_video15_i2v():
    """HunyuanVideo 1.5 I2V: the text-to-video components plus a SigLIP encoder whose tokens of
    the first frame join the text tokens (``image_embed_dim``); the output size is the model's
    bucket (``target_size``) nearest the picture's aspect."""
    from diffusers import HunyuanVideo15ImageToVideoPipeline
    from transformers import SiglipImageProcessor, SiglipVisionConfig, SiglipVisionModel

    parts = hunyuan_video15_parts("i2v")
    torch.manual_seed(0)
    image_encoder = SiglipVisionModel(
        SiglipVisionConfig(
            hidden_size=12,  # = the transformer's image_embed_dim
            intermediate_size=16,
            num_hidden_layers=1,
            num_attention_heads=2,
            image_size=28,
            patch_size=14,
        )
    )
    processor = SiglipImageProcessor(size={"height": 28, "width": 28})
    return HunyuanVideo15ImageToVideoPipeline(**parts, image_encoder=image_encoder.eval(), feature_extractor=processor)


BUILDERS: dict[str, Callable[[], object]] = {
    "skyreels_v2_i2v": skyreels_v2_i2v,
    "hunyuan_video15_i2v": hunyuan_video15_i2v,
}
