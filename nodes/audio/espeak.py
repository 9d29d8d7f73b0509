"""Speech with eSpeak NG, with no system package needed.

The library and its voice data come from the ``espeakng-loader`` wheel when installed (so a
fresh machine needs no root), else from the system's libespeak-ng; failing both, the
``espeak-ng`` command line is used. Each utterance is synthesised in a fresh process
(:mod:`.espeak_worker`, standard library only, ~30 ms to start) because the library carries
state from one utterance to the next and would not repeat itself byte for byte.
"""

from __future__ import annotations

import ctypes.util
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

WORKER = Path(__file__).with_name("espeak_worker.py")
TIMEOUT_S = 300


class EspeakError(RuntimeError):
    """eSpeak NG is missing or failed; the message says what to do."""


class UnknownVoice(EspeakError):
    pass


def library() -> tuple[str, str | None, str] | None:
    """(library path, data path or None for the library's default, where it came from)."""
    try:
        import espeakng_loader

        return espeakng_loader.get_library_path(), espeakng_loader.get_data_path(), "espeakng-loader wheel"
    except (ImportError, RuntimeError):
        pass
    system = ctypes.util.find_library("espeak-ng")
    return (system, None, "system libespeak-ng") if system else None


Phonemes = list[tuple[int, str]]  # (sample index, eSpeak phoneme mnemonic)


def via_library(
    lib: str, data: str | None, text: str, voice: str, rate: int, pitch: int
) -> tuple[np.ndarray, int, Phonemes]:
    """(int16 samples, rate, phoneme events) from libespeak-ng at ``lib`` (voice data at ``data``),
    in a fresh worker process."""
    request = json.dumps({"library": lib, "data": data, "text": text, "voice": voice, "rate": rate, "pitch": pitch})
    done = subprocess.run(
        [sys.executable, "-S", str(WORKER)], input=request.encode(), capture_output=True, timeout=TIMEOUT_S, check=False
    )
    message = done.stderr.decode(errors="replace").strip()
    if done.returncode == 4:
        raise UnknownVoice(message)
    if done.returncode != 0 or len(done.stdout) < 8:
        raise EspeakError(f"eSpeak NG failed (exit {done.returncode}): {message[-500:]}")
    sr = int.from_bytes(done.stdout[:4], "little")
    size = int.from_bytes(done.stdout[4:8], "little")
    phonemes = [(int(at), str(name)) for at, name in json.loads(done.stdout[8 : 8 + size])]
    return np.frombuffer(done.stdout[8 + size :], dtype=np.int16), sr, phonemes


def via_cli(text: str, voice: str, rate: int, pitch: int) -> tuple[np.ndarray, int]:
    """(int16 samples, rate) from the ``espeak-ng`` command (a fresh process by nature)."""
    import soundfile as sf

    exe = shutil.which("espeak-ng")
    if exe is None:
        raise EspeakError(
            "eSpeak NG is not available: pip install espeakng-loader (bundles the library and voices), "
            "or install the system package espeak-ng"
        )
    cmd = [exe, "--stdout", "-v", voice, "-s", str(rate), "-p", str(pitch), "-b", "1", "--", text]
    done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
    message = done.stderr.decode(errors="replace").strip()
    if "voice" in message.lower() and ("not" in message.lower() or "unknown" in message.lower()):
        raise UnknownVoice(message)
    if done.returncode != 0 or not done.stdout:
        raise EspeakError(f"espeak-ng failed (exit {done.returncode}): {message[-500:]}")
    samples, sr = sf.read(io.BytesIO(done.stdout), dtype="int16")
    return samples.reshape(-1), int(sr)


def synthesize(text: str, voice: str = "en-us", rate: int = 165, pitch: int = 50) -> tuple[np.ndarray, int, str]:
    """Speak ``text``: (float32 mono samples in [-1, 1], sample rate, which eSpeak NG was used).

    Raises :class:`UnknownVoice` for a voice eSpeak does not have, :class:`EspeakError` otherwise."""
    samples, sr, source, _ = synthesize_with_phonemes(text, voice, rate, pitch)
    return samples, sr, source


def synthesize_with_phonemes(
    text: str, voice: str = "en-us", rate: int = 165, pitch: int = 50
) -> tuple[np.ndarray, int, str, Phonemes]:
    """As :func:`synthesize`, plus eSpeak's phoneme events (empty from the command line, which
    does not report them)."""
    found = library()
    phonemes: Phonemes = []
    if found is not None:
        lib, data, source = found
        pcm, sr, phonemes = via_library(lib, data, text, voice, rate, pitch)
    else:
        (pcm, sr), source = via_cli(text, voice, rate, pitch), "espeak-ng command line"
    return pcm.astype(np.float32) / np.float32(32768.0), sr, source, phonemes
