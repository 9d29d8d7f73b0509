"""Animated GIF and WebP through PyAV (picture only), streamed chunk by chunk.

GIF has one 256-colour palette: ours is 192 colours chosen from the first chunk (median
cut) plus a fixed 4×4×4 colour cube, so that later shots with other colours still dither
to something close; each frame is mapped onto it with Floyd-Steinberg dithering (Pillow).
The metadata goes in afterwards (a GIF comment, a WebP XMP chunk): FFmpeg's muxers do not
write them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nodes.datatypes import Frames

from .files import temp_path
from .metadata import as_document, embed_gif_comment, embed_webp_xmp
from .spec import EncodeSpec, Progress, frame_chunks

ADAPTIVE_COLOURS = 192
PALETTE_SAMPLE = 16  # frames of the first chunk the palette is learned from


def encode_gif(frames: Frames, path: Path, spec: EncodeSpec, progress: Progress | None) -> dict:
    import av
    from PIL import Image

    palette_image: Any = None
    argb: np.ndarray | None = None
    with temp_path(path.parent) as plain:
        with av.open(str(plain), "w", format="gif", options={"fflags": "+bitexact", "loop": "0"}) as container:
            stream = container.add_stream("gif", rate=spec.fps)
            stream.width, stream.height, stream.pix_fmt = frames.width, frames.height, "pal8"
            stream.codec_context.time_base = 1 / spec.fps
            for start, chunk in frame_chunks(frames):
                if palette_image is None:
                    palette_image, argb = learn_palette(chunk)
                for k, rgb in enumerate(chunk):
                    indices = Image.fromarray(rgb).quantize(palette=palette_image, dither=Image.Dither.FLOYDSTEINBERG)
                    frame = av.VideoFrame.from_ndarray((np.asarray(indices), argb), format="pal8")
                    frame.pts = start + k
                    container.mux(stream.encode(frame))
                if progress is not None:
                    progress(start + len(chunk), frames.count)
            container.mux(stream.encode(None))
        if spec.metadata:
            embed_gif_comment(plain, path, as_document(spec.metadata))
        else:
            plain.replace(path)
    return {"width": frames.width, "height": frames.height, "codec": "gif", "audio_codec": None}


def learn_palette(chunk: np.ndarray) -> tuple[Any, np.ndarray]:
    """(a Pillow "P" image holding the palette, the same palette as (256, 4) ARGB for PyAV)."""
    import cv2
    from PIL import Image

    sample = chunk[:: max(1, len(chunk) // PALETTE_SAMPLE)][:PALETTE_SAMPLE]
    h, w = sample.shape[1:3]
    scale = min(1.0, 128 / max(h, w))
    small = [
        cv2.resize(f, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        for f in sample
    ]
    mosaic = Image.fromarray(np.concatenate(small, axis=0))
    adaptive = mosaic.quantize(ADAPTIVE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    colours = np.asarray(adaptive.getpalette()[: 3 * ADAPTIVE_COLOURS], np.uint8).reshape(-1, 3)
    colours = np.concatenate([colours, np.zeros((ADAPTIVE_COLOURS - len(colours), 3), np.uint8)])
    levels = np.array([0, 85, 170, 255], np.uint8)
    cube = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), -1).reshape(-1, 3)
    rgb = np.concatenate([colours, cube])
    palette_image = Image.new("P", (1, 1))
    palette_image.putpalette(rgb.ravel().tolist())
    argb = np.concatenate([np.full((256, 1), 255, np.uint8), rgb], axis=1)
    return palette_image, argb


def encode_webp(frames: Frames, path: Path, spec: EncodeSpec, progress: Progress | None) -> dict:
    import av
    import cv2

    quality = max(0, min(100, round(100 - spec.crf * 5 / 4)))  # crf 20 → 75, libwebp's default
    effort = min(6, round(spec.preset_level * 6 / 8))
    with av.open(str(path), "w", format="webp", options={"fflags": "+bitexact", "loop": "0"}) as container:
        stream = container.add_stream("libwebp_anim", rate=spec.fps)
        stream.width, stream.height, stream.pix_fmt = frames.width, frames.height, "bgra"
        stream.codec_context.time_base = 1 / spec.fps
        stream.codec_context.options = {"quality": str(quality), "compression_level": str(effort)}
        for start, chunk in frame_chunks(frames):
            for k, rgb in enumerate(chunk):
                frame = av.VideoFrame.from_ndarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGRA), format="bgra")
                frame.pts = start + k
                container.mux(stream.encode(frame))
            if progress is not None:
                progress(start + len(chunk), frames.count)
        container.mux(stream.encode(None))
    if spec.metadata:
        embed_webp_xmp(path, as_document(spec.metadata), frames.width, frames.height)
    return {"width": frames.width, "height": frames.height, "codec": "webp", "audio_codec": None}
