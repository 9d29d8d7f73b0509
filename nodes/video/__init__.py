"""Video in and enhancement: load a clip, deflicker, denoise, upscale and grade it."""
