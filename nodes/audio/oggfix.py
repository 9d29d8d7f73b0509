"""Make Ogg files reproducible: give every page the same stream serial number.

libsndfile (like every Ogg muxer) picks a random serial number per stream, so the same audio
encodes to different bytes on every run. The serial sits in each page header and is covered by
the page's CRC, so both are rewritten here. The Ogg CRC is CRC-32 with polynomial 0x04C11DB7,
unreflected, zero initial value; it is computed through ``zlib.crc32`` (the reflected twin) on
bit-reversed bytes, which keeps it at C speed.
"""

from __future__ import annotations

import struct
import zlib

SERIAL = 0x5245454C  # "REEL"
_REVERSE = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


def ogg_crc(page: bytes) -> int:
    raw = zlib.crc32(page.translate(_REVERSE), 0xFFFFFFFF) ^ 0xFFFFFFFF
    return int(f"{raw:032b}"[::-1], 2)


def fix_serial(data: bytes, serial: int = SERIAL) -> bytes:
    """``data`` (a whole Ogg file) with every page's serial set to ``serial`` and CRCs recomputed."""
    out = bytearray(data)
    pos = 0
    while pos < len(out):
        if out[pos : pos + 4] != b"OggS" or pos + 27 > len(out):
            raise ValueError(f"not an Ogg page at byte {pos}")
        segments = out[pos + 26]
        body = sum(out[pos + 27 : pos + 27 + segments])
        end = pos + 27 + segments + body
        struct.pack_into("<I", out, pos + 14, serial)
        struct.pack_into("<I", out, pos + 22, 0)
        struct.pack_into("<I", out, pos + 22, ogg_crc(bytes(out[pos:end])))
        pos = end
    return bytes(out)
