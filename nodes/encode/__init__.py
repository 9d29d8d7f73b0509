"""Encoding: frames and sound into finished files (MP4, WebM, GIF, WebP, PNG sequence, raw .npz)."""
