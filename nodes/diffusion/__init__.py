"""Diffusion nodes: load a model (diffusion.load), keyframes per shot (keyframes.diffuse),
video clips (video.diffuse), sound (audio.diffuse) and LoRAs on a model (diffusion.lora). torch and diffusers are imported
inside the functions, so discovering these nodes stays fast."""
