"""Tiny random twins of the newer diffusion families (diffusers 0.42): Wan 2.2, SkyReels-V2,
HunyuanVideo 1.5, LTX-2, Wan VACE, Stable Video Diffusion, FLUX.1, SD 3.5, Qwen-Image, ACE-Step,
and ControlNets. Shaped like diffusers' own fast tests, built offline (the tokenizers are
made here from byte or character vocabularies), saved and loaded back through
:data:`tests.models.tiny.tiny_model` like the older families.
"""

from __future__ import annotations

import string
from collections.abc import Callable

import torch

from .tiny import (
    TEXT_DIM,
    WAN_DIT,
    clip_text_encoder,
    clip_tokenizer,
    stable_diffusion,
    t5_text_encoder,
    t5_tokenizer,
    wan_transformer,
    wan_vae,
)


def wan22_ti2v():
    """Wan 2.2 TI2V-5B: one model for text and image, a 48-channel VAE that also patchifies
    (16x spatial), and per-token timesteps (``expand_timesteps``)."""
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline

    torch.manual_seed(0)
    vae = AutoencoderKLWan(
        base_dim=3,
        z_dim=48,
        in_channels=12,
        out_channels=12,
        is_residual=True,
        patch_size=2,
        latents_mean=[0.0] * 48,
        latents_std=[1.0] * 48,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        scale_factor_spatial=16,
        scale_factor_temporal=4,
        temperal_downsample=[False, True, True],
    )
    return WanPipeline(
        transformer=wan_transformer(in_channels=48, out_channels=48),
        vae=vae,
        scheduler=UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0),
        text_encoder=t5_text_encoder(umt5=True),
        tokenizer=t5_tokenizer(),
        transformer_2=None,
        boundary_ratio=None,
        expand_timesteps=True,
    )


def wan22_a14b():
    """Wan 2.2 A14B: two experts, the first for the noisy steps above ``boundary_ratio``."""
    from diffusers import UniPCMultistepScheduler, WanPipeline

    second = wan_transformer()
    torch.manual_seed(1)  # a different second expert, so that switching experts shows
    for p in second.parameters():
        p.data.add_(torch.randn_like(p) * 0.02)
    return WanPipeline(
        transformer=wan_transformer(),
        transformer_2=second,
        boundary_ratio=0.875,
        vae=wan_vae(),
        scheduler=UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=12.0),
        text_encoder=t5_text_encoder(umt5=True),
        tokenizer=t5_tokenizer(),
    )


def skyreels_v2():
    from diffusers import SkyReelsV2Pipeline, SkyReelsV2Transformer3DModel, UniPCMultistepScheduler

    torch.manual_seed(0)
    transformer = SkyReelsV2Transformer3DModel(**WAN_DIT, in_channels=16, out_channels=16)
    return SkyReelsV2Pipeline(
        transformer=transformer,
        vae=wan_vae(),
        scheduler=UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=8.0),
        text_encoder=t5_text_encoder(umt5=True),
        tokenizer=t5_tokenizer(),
    )


def flux_vae():
    """FLUX's VAE shape: 8x downscale (as the real one, so size rules match), one latent channel."""
    from diffusers import AutoencoderKL

    torch.manual_seed(0)
    return AutoencoderKL(
        sample_size=32,
        in_channels=3,
        out_channels=3,
        block_out_channels=(4, 4, 4, 4),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        layers_per_block=1,
        latent_channels=1,
        norm_num_groups=1,
        use_quant_conv=False,
        use_post_quant_conv=False,
        shift_factor=0.0609,
        scaling_factor=1.5035,
    )


def flux():
    """FLUX.1 (dev-like: guidance embedded in the transformer)."""
    from diffusers import FlowMatchEulerDiscreteScheduler, FluxPipeline, FluxTransformer2DModel

    torch.manual_seed(0)
    transformer = FluxTransformer2DModel(
        patch_size=1,
        in_channels=4,
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=TEXT_DIM,
        pooled_projection_dim=TEXT_DIM,
        guidance_embeds=True,
        axes_dims_rope=[4, 4, 8],
    )
    return FluxPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=flux_vae(),
        text_encoder=clip_text_encoder(),
        tokenizer=clip_tokenizer(),
        text_encoder_2=t5_text_encoder(),
        tokenizer_2=t5_tokenizer(),
        transformer=transformer,
        image_encoder=None,
        feature_extractor=None,
    )


