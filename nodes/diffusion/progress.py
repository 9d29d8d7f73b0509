"""Per-step progress from diffusers pipelines to the engine, with throttled latent previews.

One :class:`StepReporter` spans a whole node run (several pipeline calls, e.g. one per
shot): ``total`` is the nominal number of steps of all calls, and each call's real step
count (img2img runs fewer) is scaled onto its share, so the bar ends exactly at ``total``.
Reporting goes through ``ctx.progress``, which is also where cancellation is raised.
"""

from __future__ import annotations

import time
from typing import Any

from server.engine.context import NodeContext

from .preview import latent_layout, latent_preview

PREVIEW_SECONDS = 0.5  # at most two previews a second: they cost a device sync


class StepReporter:
    def __init__(self, ctx: NodeContext, calls: int, steps: int, family: str) -> None:
        self.ctx = ctx
        self.steps = steps
        self.total = calls * steps
        self.family = family
        self.base = 0
        self.done = 0
        self.grid: tuple[int, int] | None = None
        self._last_preview = 0.0
        ctx.progress(0, self.total)

    def start_call(self, grid: tuple[int, int] | None = None) -> None:
        """Before each pipeline call; ``grid`` is the latent (height, width) for packed latents."""
        self.grid = grid

    def end_call(self) -> None:
        self.base += self.steps
        if self.done < self.base:  # the pipeline reported fewer steps than expected
            self.done = self.base
            self.ctx.progress(self.done, self.total)

    def on_step_end(self, pipe: Any, step: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
        """diffusers' ``callback_on_step_end``."""
        self._report(step, getattr(pipe, "num_timesteps", None) or self.steps, tensors.get("latents"))
        return tensors

    def legacy(self, step: int, timestep: Any, latents: Any, *, pipe: Any = None) -> None:
        """The older ``callback(step, timestep, latents)`` (StableAudio)."""
        self._report(step, getattr(pipe, "num_timesteps", None) or self.steps, latents)

    def _report(self, step: int, steps_in_call: int, latents: Any) -> None:
        done = self.base + min(self.steps, round((step + 1) * self.steps / max(1, steps_in_call)))
        preview = None
        now = time.monotonic()
        last = step + 1 >= steps_in_call
        if latents is not None and (last or now - self._last_preview >= PREVIEW_SECONDS):
            preview = latent_preview(latents, latent_layout(self.family, latents), self.grid)
            self._last_preview = now
        self.done = done
        self.ctx.progress(done, self.total, preview)
