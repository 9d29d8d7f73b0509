"""One eSpeak NG synthesis in a fresh process: ``python espeak_worker.py < request.json > pcm``.

libespeak-ng keeps state between utterances (glottal phase, pitch flutter, timing), so the
same text spoken twice in one process comes out different. A fresh process per request is
what makes speech byte-identical from run to run. Standard library only, so it starts fast.

Request (JSON on stdin): ``{"library", "data" (or null), "text", "voice", "rate", "pitch"}``.
Reply on stdout: the sample rate as 4 little-endian bytes, the length of a JSON list of phoneme
events ``[[sample, "phoneme"], ...]`` as 4 little-endian bytes, that JSON, then native 16-bit
mono samples. The phonemes time a speaking figure's mouth.
Exit codes: 3 the library would not initialise, 4 unknown voice, 5 synthesis failed.
"""

from __future__ import annotations

import ctypes
import json
import sys

AUDIO_OUTPUT_SYNCHRONOUS, POS_CHARACTER, CHARS_UTF8 = 2, 1, 1
INITIALIZE_PHONEME_EVENTS, EVENT_LIST_TERMINATED, EVENT_PHONEME = 1, 0, 7
RATE, PITCH = 1, 3


class Event(ctypes.Structure):
    """``espeak_EVENT`` from speak_lib.h; ``id`` is the union, read as its 8-character string."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(Event))


def declare(lib: ctypes.CDLL) -> None:
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetSynthCallback.argtypes = [Callback]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
        ctypes.c_uint, ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
    ]  # fmt: skip


def main() -> int:
    req = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    lib = ctypes.CDLL(req["library"])
    declare(lib)
    data = req["data"].encode() if req["data"] else None
    rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data, INITIALIZE_PHONEME_EVENTS)
    if rate <= 0:
        print(f"libespeak-ng at {req['library']} would not initialise (data {req['data']})", file=sys.stderr)
        return 3
    chunks: list[bytes] = []
    phonemes: list[list] = []

    @Callback
    def collect(wav, count, events):
        if count > 0 and wav:
            chunks.append(ctypes.string_at(wav, count * 2))
        i = 0
        while events and events[i].type != EVENT_LIST_TERMINATED:
            if events[i].type == EVENT_PHONEME:
                phonemes.append([int(events[i].sample), events[i].id.decode("ascii", "replace")])
            i += 1
        return 0

    lib.espeak_SetSynthCallback(collect)
    if lib.espeak_SetVoiceByName(req["voice"].encode()) != 0:
        print(f"no voice {req['voice']!r}", file=sys.stderr)
        return 4
    lib.espeak_SetParameter(RATE, int(req["rate"]), 0)
    lib.espeak_SetParameter(PITCH, int(req["pitch"]), 0)
    text = req["text"].encode("utf-8") + b"\0"
    status = lib.espeak_Synth(text, len(text), 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
    lib.espeak_Synchronize()
    if status != 0:
        print(f"espeak_Synth returned error {status}", file=sys.stderr)
        return 5
    events = json.dumps(phonemes).encode()
    sys.stdout.buffer.write(int(rate).to_bytes(4, "little") + len(events).to_bytes(4, "little") + events)
    sys.stdout.buffer.write(b"".join(chunks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