def sd3():
    """Stable Diffusion 3.5 (MMDiT): two CLIP encoders and a T5."""
    from diffusers import FlowMatchEulerDiscreteScheduler, SD3Transformer2DModel, StableDiffusion3Pipeline

    torch.manual_seed(0)
    transformer = SD3Transformer2DModel(
        sample_size=32,
        patch_size=1,
        in_channels=4,
        num_layers=1,
        attention_head_dim=8,
        num_attention_heads=4,
        caption_projection_dim=TEXT_DIM,
        joint_attention_dim=TEXT_DIM,
        pooled_projection_dim=2 * TEXT_DIM,
        out_channels=4,
        qk_norm="rms_norm",
    )
    return StableDiffusion3Pipeline(
        transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
        vae=_sd3_vae(),
        text_encoder=clip_text_encoder(projection=True),
        tokenizer=clip_tokenizer(),
        text_encoder_2=clip_text_encoder(projection=True),
        tokenizer_2=clip_tokenizer(),
        text_encoder_3=t5_text_encoder(),
        tokenizer_3=t5_tokenizer(),
        image_encoder=None,
        feature_extractor=None,
    )


def _sd3_vae():
    from diffusers import AutoencoderKL

    torch.manual_seed(0)
    return AutoencoderKL(
        sample_size=32,
        in_channels=3,
        out_channels=3,
        block_out_channels=(4,),
        layers_per_block=1,
        latent_channels=4,
        norm_num_groups=1,
        use_quant_conv=False,
        use_post_quant_conv=False,
        shift_factor=0.0609,
        scaling_factor=1.5035,
    )


def svd():
    """Stable Video Diffusion: animates one picture (no prompt), a CLIP image encoder steers it."""
    from diffusers import (
        AutoencoderKLTemporalDecoder,
        EulerDiscreteScheduler,
        StableVideoDiffusionPipeline,
        UNetSpatioTemporalConditionModel,
    )
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(0)
    unet = UNetSpatioTemporalConditionModel(
        block_out_channels=(32, 64),  # its GroupNorms have 32 groups
        layers_per_block=1,
        sample_size=16,
        in_channels=8,
        out_channels=4,
        down_block_types=("CrossAttnDownBlockSpatioTemporal", "DownBlockSpatioTemporal"),
        up_block_types=("UpBlockSpatioTemporal", "CrossAttnUpBlockSpatioTemporal"),
        cross_attention_dim=TEXT_DIM,
        num_attention_heads=2,
        projection_class_embeddings_input_dim=3 * 8,
        addition_time_embed_dim=8,
    )
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        interpolation_type="linear",
        prediction_type="v_prediction",
        sigma_max=700.0,
        sigma_min=0.002,
        steps_offset=1,
        timestep_spacing="leading",
        timestep_type="continuous",
        use_karras_sigmas=True,
    )
    torch.manual_seed(0)
    vae = AutoencoderKLTemporalDecoder(
        block_out_channels=[32, 64],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        latent_channels=4,
    )
    torch.manual_seed(0)
    image_encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=TEXT_DIM,
            projection_dim=TEXT_DIM,
            num_hidden_layers=2,
            num_attention_heads=4,
            image_size=224,  # the pipeline resizes to CLIP's 224 px whatever the encoder
            intermediate_size=37,
            patch_size=32,
        )
    )
    return StableVideoDiffusionPipeline(
        unet=unet,
        image_encoder=image_encoder,
        scheduler=scheduler,
        vae=vae,
        feature_extractor=CLIPImageProcessor(crop_size=32, size=32),
    )


