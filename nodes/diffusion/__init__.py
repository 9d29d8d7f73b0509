"""Diffusion nodes: load a model (diffusion.load), keyframes per shot (keyframes.diffuse),
video clips (video.diffuse) and sound (audio.diffuse). torch and diffusers are imported
inside the functions, so discovering these nodes stays fast."""
