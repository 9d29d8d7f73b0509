"""A tiny random AudioLDM 2, shaped like diffusers' own fast test and saved as the published
checkpoints are (its GPT-2 as ``GPT2Model``), so that loading it goes through the loader's
workaround for them (:mod:`server.models.fixes`). Built offline: the RoBERTa and T5 tokenizers
are byte- and character-level vocabularies made here."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .tiny import t5_tokenizer


def roberta_tokenizer():
    """A byte-level RoBERTa tokenizer with no merges (what CLAP's text branch reads)."""
    from tokenizers import pre_tokenizers
    from transformers import RobertaTokenizer

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for char in sorted(pre_tokenizers.ByteLevel.alphabet()):
        vocab.setdefault(char, len(vocab))
    return RobertaTokenizer(vocab=vocab, merges=[], model_max_length=77)


def clap():
    """CLAP: its text branch embeds the prompt (the audio branch scores several waveforms)."""
    from transformers import ClapAudioConfig, ClapConfig, ClapModel, ClapTextConfig

    text = ClapTextConfig(
        bos_token_id=0,
        eos_token_id=2,
        pad_token_id=1,
        hidden_size=16,
        intermediate_size=37,
        num_attention_heads=2,
        num_hidden_layers=2,
        vocab_size=300,
        projection_dim=16,
    )
    audio = ClapAudioConfig(
        spec_size=64,
        window_size=4,
        num_mel_bins=64,
        intermediate_size=37,
        depths=[2, 2],
        num_attention_heads=[2, 2],
        num_hidden_layers=2,
        hidden_size=192,
        projection_dim=16,
        patch_size=2,
        patch_stride=2,
        patch_embed_input_channels=4,
    )
    torch.manual_seed(0)
    return ClapModel(ClapConfig(text_config=text.to_dict(), audio_config=audio.to_dict(), projection_dim=16))


def audioldm2():
    """AudioLDM 2: CLAP and T5 features, projected and continued by a GPT-2, condition a UNet
    over mel-spectrogram latents; a HiFi-GAN vocoder makes the 16 kHz waveform."""
    from diffusers import (
        AudioLDM2Pipeline,
        AudioLDM2ProjectionModel,
        AudioLDM2UNet2DConditionModel,
        AutoencoderKL,
        DDIMScheduler,
    )
    from transformers import (
        ClapFeatureExtractor,
        GPT2Config,
        GPT2Model,
        SpeechT5HifiGan,
        SpeechT5HifiGanConfig,
        T5Config,
        T5EncoderModel,
    )

    torch.manual_seed(0)
    unet = AudioLDM2UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=([None, 16, 32], [None, 16, 32]),
    )
    torch.manual_seed(0)
    vae = AutoencoderKL(
        block_out_channels=[32, 64],
        in_channels=1,
        out_channels=1,
        down_block_types=["DownEncoderBlock2D"] * 2,
        up_block_types=["UpDecoderBlock2D"] * 2,
        latent_channels=4,
    )
    torch.manual_seed(0)
    t5 = T5EncoderModel(T5Config(vocab_size=128, d_model=32, d_ff=37, d_kv=8, num_heads=2, num_layers=2))
    torch.manual_seed(0)
    language_model = GPT2Model(GPT2Config(n_embd=16, n_head=2, n_layer=2, vocab_size=300, n_positions=99))
    language_model.config.max_new_tokens = 8
    torch.manual_seed(0)
    projection = AudioLDM2ProjectionModel(text_encoder_dim=16, text_encoder_1_dim=32, langauge_model_dim=16)
    torch.manual_seed(0)
    vocoder = SpeechT5HifiGan(
        SpeechT5HifiGanConfig(
            model_in_dim=8,
            sampling_rate=16000,
            upsample_initial_channel=16,
            upsample_rates=[10, 4, 4],  # 160 samples a mel frame, as the real one: 100 frames a second
            upsample_kernel_sizes=[20, 8, 8],
            resblock_kernel_sizes=[3, 7],
            resblock_dilation_sizes=[[1, 3, 5], [1, 3, 5]],
            normalize_before=False,
        )
    )
    scheduler = DDIMScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False, set_alpha_to_one=False
    )
    return AudioLDM2Pipeline(
        vae=vae,
        text_encoder=clap(),
        text_encoder_2=t5,
        projection_model=projection,
        language_model=language_model,
        tokenizer=roberta_tokenizer(),
        tokenizer_2=t5_tokenizer(77),
        feature_extractor=ClapFeatureExtractor(hop_length=7900),
        unet=unet,
        scheduler=scheduler,
        vocoder=vocoder,
    )


BUILDERS: dict[str, Callable[[], object]] = {"audioldm2": audioldm2}