def wan_vace():
    """Wan VACE: a Wan transformer with a control branch at layer 0 that reads the control video
    (16 latent channels, twice: kept and replaced parts) and its 8x8-packed mask (64 channels)."""
    from diffusers import FlowMatchEulerDiscreteScheduler, WanVACEPipeline, WanVACETransformer3DModel

    torch.manual_seed(0)
    transformer = WanVACETransformer3DModel(
        **WAN_DIT, in_channels=16, out_channels=16, vace_layers=[0], vace_in_channels=96
    )
    return WanVACEPipeline(
        transformer=transformer,
        vae=wan_vae(),
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
        text_encoder=t5_text_encoder(umt5=True),
        tokenizer=t5_tokenizer(),
    )


def sd_controlnet():
    """A ControlNet for the tiny Stable Diffusion (copied from its UNet, as training starts), its
    conditioning downscaling matched to the tiny VAE's 2x, and its zero convolutions made non-zero
    (a trained ControlNet's are) so that the control image changes the picture."""
    from diffusers import ControlNetModel

    unet = stable_diffusion().unet
    torch.manual_seed(2)
    net = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(8, 16))
    with torch.no_grad():
        for name, p in net.named_parameters():
            if name.startswith(
                ("controlnet_down_blocks", "controlnet_mid_block", "controlnet_cond_embedding.conv_out")
            ):
                p.copy_(torch.randn_like(p) * 0.3)
    return net


def qwen_tokenizer():
    """A byte-level Qwen2 tokenizer with no merges and the chat markers Qwen-Image's prompt template uses."""
    from tokenizers import pre_tokenizers
    from transformers import Qwen2Tokenizer

    vocab: dict[str, int] = {}
    for char in sorted(pre_tokenizers.ByteLevel.alphabet()):
        vocab.setdefault(char, len(vocab))
    tokenizer = Qwen2Tokenizer(
        vocab=vocab, merges=[], unk_token=None, bos_token=None, eos_token="<|endoftext|>", pad_token="<|endoftext|>"
    )
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
    tokenizer.chat_template = QWEN_CHAT  # HunyuanVideo 1.5 formats its prompt with it
    return tokenizer


QWEN_CHAT = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}{{ part['text'] }}{% endfor %}{% endif %}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def qwen_image():
    """Qwen-Image: an MMDiT over a Qwen-VL text encoder's hidden states, guided by true CFG."""
    from diffusers import (
        AutoencoderKLQwenImage,
        FlowMatchEulerDiscreteScheduler,
        QwenImagePipeline,
        QwenImageTransformer2DModel,
    )
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration

    torch.manual_seed(0)
    transformer = QwenImageTransformer2DModel(
        patch_size=2,
        in_channels=16,
        out_channels=4,
        num_layers=1,
        attention_head_dim=16,
        num_attention_heads=3,
        joint_attention_dim=16,
        guidance_embeds=False,
        axes_dims_rope=(8, 4, 4),
    )
    torch.manual_seed(0)
    vae = AutoencoderKLQwenImage(
        base_dim=24,
        z_dim=4,
        dim_mult=[1, 2, 4],
        num_res_blocks=1,
        temperal_downsample=[False, True],
        latents_mean=[0.0] * 4,
        latents_std=[1.0] * 4,
    )
    torch.manual_seed(0)
    config = Qwen2_5_VLConfig(
        text_config={
            "hidden_size": 16,
            "intermediate_size": 16,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "num_key_value_heads": 2,
            "rope_scaling": {"mrope_section": [1, 1, 2], "rope_type": "default", "type": "default"},
            "rope_theta": 1000000.0,
            "vocab_size": 300,
            "bos_token_id": 256,
            "eos_token_id": 256,
        },
        vision_config={"depth": 1, "hidden_size": 16, "intermediate_size": 16, "num_heads": 2, "out_hidden_size": 16},
        hidden_size=16,
        vocab_size=300,
        vision_end_token_id=299,
        vision_start_token_id=298,
        vision_token_id=297,
        bos_token_id=256,
        eos_token_id=256,
    )
    return QwenImagePipeline(
        transformer=transformer,
        vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(),
        text_encoder=Qwen2_5_VLForConditionalGeneration(config).eval(),
        tokenizer=qwen_tokenizer(),
    )


