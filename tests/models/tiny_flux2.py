"""Tiny random twins of FLUX.2: FLUX.2 [dev] (a Mistral 3 text encoder behind a Pixtral
processor) and FLUX.2 [klein] (a Qwen3 text encoder). Shaped like diffusers' own fast tests;
the text encoders get as many (tiny) layers as the pipelines read hidden states from by
default (layers 10, 20, 30 for dev; 9, 18, 27 for klein), since the node calls them with their
defaults as a user would. Built offline: the tokenizers are byte-level vocabularies made here.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from .tiny_families import qwen_tokenizer

HIDDEN = 16  # width of the tiny text encoders; the transformer reads three of their layers stacked

# A Mistral-style chat template over the content parts FLUX.2 sends (system text, then user text).
MISTRAL_CHAT = (
    "{{ bos_token }}{% for message in messages %}"
    "{% if message['role'] == 'system' %}[SYSTEM_PROMPT]{% elif message['role'] == 'user' %}[INST]{% endif %}"
    "{% for part in message['content'] %}{% if part['type'] == 'text' %}{{ part['text'] }}"
    "{% else %}[IMG]{% endif %}{% endfor %}"
    "{% if message['role'] == 'system' %}[/SYSTEM_PROMPT]{% elif message['role'] == 'user' %}[/INST]{% endif %}"
    "{% endfor %}"
)


def flux2_vae():
    """FLUX.2's VAE shape: 8x downscale (so the size rules match the real one), its latents
    patchified 2x2 before the transformer (1 channel -> 4)."""
    from diffusers import AutoencoderKLFlux2

    torch.manual_seed(0)
    return AutoencoderKLFlux2(
        sample_size=32,
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(4, 4, 4, 4),
        layers_per_block=1,
        latent_channels=1,
        norm_num_groups=1,
        use_quant_conv=False,
        use_post_quant_conv=False,
    )


def flux2_transformer(guidance_embeds: bool):
    from diffusers import Flux2Transformer2DModel

    torch.manual_seed(0)
    return Flux2Transformer2DModel(
        patch_size=1,
        in_channels=4,
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=3 * HIDDEN,
        timestep_guidance_channels=256,
        axes_dims_rope=[4, 4, 4, 4],
        guidance_embeds=guidance_embeds,
    )


def mistral_tokenizer():
    """A byte-level tokenizer with Mistral's control tokens and a Mistral-style chat template.

    The real FLUX.2 [dev] wraps its tokenizer in a ``PixtralProcessor``, which transformers 5
    builds only with torchvision installed (no CPU build of it can be installed here); the
    pipeline calls only its ``apply_chat_template`` for a text prompt, which a tokenizer has too.
    :func:`server.models.loaders` names the missing torchvision when a real [dev] folder needs it."""
    tokenizer = qwen_tokenizer()
    tokenizer.add_special_tokens(
        {
            "bos_token": "<s>",
            "additional_special_tokens": ["[IMG]", "[INST]", "[/INST]", "[SYSTEM_PROMPT]", "[/SYSTEM_PROMPT]"],
        }
    )
    tokenizer.chat_template = MISTRAL_CHAT
    return tokenizer


def flux2():
    """FLUX.2 [dev]: guidance embedded in the transformer (guidance-distilled), text features
    from a Mistral 3 (Small 3.1) encoder."""
    from diffusers import FlowMatchEulerDiscreteScheduler, Flux2Pipeline
    from transformers import Mistral3Config, Mistral3ForConditionalGeneration

    tokenizer = mistral_tokenizer()
    config = Mistral3Config(
        text_config={
            "model_type": "mistral",
            "vocab_size": len(tokenizer),
            "hidden_size": HIDDEN,
            "intermediate_size": 37,
            "max_position_embeddings": 1024,
            "num_attention_heads": 4,
            "num_hidden_layers": 30,
            "num_key_value_heads": 2,
            "rms_norm_eps": 1e-05,
            "rope_theta": 1000000000.0,
            "sliding_window": None,
        },
        vision_config={
            "model_type": "pixtral",
            "hidden_size": HIDDEN,
            "num_hidden_layers": 1,
            "num_attention_heads": 4,
            "intermediate_size": 37,
            "image_size": 24,
            "patch_size": 6,
            "num_channels": 3,
        },
        image_token_index=tokenizer.convert_tokens_to_ids("[IMG]"),
    )
    torch.manual_seed(0)
    text_encoder = Mistral3ForConditionalGeneration(config).eval()
    return Flux2Pipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=flux2_vae(),
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        transformer=flux2_transformer(guidance_embeds=True),
    )


def flux2_klein():
    """FLUX.2 [klein]: real classifier-free guidance (no guidance embedding), text features from
    a Qwen3 encoder."""
    from diffusers import FlowMatchEulerDiscreteScheduler, Flux2KleinPipeline
    from transformers import Qwen3Config, Qwen3ForCausalLM

    tokenizer = qwen_tokenizer()
    config = Qwen3Config(
        hidden_size=HIDDEN,
        intermediate_size=16,
        num_hidden_layers=27,
        num_attention_heads=2,
        num_key_value_heads=2,
        head_dim=8,
        vocab_size=len(tokenizer),
        max_position_embeddings=1024,
    )
    torch.manual_seed(0)
    text_encoder = Qwen3ForCausalLM(config).eval()
    return Flux2KleinPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=flux2_vae(),
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        transformer=flux2_transformer(guidance_embeds=False),
    )


BUILDERS: dict[str, Callable[[], object]] = {"flux2": flux2, "flux2_klein": flux2_klein}
