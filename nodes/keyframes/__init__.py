"""Keyframes: a picture per shot, painted by a diffusion model (the shared pipeline code is in ``nodes.diffusion``)."""