def hunyuan_video15():
    """HunyuanVideo 1.5: a Qwen2.5-VL text model and a byte-level T5 (for glyphs) condition an
    MMDiT; the guidance lives in its ``guider`` component."""
    from diffusers import HunyuanVideo15Pipeline

    return HunyuanVideo15Pipeline(**hunyuan_video15_parts("t2v"))


def hunyuan_video15_parts(task_type: str) -> dict:
    """The components HunyuanVideo 1.5's text- and image-to-video pipelines share; ``task_type``
    is the transformer's (both take the first frame's latents and a mask as extra channels)."""
    from diffusers import AutoencoderKLHunyuanVideo15, FlowMatchEulerDiscreteScheduler, HunyuanVideo15Transformer3DModel
    from diffusers.guiders import ClassifierFreeGuidance
    from transformers import ByT5Tokenizer, Qwen2_5_VLTextConfig, Qwen2_5_VLTextModel

    torch.manual_seed(0)
    transformer = HunyuanVideo15Transformer3DModel(
        in_channels=9,
        out_channels=4,
        num_attention_heads=2,
        attention_head_dim=8,
        num_layers=1,
        num_refiner_layers=1,
        mlp_ratio=2.0,
        patch_size=1,
        patch_size_t=1,
        text_embed_dim=16,
        text_embed_2_dim=TEXT_DIM,
        image_embed_dim=12,
        rope_axes_dim=(2, 2, 4),
        target_size=16,
        task_type=task_type,
    )
    torch.manual_seed(0)
    vae = AutoencoderKLHunyuanVideo15(
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        block_out_channels=(16, 16),
        layers_per_block=1,
        spatial_compression_ratio=4,
        temporal_compression_ratio=2,
        downsample_match_channel=False,
        upsample_match_channel=False,
    )
    torch.manual_seed(0)
    text_encoder = Qwen2_5_VLTextModel(
        Qwen2_5_VLTextConfig(
            hidden_size=16,
            intermediate_size=16,
            num_hidden_layers=2,
            num_attention_heads=2,
            num_key_value_heads=2,
            rope_scaling={"mrope_section": [1, 1, 2], "rope_type": "default", "type": "default"},
            rope_theta=1000000.0,
            vocab_size=300,
            bos_token_id=256,
            eos_token_id=256,
        )
    )
    torch.manual_seed(0)
    from transformers import T5Config, T5EncoderModel

    byt5 = T5EncoderModel(
        T5Config(vocab_size=384, d_model=TEXT_DIM, d_kv=8, d_ff=37, num_layers=2, num_heads=4, decoder_start_token_id=0)
    )
    return {
        "transformer": transformer.eval(),
        "vae": vae.eval(),
        "scheduler": FlowMatchEulerDiscreteScheduler(shift=7.0),
        "text_encoder": text_encoder.eval(),
        "text_encoder_2": byt5.eval(),
        "tokenizer": qwen_tokenizer(),
        "tokenizer_2": ByT5Tokenizer(),
        "guider": ClassifierFreeGuidance(guidance_scale=6.0),
    }


def flux_controlnet():
    """A FLUX.1 ControlNet copied from the tiny FLUX transformer (one block of each kind), its
    zero-initialised projections made non-zero as a trained one's are."""
    from diffusers import FluxControlNetModel

    torch.manual_seed(2)
    net = FluxControlNetModel.from_transformer(
        flux().transformer, num_layers=1, num_single_layers=1, attention_head_dim=16, num_attention_heads=2
    )
    with torch.no_grad():
        for name, p in net.named_parameters():
            if name.startswith(("controlnet_blocks", "controlnet_single_blocks", "controlnet_x_embedder")):
                p.copy_(torch.randn_like(p) * 0.3)
    return net


def gemma_tokenizer():
    """A character-level Gemma tokenizer (what LTX-2's Gemma 3 text encoder reads)."""
    from transformers import GemmaTokenizer

    vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3}
    for char in "\u2581" + string.ascii_letters + string.digits + string.punctuation + " \n":
        vocab.setdefault(char, len(vocab))
    return GemmaTokenizer(vocab=vocab, merges=[])


