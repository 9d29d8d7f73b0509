"""Media files made in the tests: pictures (Pillow), sounds (soundfile, PyAV) and broken ones."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def gradient_picture(width: int = 64, height: int = 48) -> np.ndarray:
    """A picture whose every corner differs, so flips and rotations show."""
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 255 // max(1, width - 1), y * 255 // max(1, height - 1), np.full_like(x, 60)], -1).astype(
        np.uint8
    )


def png_claiming_size(path: Path, width: int, height: int) -> Path:
    """A tiny valid-header PNG whose IHDR claims ``width``×``height`` (a decompression bomb's shape)."""
    Image.fromarray(gradient_picture(16, 16)).save(path)
    data = bytearray(path.read_bytes())
    ihdr = 8 + 8  # signature, then length + b"IHDR"
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    path.write_bytes(bytes(data))
    return path


def tone(seconds: float, rate: int = 44100, freq: float = 440.0, channels: int = 2) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    mono = (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.repeat(mono[:, None], channels, axis=1)


def write_aac_m4a(path: Path, samples: np.ndarray, rate: int) -> Path:
    """AAC in an MP4 container (what libsndfile cannot read), written with PyAV."""
    import av

    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=rate, layout="stereo")
        planar = np.ascontiguousarray(samples.T.astype(np.float32))
        for start in range(0, planar.shape[1], 1024):
            frame = av.AudioFrame.from_ndarray(planar[:, start : start + 1024], format="fltp", layout="stereo")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def drum_loop(bpm: float, bars: int, rate: int = 22050, beats_per_bar: int = 4, lead: float = 0.0) -> np.ndarray:
    """Kick on each bar's first beat and on beat 3, a snare-like noise on 2 and 4, hats on every
    beat, a bass note under each kick: a beat whose true times are known. ``lead`` seconds of
    silence come first. Mono float32."""
    rng = np.random.default_rng(7)
    beat = 60.0 / bpm
    n = int((lead + bars * beats_per_bar * beat + 1.0) * rate)
    out = np.zeros(n, np.float32)

    def add(at: float, sound: np.ndarray) -> None:
        i = round(at * rate)
        out[i : i + len(sound)] += sound[: max(0, n - i)]

    t = np.arange(int(0.25 * rate)) / rate
    kick = (np.sin(2 * np.pi * (50 + 80 * np.exp(-t * 30)) * t) * np.exp(-t * 12)).astype(np.float32)
    snare = (rng.standard_normal(len(t)) * np.exp(-t * 25) * 0.4).astype(np.float32)
    hat = (rng.standard_normal(int(0.04 * rate)) * np.exp(-np.arange(int(0.04 * rate)) / rate * 90) * 0.15).astype(
        np.float32
    )
    for k in range(bars * beats_per_bar):
        at = lead + k * beat
        add(at, hat)
        if k % beats_per_bar == 0:
            add(at, 1.2 * kick)
        elif k % beats_per_bar == beats_per_bar // 2:
            add(at, 0.6 * kick)
        else:
            add(at, snare)
    return (0.7 * out / np.abs(out).max()).astype(np.float32)
