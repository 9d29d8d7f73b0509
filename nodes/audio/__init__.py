"""Sound: effects from the scene and timeline, a music bed from the style, speech from text,
a mixer and a file writer (AUDIO → VIDEO socket media file)."""
