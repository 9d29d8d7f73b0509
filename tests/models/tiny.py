"""Tiny random diffusion pipelines, built offline from configs, for CPU tests.

The configs follow the shapes of diffusers' own fast tests (``get_dummy_components``):
a few channels, one or two layers, random weights. Nothing is downloaded: the CLIP and T5
tokenizers are built here from a small byte-level / character vocabulary, which is all a
random text encoder needs. Each builder returns a pipeline; :data:`tiny_model` writes it
with ``save_pretrained`` (safetensors) on first use, so that tests load it back through
the model manager, exactly like a real model folder. The families added with diffusers 0.42
(Wan 2.2, FLUX.1, LTX-2, ...) are built in :mod:`.tiny_families`; :data:`tiny_model` builds both.
"""

from __future__ import annotations

import atexit
import shutil
import string
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import torch

TEXT_DIM = 32  # hidden size of every tiny text encoder


def clip_tokenizer(max_length: int = 77):
    """A byte-level BPE CLIP tokenizer with no merges: every character is a token."""
    from tokenizers import pre_tokenizers
    from transformers import CLIPTokenizer

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for char in sorted(pre_tokenizers.ByteLevel.alphabet()):  # a hash set: sort for stable ids
        vocab.setdefault(char, len(vocab))
        vocab.setdefault(char + "</w>", len(vocab))
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=max_length)


def t5_tokenizer(max_length: int = 32):
    """A unigram T5 tokenizer over letters, digits and punctuation (ids < 128)."""
    from transformers import T5Tokenizer

    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -2.0)]
    for char in string.ascii_lowercase + string.digits + string.punctuation:
        pieces += [(char, -3.0), ("\u2581" + char, -3.5)]
    return T5Tokenizer(vocab=pieces, extra_ids=0, model_max_length=max_length)


def clip_text_encoder(projection: bool = False):
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    config = CLIPTextConfig(
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
        hidden_size=TEXT_DIM,
        intermediate_size=37,
        layer_norm_eps=1e-05,
        num_attention_heads=4,
        num_hidden_layers=2,
        vocab_size=600,
        projection_dim=TEXT_DIM,
        hidden_act="gelu",
    )
    torch.manual_seed(0)
    return CLIPTextModelWithProjection(config) if projection else CLIPTextModel(config)


def t5_text_encoder(umt5: bool = False):
    """A T5 encoder; Wan's pipelines declare the UMT5 variant."""
    from transformers import T5Config, T5EncoderModel, UMT5Config, UMT5EncoderModel

    config_class, model_class = (UMT5Config, UMT5EncoderModel) if umt5 else (T5Config, T5EncoderModel)
    config = config_class(
        vocab_size=128,
        d_model=TEXT_DIM,
        d_kv=8,
        d_ff=37,
        num_layers=2,
        num_heads=4,
        relative_attention_num_buckets=8,
        decoder_start_token_id=0,
    )
    torch.manual_seed(0)
    return model_class(config)


def sd_vae():
    from diffusers import AutoencoderKL

    torch.manual_seed(0)
    return AutoencoderKL(
        block_out_channels=[4, 8],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
        latent_channels=4,
        norm_num_groups=2,
        sample_size=32,
    )


def sd_scheduler():
    from diffusers import DDIMScheduler

    return DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )


def tiny_unet(**config):
    """A seeded one-layer UNet over 4 latent channels; ``config`` sets what each family differs in."""
    from diffusers import UNet2DConditionModel

    torch.manual_seed(0)
    return UNet2DConditionModel(layers_per_block=1, sample_size=16, in_channels=4, out_channels=4, **config)


def stable_diffusion():
    from diffusers import StableDiffusionPipeline

    unet = tiny_unet(
        block_out_channels=(4, 8),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=TEXT_DIM,
        norm_num_groups=2,
        attention_head_dim=2,
    )
    return StableDiffusionPipeline(
        unet=unet,
        scheduler=sd_scheduler(),
        vae=sd_vae(),
        text_encoder=clip_text_encoder(),
        tokenizer=clip_tokenizer(),
        safety_checker=None,
        feature_extractor=None,
        image_encoder=None,
        requires_safety_checker=False,
    )


