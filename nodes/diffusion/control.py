"""Control maps through a ControlNet: checking the maps against the shots and the picture size,
and joining the handle's ControlNet to the resident pipeline for one call."""

from __future__ import annotations

from typing import Any

from nodes.datatypes import Frames
from nodes.scene.shots import ShotPlan
from server.engine.errors import NodeInputError
from server.models import ModelHandle
from server.models.controlnet import CONTROL_PIPELINES

from .timing import is_strip

ASPECT_TOLERANCE = 0.02


def check_control(handle: ModelHandle, control: Frames | None, shots: ShotPlan, width: int, height: int) -> None:
    """Maps and ControlNet come together; the maps cover every shot and have the picture's shape."""
    if control is None:
        if handle.control is not None:
            raise NodeInputError(
                "control", "the model has a ControlNet attached: connect control maps (render.controls) to follow"
            )
        return
    if handle.control is None:
        raise NodeInputError(
            "control",
            "control maps need a ControlNet: put a ControlNet node (diffusion.controlnet) between Load model and "
            "this node, with a ControlNet trained for the map (depth, OpenPose, segmentation or canny edges)",
        )
    check_maps(control, shots, width, height)


def check_maps(control: Frames, shots: ShotPlan | None, width: int, height: int) -> None:
    """The maps have the picture's aspect ratio and last as long as the shots (or are one per shot)."""
    if abs(control.width / control.height - width / height) > ASPECT_TOLERANCE * width / height:
        raise NodeInputError(
            "control",
            f"the control maps are {control.width}x{control.height} and the pictures {width}x{height}: give the maps "
            "the pictures' aspect ratio (render.controls width/height) or set width/height here to match them",
        )
    if shots is None:
        return
    count = len(shots.shots)
    needed = shots.duration * control.fps
    if not is_strip(control, count) and control.count + 1 < needed:
        raise NodeInputError(
            "control",
            f"the control maps last {control.count / control.fps:.2f} s ({control.count} frames) and the shots "
            f"{shots.duration:.2f} s: render the maps from the same shot plan",
        )


def controlled(handle: ModelHandle, pipe: Any, kind: str, call: dict[str, Any], image: Any) -> Any:
    """The family's ControlNet pipeline over ``pipe``'s modules, and ``call`` given the control image."""
    import diffusers

    name = CONTROL_PIPELINES.get((handle.family, kind))
    if name is None:
        what = "from the previous keyframe or the animatic" if kind == "image2image" else "from text"
        raise NodeInputError(
            "control",
            f"diffusers has no ControlNet pipeline for {handle.family} starting {what}: "
            + ("turn chain off and leave frames unconnected" if kind == "image2image" else "use SD, SDXL or FLUX.1"),
        )
    control = handle.control
    assert control is not None
    controlled_pipe = getattr(diffusers, name).from_pipe(pipe, controlnet=handle.manager.controlnet(handle))
    controlled_pipe.set_progress_bar_config(disable=True)
    if "StableDiffusion" in name and "StableDiffusion3" not in name and kind == "text2image":
        call["image"] = image  # SD/SDXL text-to-image take the map as `image`
    else:
        call["control_image"] = image
    call.update(
        controlnet_conditioning_scale=control.scale,
        control_guidance_start=control.start,
        control_guidance_end=control.end,
    )
    return controlled_pipe
