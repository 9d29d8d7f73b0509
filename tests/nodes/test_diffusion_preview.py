"""Latent previews: every latent layout becomes a small RGB picture that shows its structure."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.diffusion.preview import MAX_SIDE, latent_layout, latent_preview


def split_latent(channels: int, height: int, width: int) -> torch.Tensor:
    """Left half and right half point opposite ways in channel space."""
    torch.manual_seed(0)
    direction = torch.randn(channels, 1, 1)
    plane = torch.randn(channels, height, width) * 0.05
    plane[:, :, : width // 2] += direction
    plane[:, :, width // 2 :] -= direction
    return plane


@pytest.mark.parametrize("channels", [4, 16, 128])
def test_structure_shows_as_colour(channels: int) -> None:
    latents = split_latent(channels, 8, 8)[None]
    rgb = latent_preview(latents, "bchw")
    assert rgb.dtype == np.uint8 and rgb.shape == (64, 64, 3)
    left, right = rgb[:, :32].reshape(-1, 3).mean(0), rgb[:, 32:].reshape(-1, 3).mean(0)
    assert np.abs(left - right).max() > 100


def test_video_layouts_show_the_middle_frame() -> None:
    plane = split_latent(16, 6, 10)
    frames = torch.stack([torch.zeros_like(plane), plane, torch.zeros_like(plane)])  # F, C, H, W
    for layout, latents in (("bcfhw", frames.permute(1, 0, 2, 3)[None]), ("bfchw", frames[None])):
        rgb = latent_preview(latents, layout)
        assert rgb.shape[:2] == (6 * 8, 10 * 8)
        assert np.abs(rgb[:, :40].astype(int).mean((0, 1)) - rgb[:, 40:].mean((0, 1))).max() > 100


def test_packed_tokens_are_unpacked_with_the_grid() -> None:
    plane = split_latent(8, 4, 6)  # C, H, W
    tokens = plane.permute(1, 2, 0).reshape(1, 24, 8).repeat(1, 3, 1)  # 3 frames of 4×6 tokens
    rgb = latent_preview(tokens, "packed", grid=(4, 6))
    assert rgb.shape[:2] == (32, 48)
    assert latent_preview(tokens, "packed", grid=None) is None


def test_audio_latents_become_a_wide_band() -> None:
    rgb = latent_preview(torch.randn(1, 64, 1024), "bcl")
    assert rgb.shape[1] <= MAX_SIDE and rgb.shape[1] > rgb.shape[0]


def test_large_latents_are_strided_down() -> None:
    rgb = latent_preview(torch.randn(1, 4, 300, 500), "bchw")
    assert max(rgb.shape[:2]) <= MAX_SIDE


def test_layouts_by_family_and_rank() -> None:
    assert latent_layout("cogvideox", torch.zeros(1, 2, 3, 4, 4)) == "bfchw"
    assert latent_layout("wan", torch.zeros(1, 2, 3, 4, 4)) == "bcfhw"
    assert latent_layout("ltx", torch.zeros(1, 2, 3)) == "packed"
    assert latent_layout("sd", torch.zeros(1, 4, 8, 8)) == "bchw"
    assert latent_preview(torch.zeros(1, 2, 3), "nonsense") is None