def stable_diffusion_xl():
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline

    unet = tiny_unet(
        block_out_channels=(4, 8),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 1),
        projection_class_embeddings_input_dim=6 * 8 + TEXT_DIM,
        cross_attention_dim=2 * TEXT_DIM,
        norm_num_groups=1,
    )
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, steps_offset=1, beta_schedule="scaled_linear", timestep_spacing="leading"
    )
    return StableDiffusionXLPipeline(
        unet=unet,
        scheduler=scheduler,
        vae=sd_vae(),
        text_encoder=clip_text_encoder(),
        tokenizer=clip_tokenizer(),
        text_encoder_2=clip_text_encoder(projection=True),
        tokenizer_2=clip_tokenizer(),
        image_encoder=None,
        feature_extractor=None,
    )


def animatediff():
    from diffusers import AnimateDiffPipeline, MotionAdapter

    unet = tiny_unet(
        block_out_channels=(8, 16),
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=TEXT_DIM,
        norm_num_groups=2,
        attention_head_dim=2,
    )
    torch.manual_seed(0)
    adapter = MotionAdapter(
        block_out_channels=(8, 16),
        motion_layers_per_block=1,
        motion_norm_num_groups=2,
        motion_num_attention_heads=2,
    )
    return AnimateDiffPipeline(
        unet=unet,
        motion_adapter=adapter,
        scheduler=sd_scheduler(),
        vae=sd_vae(),
        text_encoder=clip_text_encoder(),
        tokenizer=clip_tokenizer(),
        feature_extractor=None,
        image_encoder=None,
    )


def wan_vae():
    from diffusers import AutoencoderKLWan

    torch.manual_seed(0)
    return AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
    )


# The tiny Wan-family DiT (Wan, SkyReels-V2, VACE share it): two layers, two 12-wide heads.
WAN_DIT = {
    "patch_size": (1, 2, 2),
    "num_attention_heads": 2,
    "attention_head_dim": 12,
    "text_dim": TEXT_DIM,
    "freq_dim": 256,
    "ffn_dim": 32,
    "num_layers": 2,
    "cross_attn_norm": True,
    "qk_norm": "rms_norm_across_heads",
    "rope_max_seq_len": 32,
}


def wan_transformer(
    in_channels: int = 16, image_dim: int | None = None, image_tokens: int | None = None, out_channels: int = 16
):
    from diffusers import WanTransformer3DModel

    torch.manual_seed(0)
    return WanTransformer3DModel(
        **WAN_DIT,
        in_channels=in_channels,
        out_channels=out_channels,
        image_dim=image_dim,
        pos_embed_seq_len=image_tokens,
    )


def wan():
    from diffusers import FlowMatchEulerDiscreteScheduler, WanPipeline

    return WanPipeline(
        transformer=wan_transformer(),
        vae=wan_vae(),
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        text_encoder=t5_text_encoder(umt5=True),
        tokenizer=t5_tokenizer(),
    )