def ltx2():
    """LTX-2: one transformer denoises video and audio latents together from Gemma 3 text
    features (through its connectors); an audio VAE and a vocoder make the sound track."""
    from diffusers import (
        AutoencoderKLLTX2Audio,
        AutoencoderKLLTX2Video,
        FlowMatchEulerDiscreteScheduler,
        LTX2Pipeline,
        LTX2VideoTransformer3DModel,
    )
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration, Gemma3TextConfig, SiglipVisionConfig

    torch.manual_seed(0)
    text_config = Gemma3TextConfig(
        vocab_size=128,
        hidden_size=32,  # = the connectors' width (4 heads x 8)
        intermediate_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=8,
        max_position_embeddings=256,
        sliding_window=64,
        pad_token_id=0,
        eos_token_id=1,
        bos_token_id=2,
    )
    vision = SiglipVisionConfig(
        hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2, image_size=28, patch_size=14
    )
    text_encoder = Gemma3ForConditionalGeneration(
        Gemma3Config(
            text_config=text_config,
            vision_config=vision,
            mm_tokens_per_image=4,
            image_token_index=127,
            boi_token_index=125,
            eoi_token_index=126,
        )
    ).eval()
    torch.manual_seed(0)
    transformer = LTX2VideoTransformer3DModel(
        in_channels=4,
        out_channels=4,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=2,
        attention_head_dim=8,
        cross_attention_dim=16,
        audio_in_channels=4,
        audio_out_channels=4,
        audio_num_attention_heads=2,
        audio_attention_head_dim=4,
        audio_cross_attention_dim=8,
        num_layers=2,
        qk_norm="rms_norm_across_heads",
        caption_channels=32,
        rope_double_precision=False,
        rope_type="split",
    )
    torch.manual_seed(0)
    connectors = LTX2TextConnectors(
        caption_channels=32,
        text_proj_in_factor=3,  # Gemma's layers + its embeddings
        video_connector_num_attention_heads=4,
        video_connector_attention_head_dim=8,
        video_connector_num_layers=1,
        video_connector_num_learnable_registers=None,
        audio_connector_num_attention_heads=4,
        audio_connector_attention_head_dim=8,
        audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=None,
        connector_rope_base_seq_len=32,
        rope_theta=10000.0,
        rope_double_precision=False,
        causal_temporal_positioning=False,
        rope_type="split",
    )
    torch.manual_seed(0)
    vae = AutoencoderKLLTX2Video(
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        block_out_channels=(8,),
        decoder_block_out_channels=(8,),
        layers_per_block=(1,),
        decoder_layers_per_block=(1, 1),
        spatio_temporal_scaling=(True,),
        decoder_spatio_temporal_scaling=(True,),
        decoder_inject_noise=(False, False),
        downsample_type=("spatial",),
        upsample_residual=(False,),
        upsample_factor=(1,),
        timestep_conditioning=False,
        patch_size=1,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    torch.manual_seed(0)
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4,
        output_channels=2,
        ch_mult=(1,),
        num_res_blocks=1,
        attn_resolutions=None,
        in_channels=2,
        resolution=32,
        latent_channels=2,
        norm_type="pixel",
        causality_axis="height",
        dropout=0.0,
        mid_block_add_attention=False,
        sample_rate=16000,
        mel_hop_length=160,
        is_causal=True,
        mel_bins=8,
    )
    torch.manual_seed(0)
    vocoder = LTX2Vocoder(
        in_channels=2 * 8,
        hidden_channels=32,
        out_channels=2,
        upsample_kernel_sizes=[4, 4],
        upsample_factors=[2, 2],
        resnet_kernel_sizes=[3],
        resnet_dilations=[[1, 3, 5]],
        leaky_relu_negative_slope=0.1,
        output_sampling_rate=16000,
    )
    return LTX2Pipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=vae,
        audio_vae=audio_vae,
        text_encoder=text_encoder,
        tokenizer=gemma_tokenizer(),
        connectors=connectors,
        transformer=transformer,
        vocoder=vocoder,
    )


