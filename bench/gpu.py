"""GPU benchmark: our diffusion nodes against calling the diffusers pipeline directly.

For SD1.5 and FLUX.1-dev (keyframes), AnimateDiff on SD1.5, Wan 2.1 T2V 1.3B and Wan 2.2
TI2V-5B (video), each built from its real config with random weights (weights do not change
speed), it times on the same inputs and the same pipeline object:
  direct   the diffusers pipeline called by hand (the baseline, diffusers defaults);
  ours     our node (keyframes.diffuse / video.diffuse) with default options;
  fast     our node with the speed options (regional compile, First Block Cache where the
           model takes it), after one warm-up run that compiles.
It prints seconds per step (median between step callbacks, each synchronised), total
seconds, frames/s, peak GPU memory, our overhead (ours/direct - 1, target ≤ 2%) and the
options' speed-up (direct/fast, target ≥ 1.5×). Without CUDA it prints "no CUDA device:
skipped" and exits 0; ``--smoke`` runs the same code on the CPU with tiny models.

    .venv/bin/python bench/gpu.py [--only sd15,animatediff,wan13b,wan22_5b,flux] [--steps N] [--repeats N] [--smoke]

Caveat: First Block Cache skips steps by how little the first block's output changes; with
random weights that rate is not the rate of trained weights, so the ``fast`` figure of a
transformer model is indicative only.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np


@dataclass
class Case:
    name: str
    node: str  # "keyframes" or "video"
    width: int
    height: int
    frames: int
    steps: int
    guidance: float
    fast: dict[str, Any] = field(default_factory=dict)  # speed options for the "fast" variant


CASES = {
    "sd15": Case("sd15", "keyframes", 512, 512, 1, 30, 7.5, {"compile": "regional"}),
    "animatediff": Case("animatediff", "video", 512, 512, 16, 25, 7.5, {"compile": "regional"}),
    "wan13b": Case("wan13b", "video", 832, 480, 81, 20, 5.0, {"compile": "regional", "step_cache": "first_block"}),
    # Wan 2.2 TI2V-5B at its native 1280x704, 121 frames (5 s at 24 fps)
    "wan22_5b": Case(
        "wan22_5b", "video", 1280, 704, 121, 20, 5.0, {"compile": "regional", "step_cache": "first_block"}
    ),
    # FLUX.1-dev at 1024x1024, its default 28 steps, guidance embedded (one transformer pass per step)
    "flux": Case("flux", "keyframes", 1024, 1024, 1, 28, 3.5, {"compile": "regional", "step_cache": "first_block"}),
}
SMOKE_SIDE = {"wan13b": 16, "wan22_5b": 32}  # the smallest size each tiny video model takes
PROMPT = "a woman in a black leather jacket walks down a neon-lit Tokyo street at night, rain, reflections"
NEGATIVE = "blurry, low quality"


@dataclass
class Timing:
    seconds: float
    step_seconds: float
    peak_bytes: int
    frames: np.ndarray


def main() -> int:
    args = parse_args()
    import torch

    if not torch.cuda.is_available() and not args.smoke:
        print("no CUDA device: skipped")
        return 0
    device = "cuda" if torch.cuda.is_available() and not args.smoke else "cpu"
    if args.smoke:  # the tiny tokenizers truncate the long prompt on every call: not news
        from diffusers.utils import logging as diffusers_logging
        from transformers.utils import logging as transformers_logging

        diffusers_logging.set_verbosity_error()
        transformers_logging.set_verbosity_error()
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    rows = []
    for name in args.only.split(","):
        case = CASES[name]
        if args.steps:
            case.steps = args.steps
        if args.smoke:
            case = smoke_case(case)
        rows += bench_case(case, device, dtype, args.repeats)
    print_table(rows, device)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(CASES), help="comma-separated cases: " + ", ".join(CASES))
    parser.add_argument("--steps", type=int, default=0, help="denoising steps (default: per case)")
    parser.add_argument("--repeats", type=int, default=2, help="timed runs per variant; the best is kept")
    parser.add_argument("--smoke", action="store_true", help="tiny models on the CPU: checks the script, not speed")
    return parser.parse_args()


def smoke_case(case: Case) -> Case:
    side = SMOKE_SIDE.get(case.name, 32)
    fast = {k: v for k, v in case.fast.items() if k != "compile"}  # compiling on CPU needs a toolchain and time
    frames = 5 if case.name.startswith("wan") else min(case.frames, 4)
    return Case(case.name, case.node, side, side, frames, 2, case.guidance, fast)


# -- building pipelines from real configs, random weights ------------------------------------
def build(case: Case, device: str, dtype: Any, smoke: bool) -> Any:
    import torch

    if smoke:
        from tests.models import tiny, tiny_families

        builder = {
            "sd15": tiny.stable_diffusion,
            "animatediff": tiny.animatediff,
            "wan13b": tiny.wan,
            "wan22_5b": tiny_families.wan22_ti2v,
            "flux": tiny_families.flux,
        }[case.name]
        return builder().to(device)
    builders = {
        "sd15": build_sd15,
        "animatediff": build_animatediff,
        "wan13b": build_wan13b,
        "wan22_5b": build_wan22_5b,
        "flux": build_flux,
    }
    with torch.device(device):
        pipe = builders[case.name]()
    return pipe.to(device=device, dtype=dtype)


def sd15_parts() -> dict[str, Any]:
    from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    from tests.models.tiny import clip_tokenizer

    unet = UNet2DConditionModel(
        sample_size=64,
        in_channels=4,
        out_channels=4,
        layers_per_block=2,
        block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        cross_attention_dim=768,
        attention_head_dim=8,
    )
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(128, 256, 512, 512),
        layers_per_block=2,
        latent_channels=4,
        sample_size=512,
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=49408,
            hidden_size=768,
            intermediate_size=3072,
            num_hidden_layers=12,
            num_attention_heads=12,
            max_position_embeddings=77,
            hidden_act="quick_gelu",
            projection_dim=768,
        )
    )
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )
    return {
        "unet": unet,
        "vae": vae,
        "text_encoder": text_encoder,
        "tokenizer": clip_tokenizer(),
        "scheduler": scheduler,
    }


def build_sd15() -> Any:
    from diffusers import StableDiffusionPipeline

    return StableDiffusionPipeline(
        **sd15_parts(), safety_checker=None, feature_extractor=None, requires_safety_checker=False
    )


def build_animatediff() -> Any:
    from diffusers import AnimateDiffPipeline, MotionAdapter

    return AnimateDiffPipeline(**sd15_parts(), motion_adapter=MotionAdapter())  # defaults = motion adapter v1.5-2


def build_wan13b() -> Any:
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel

    from tests.models.tiny import t5_tokenizer

    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=12,
        attention_head_dim=128,
        in_channels=16,
        out_channels=16,
        text_dim=4096,
        freq_dim=256,
        ffn_dim=8960,
        num_layers=30,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        eps=1e-6,
        rope_max_seq_len=1024,
    )
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
    return WanPipeline(
        transformer=transformer,
        vae=AutoencoderKLWan(),
        scheduler=scheduler,
        text_encoder=umt5_xxl(),
        tokenizer=t5_tokenizer(max_length=512),
    )


def umt5_xxl() -> Any:
    from transformers import UMT5Config, UMT5EncoderModel

    return UMT5EncoderModel(
        UMT5Config(
            vocab_size=256384,
            d_model=4096,
            d_ff=10240,
            d_kv=64,
            num_heads=64,
            num_layers=24,
            feed_forward_proj="gated-gelu",
            relative_attention_num_buckets=32,
            relative_attention_max_distance=128,
            tie_word_embeddings=False,
        )
    )


def build_wan22_5b() -> Any:
    """Wan-AI/Wan2.2-TI2V-5B-Diffusers' configs: a 30-layer 3072-wide transformer over the
    48-channel, 16x-downscaling VAE, one expert, per-token timesteps."""
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel

    from tests.models.tiny import t5_tokenizer

    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=24,
        attention_head_dim=128,
        in_channels=48,
        out_channels=48,
        text_dim=4096,
        freq_dim=256,
        ffn_dim=14336,
        num_layers=30,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        eps=1e-6,
        rope_max_seq_len=1024,
    )
    vae = AutoencoderKLWan(
        base_dim=160,
        decoder_base_dim=256,
        z_dim=48,
        dim_mult=[1, 2, 4, 4],
        num_res_blocks=2,
        temperal_downsample=[False, True, True],
        is_residual=True,
        in_channels=12,
        out_channels=12,
        patch_size=2,
        scale_factor_spatial=16,
        scale_factor_temporal=4,
        latents_mean=[0.0] * 48,
        latents_std=[1.0] * 48,
    )
    return WanPipeline(
        transformer=transformer,
        vae=vae,
        scheduler=UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0),
        text_encoder=umt5_xxl(),
        tokenizer=t5_tokenizer(max_length=512),
        expand_timesteps=True,
    )


def build_flux() -> Any:
    """black-forest-labs/FLUX.1-dev's configs: 19 double and 38 single stream blocks, guidance
    embedded, a 16-channel VAE, CLIP-L and T5-XXL text encoders."""
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, FluxPipeline, FluxTransformer2DModel
    from transformers import T5Config, T5EncoderModel

    from tests.models.tiny import t5_tokenizer

    transformer = FluxTransformer2DModel(
        patch_size=1,
        in_channels=64,
        num_layers=19,
        num_single_layers=38,
        attention_head_dim=128,
        num_attention_heads=24,
        joint_attention_dim=4096,
        pooled_projection_dim=768,
        guidance_embeds=True,
        axes_dims_rope=(16, 56, 56),
    )
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(128, 256, 512, 512),
        layers_per_block=2,
        latent_channels=16,
        sample_size=1024,
        use_quant_conv=False,
        use_post_quant_conv=False,
        shift_factor=0.1159,
        scaling_factor=0.3611,
    )
    t5 = T5EncoderModel(
        T5Config(
            vocab_size=32128,
            d_model=4096,
            d_ff=10240,
            d_kv=64,
            num_heads=64,
            num_layers=24,
            feed_forward_proj="gated-gelu",
            relative_attention_num_buckets=32,
            tie_word_embeddings=False,
        )
    )
    scheduler = FlowMatchEulerDiscreteScheduler(
        base_image_seq_len=256,
        base_shift=0.5,
        max_image_seq_len=4096,
        max_shift=1.15,
        shift=3.0,
        use_dynamic_shifting=True,
    )
    parts = sd15_parts()  # its CLIP-L text encoder and tokenizer are FLUX's first text encoder
    return FluxPipeline(
        scheduler=scheduler,
        vae=vae,
        text_encoder=parts["text_encoder"],
        tokenizer=parts["tokenizer"],
        text_encoder_2=t5,
        tokenizer_2=t5_tokenizer(max_length=512),
        transformer=transformer,
    )


# -- the three variants ------------------------------------------------------------------------
def bench_case(case: Case, device: str, dtype: Any, repeats: int) -> list[dict[str, Any]]:
    from server.models import ModelManager

    print(f"building {case.name} ...", file=sys.stderr, flush=True)
    manager = ModelManager(device=device)
    handle = manager.adopt(build(case, device, dtype, device == "cpu"), case.name)
    direct = best(lambda: run_direct(handle, case), repeats)
    ours = best(lambda: run_node(handle, case, {}), repeats)
    run_node(handle, case, case.fast)  # warm-up: compiles
    fast = best(lambda: run_node(handle, case, case.fast), repeats)
    same = np.array_equal(direct.frames, ours.frames)
    diff = int(np.abs(direct.frames.astype(int) - ours.frames).max())
    manager.unload_all()
    options = ", ".join(f"{k}={v}" for k, v in case.fast.items()) or "none"
    return [
        row(case, "diffusers direct", direct, direct, note="baseline"),
        row(case, "our node", ours, direct, note=f"same output: {same} (max diff {diff})"),
        row(case, f"our node + {options}", fast, direct, note="after a warm-up run"),
    ]


def best(run: Any, repeats: int) -> Timing:
    return min((run() for _ in range(max(1, repeats))), key=lambda t: t.seconds)


def call_kwargs(case: Case, pipe: Any, generator: Any) -> dict[str, Any]:
    kwargs = {
        "prompt": PROMPT,
        "negative_prompt": NEGATIVE,
        "num_inference_steps": case.steps,
        "guidance_scale": case.guidance,
        "generator": generator,
        "width": case.width,
        "height": case.height,
        "output_type": "np",
    }
    if case.node == "video":
        kwargs["num_frames"] = case.frames
    return kwargs


def run_direct(handle: Any, case: Case) -> Timing:
    import torch

    from nodes.diffusion.common import generator, to_uint8

    stamps: list[float] = []

    def on_step(pipe: Any, step: int, timestep: Any, tensors: dict) -> dict:
        synchronize()
        stamps.append(time.perf_counter())
        return tensors

    with handle.use() as pipe:
        kwargs = call_kwargs(case, pipe, generator(handle, 0))
        start = begin()
        with torch.inference_mode():
            out = pipe(**kwargs, callback_on_step_end=on_step)
        images = out.images if case.node == "keyframes" else out.frames[0]
        frames = to_uint8(images)
    return finish(start, [start, *stamps], frames)


def run_node(handle: Any, case: Case, options: dict[str, Any]) -> Timing:
    import torch

    from nodes.keyframes.diffuse import KeyframeParams, keyframes_diffuse
    from nodes.scene.shots import Camera, Shot, ShotPlan
    from nodes.video.diffuse import VideoParams, video_diffuse
    from server.engine.context import NodeContext
    from server.models import SpeedOptions

    stamps: list[float] = []

    def on_progress(done: float, total: float, preview: Any = None) -> None:
        if done:
            synchronize()
            stamps.append(time.perf_counter())

    ctx = NodeContext(
        "bench",
        case.node,
        "bench",
        0,
        Path("."),
        Path("."),
        logging.getLogger("bench"),
        models=handle.manager,
        _on_progress=on_progress,
    )
    pipeline = handle.with_options(SpeedOptions(**options))
    common = {
        "seed": 0,
        "steps": case.steps,
        "guidance": case.guidance,
        "negative_prompt": NEGATIVE,
        "width": case.width,
        "height": case.height,
    }
    start = begin()
    with torch.inference_mode():
        if case.node == "keyframes":
            plan = ShotPlan(1.0, (Shot(0, 0.0, 1.0, None, None, Camera(), PROMPT),))
            params = KeyframeParams(**common, chain=False)
            out = keyframes_diffuse(ctx, params, pipeline=pipeline, shots=plan)["frames"]
        else:
            params = VideoParams(**common, clip_frames=case.frames, fps=16)
            out = video_diffuse(ctx, params, pipeline=pipeline, text=PROMPT)["frames"]
        frames = out.to_array()
    return finish(start, [start, *stamps], frames)


def synchronize() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def begin() -> float:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    return time.perf_counter()


def finish(start: float, stamps: list[float], frames: np.ndarray) -> Timing:
    import torch

    synchronize()
    seconds = time.perf_counter() - start
    steps = [b - a for a, b in itertools.pairwise(stamps[1:])]  # the first interval holds text encoding
    peak = torch.cuda.max_memory_allocated() if torch.cuda.is_available() else 0
    return Timing(seconds, statistics.median(steps) if steps else float("nan"), peak, frames)


def row(case: Case, variant: str, timing: Timing, baseline: Timing, note: str) -> dict[str, Any]:
    count = len(timing.frames) if timing.frames.ndim == 4 else 1
    return {
        "case": f"{case.name} {case.width}x{case.height}x{case.frames}, {case.steps} steps",
        "variant": variant,
        "s/step": f"{timing.step_seconds:.3f}",
        "total s": f"{timing.seconds:.2f}",
        "frames/s": f"{count / timing.seconds:.2f}",
        "peak GiB": f"{timing.peak_bytes / 2**30:.2f}",
        "vs direct": f"{(timing.seconds / baseline.seconds - 1) * 100:+.1f}%",
        "speed-up": f"{baseline.seconds / timing.seconds:.2f}x",
        "note": note,
    }


def print_table(rows: list[dict[str, Any]], device: str) -> None:
    import torch

    name = torch.cuda.get_device_name() if device == "cuda" else "CPU (smoke run: tiny models, not a speed figure)"
    print(f"\ndevice: {name}; torch {torch.__version__}")
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in columns) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