def wan_flf2v():
    """Wan first-last-frame-to-video (the FLF2V variant of image-to-video): a CLIP image
    encoder embeds both frames, and the transformer's image embedding expects two images."""
    from diffusers import FlowMatchEulerDiscreteScheduler, WanImageToVideoPipeline
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel

    torch.manual_seed(0)
    image_encoder = CLIPVisionModel(
        CLIPVisionConfig(
            hidden_size=4,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=32,
            intermediate_size=16,
            patch_size=4,
        )
    )
    tokens_per_image = (32 // 4) ** 2 + 1
    return WanImageToVideoPipeline(
        transformer=wan_transformer(in_channels=36, image_dim=4, image_tokens=2 * tokens_per_image),
        vae=wan_vae(),
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        text_encoder=t5_text_encoder(umt5=True),
        tokenizer=t5_tokenizer(),
        image_encoder=image_encoder,
        image_processor=CLIPImageProcessor(crop_size=32, size=32),
    )


def ltx():
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )

    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=4,
        attention_head_dim=8,
        cross_attention_dim=32,
        num_layers=1,
        caption_channels=TEXT_DIM,
    )
    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo(
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        patch_size=1,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    return LTXPipeline(
        transformer=transformer,
        vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(),
        text_encoder=t5_text_encoder(),
        tokenizer=t5_tokenizer(),
    )


def cogvideox_transformer(image_to_video: bool = False):
    """CogVideoX's denoiser; the image-to-video variant takes the image latents as extra channels
    and uses rotary and learned positional embeddings, as CogVideoX-5b-I2V does."""
    from diffusers import CogVideoXTransformer3DModel

    torch.manual_seed(0)
    return CogVideoXTransformer3DModel(
        num_attention_heads=2 if image_to_video else 4,
        attention_head_dim=16 if image_to_video else 8,
        in_channels=8 if image_to_video else 4,
        out_channels=4,
        time_embed_dim=2,
        text_embed_dim=TEXT_DIM,
        num_layers=1,
        sample_width=2,
        sample_height=2,
        sample_frames=9,
        patch_size=2,
        temporal_compression_ratio=4,
        max_text_seq_length=16,
        use_rotary_positional_embeddings=image_to_video,
        use_learned_positional_embeddings=image_to_video,
    )


def cogvideox_vae():
    from diffusers import AutoencoderKLCogVideoX

    torch.manual_seed(0)
    return AutoencoderKLCogVideoX(
        in_channels=3,
        out_channels=3,
        down_block_types=("CogVideoXDownBlock3D",) * 4,
        up_block_types=("CogVideoXUpBlock3D",) * 4,
        block_out_channels=(8, 8, 8, 8),
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=2,
        temporal_compression_ratio=4,
    )


def cogvideox():
    from diffusers import CogVideoXPipeline, DDIMScheduler

    return CogVideoXPipeline(
        transformer=cogvideox_transformer(),
        vae=cogvideox_vae(),
        scheduler=DDIMScheduler(),
        text_encoder=t5_text_encoder(),
        tokenizer=t5_tokenizer(max_length=16),
    )


def cogvideox_i2v():
    from diffusers import CogVideoXImageToVideoPipeline, DDIMScheduler

    return CogVideoXImageToVideoPipeline(
        transformer=cogvideox_transformer(image_to_video=True),
        vae=cogvideox_vae(),
        scheduler=DDIMScheduler(),
        text_encoder=t5_text_encoder(),
        tokenizer=t5_tokenizer(max_length=16),
    )


def stable_audio():
    from diffusers import (
        AutoencoderOobleck,
        CosineDPMSolverMultistepScheduler,
        StableAudioDiTModel,
        StableAudioPipeline,
        StableAudioProjectionModel,
    )

    torch.manual_seed(0)
    transformer = StableAudioDiTModel(
        sample_size=4,
        in_channels=3,
        num_layers=2,
        attention_head_dim=4,
        num_key_value_attention_heads=2,
        out_channels=3,
        cross_attention_dim=4,
        time_proj_dim=8,
        global_states_input_dim=8,
        cross_attention_input_dim=4,
    )
    scheduler = CosineDPMSolverMultistepScheduler(
        solver_order=2, prediction_type="v_prediction", sigma_data=1.0, sigma_schedule="exponential"
    )
    torch.manual_seed(0)
    vae = AutoencoderOobleck(
        encoder_hidden_size=6,
        downsampling_ratios=[1, 2],
        decoder_channels=3,
        decoder_input_channels=3,
        audio_channels=2,
        channel_multiples=[2, 4],
        sampling_rate=4,
    )
    text_encoder = t5_text_encoder()
    torch.manual_seed(0)
    projection = StableAudioProjectionModel(
        text_encoder_dim=text_encoder.config.d_model, conditioning_dim=4, min_value=0, max_value=32
    )
    return StableAudioPipeline(
        transformer=transformer,
        scheduler=scheduler,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=t5_tokenizer(max_length=25),
        projection_model=projection,
    )


class _Speech:
    """A transformers model and its tokenizer, saved side by side like an MMS-TTS checkpoint."""

    def __init__(self, model, tokenizer) -> None:
        self.model, self.tokenizer = model, tokenizer

    def save_pretrained(self, folder: Path, safe_serialization: bool = True) -> None:
        self.model.save_pretrained(folder, safe_serialization=safe_serialization)
        self.tokenizer.save_pretrained(folder)


def vits():
    """A tiny VITS (MMS-TTS architecture) with a character vocabulary, no phonemizer."""
    import json

    from transformers import VitsConfig, VitsModel, VitsTokenizer

    vocab = {c: i for i, c in enumerate(["<pad>", "<unk>", *" abcdefghijklmnopqrstuvwxyz'"])}
    with tempfile.TemporaryDirectory() as tmp:
        vocab_file = Path(tmp) / "vocab.json"
        vocab_file.write_text(json.dumps(vocab))
        tokenizer = VitsTokenizer(
            vocab_file=str(vocab_file),
            pad_token="<pad>",
            unk_token="<unk>",
            language=None,
            add_blank=True,
            normalize=True,
            phonemize=False,
        )
    config = VitsConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        window_size=2,
        ffn_dim=32,
        flow_size=8,
        spectrogram_bins=17,
        upsample_initial_channel=16,
        upsample_rates=[4, 4],
        upsample_kernel_sizes=[8, 8],
        resblock_kernel_sizes=[3],
        resblock_dilation_sizes=[[1, 3]],
        prior_encoder_num_flows=2,
        prior_encoder_num_wavenet_layers=1,
        posterior_encoder_num_wavenet_layers=1,
        duration_predictor_num_flows=2,
        duration_predictor_filter_channels=16,
        depth_separable_num_layers=2,
        sampling_rate=16000,
    )
    torch.manual_seed(0)
    return _Speech(VitsModel(config), tokenizer)