def ace_step():
    """ACE-Step (text to music, with lyrics): a Qwen3 text encoder, a lyric/timbre condition
    encoder, a 1-D flow transformer over Oobleck audio latents."""
    from diffusers import AutoencoderOobleck, FlowMatchEulerDiscreteScheduler
    from diffusers.models.transformers.ace_step_transformer import AceStepTransformer1DModel
    from diffusers.pipelines.ace_step import AceStepConditionEncoder, AceStepPipeline
    from transformers import Qwen3Config, Qwen3Model

    torch.manual_seed(0)
    transformer = AceStepTransformer1DModel(
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=8,
        in_channels=24,
        audio_acoustic_hidden_dim=8,
        patch_size=2,
        rope_theta=10000.0,
        sliding_window=16,
    )
    torch.manual_seed(0)
    text_encoder = Qwen3Model(
        Qwen3Config(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            head_dim=8,
            vocab_size=300,
            max_position_embeddings=256,
            bos_token_id=256,
            eos_token_id=256,
        )
    )
    torch.manual_seed(0)
    condition_encoder = AceStepConditionEncoder(
        hidden_size=32,
        intermediate_size=64,
        text_hidden_dim=32,
        timbre_hidden_dim=8,
        num_lyric_encoder_hidden_layers=2,
        num_timbre_encoder_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=8,
        rope_theta=10000.0,
        sliding_window=16,
    )
    torch.manual_seed(0)
    vae = AutoencoderOobleck(
        encoder_hidden_size=6,
        downsampling_ratios=[1, 2],
        decoder_channels=3,
        decoder_input_channels=8,
        audio_channels=2,
        channel_multiples=[2, 4],
        sampling_rate=50,  # 2x downsampling: the pipeline's 25 latents a second
    )
    return AceStepPipeline(
        transformer=transformer,
        condition_encoder=condition_encoder,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=qwen_tokenizer(),
        scheduler=FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0),
    )


def wan22_i2v_a14b():
    """Wan 2.2 I2V-A14B: two experts that take the first frame's latents as extra channels
    (16 noise + 4 mask + 16 image = 36), no CLIP image encoder (unlike Wan 2.1 I2V)."""
    from diffusers import UniPCMultistepScheduler, WanImageToVideoPipeline

    second = wan_transformer(in_channels=36)
    torch.manual_seed(1)
    for p in second.parameters():
        p.data.add_(torch.randn_like(p) * 0.02)
    return WanImageToVideoPipeline(
        transformer=wan_transformer(in_channels=36),
        transformer_2=second,
        boundary_ratio=0.9,
        vae=wan_vae(),
        scheduler=UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0),
        text_encoder=t5_text_encoder(umt5=True),
        tokenizer=t5_tokenizer(),
        image_encoder=None,
        image_processor=None,
    )


BUILDERS: dict[str, Callable[[], object]] = {
    "wan22_ti2v": wan22_ti2v,
    "wan22_a14b": wan22_a14b,
    "wan22_i2v_a14b": wan22_i2v_a14b,
    "skyreels_v2": skyreels_v2,
    "wan_vace": wan_vace,
    "hunyuan_video15": hunyuan_video15,
    "ltx2": ltx2,
    "svd": svd,
    "flux": flux,
    "sd3": sd3,
    "qwen_image": qwen_image,
    "ace_step": ace_step,
    "sd_controlnet": sd_controlnet,
    "flux_controlnet": flux_controlnet,
}


def sdxl_controlnet():
    """A ControlNet for the tiny SDXL (its text-time embedding included), zero convolutions made non-zero."""
    from diffusers import ControlNetModel

    from .tiny import stable_diffusion_xl

    torch.manual_seed(2)
    net = ControlNetModel.from_unet(stable_diffusion_xl().unet, conditioning_embedding_out_channels=(8, 16))
    with torch.no_grad():
        for name, p in net.named_parameters():
            if name.startswith(
                ("controlnet_down_blocks", "controlnet_mid_block", "controlnet_cond_embedding.conv_out")
            ):
                p.copy_(torch.randn_like(p) * 0.3)
    return net


BUILDERS["sdxl_controlnet"] = sdxl_controlnet