BUILDERS: dict[str, Callable[[], object]] = {
    "sd": stable_diffusion,
    "sdxl": stable_diffusion_xl,
    "animatediff": animatediff,
    "wan": wan,
    "wan_flf2v": wan_flf2v,
    "ltx": ltx,
    "cogvideox": cogvideox,
    "cogvideox_i2v": cogvideox_i2v,
    "stable_audio": stable_audio,
    "vits": vits,
}


def save(name: str, root: Path) -> Path:
    """Build one tiny pipeline and write it as safetensors under ``root/name``."""
    from .tiny_audioldm2 import BUILDERS as AUDIOLDM2
    from .tiny_families import BUILDERS as NEWER  # the families added with diffusers 0.42
    from .tiny_flux2 import BUILDERS as FLUX2
    from .tiny_i2v import BUILDERS as I2V

    folder = root / name
    builders = {**BUILDERS, **NEWER, **I2V, **FLUX2, **AUDIOLDM2}
    builders[name]().save_pretrained(folder, safe_serialization=True)
    return folder


class TinyModels:
    """Tiny model folders built on first use and shared by every test of the session
    (one temp folder per process, removed at exit)."""

    def __init__(self) -> None:
        self._root: Path | None = None
        self._built: dict[str, Path] = {}
        self._lock = threading.Lock()

    def __call__(self, name: str) -> Path:
        with self._lock:
            if name not in self._built:
                if self._root is None:
                    self._root = Path(tempfile.mkdtemp(prefix="reelgraph-tiny-models-"))
                    atexit.register(shutil.rmtree, self._root, True)
                self._built[name] = save(name, self._root)
            return self._built[name]


tiny_model = TinyModels()


def block_network(monkeypatch) -> None:
    """Make any attempt to open a connection fail loudly: tests must stay offline."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"a test tried to reach the network: {args[:2]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
