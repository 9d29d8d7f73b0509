"""A text-to-video GAN you train and run in the graph.

The classic design, small enough to train on a CPU in minutes: a conditional GAN whose
generator is a convolutional LSTM unrolled over the frames, each frame attending over the
caption's words (scaled dot-product attention, kept as the explanation), against a
matching-aware discriminator with a per-frame and a temporal path. The modules split the work:

- ``grammar``: the synthetic prompt grammar, its attributes and the held-out compositions.
- ``synthetic``: draws a captioned clip with the animatic renderer's primitives.
- ``folder``: the user's own clips with captions, decoded with PyAV.
- ``dataset``: the DATASET value both sources make, and its contact sheet.
- ``text``: captions → token ids (the vocabulary travels with the model).
- ``model``: the networks (generator with its sprite and background layers, discriminator with
  its word reader, clip encoder) in torch.
- ``checkpoint``: atomic safetensors checkpoints with the training state.
- ``train``: the training loop; ``generate``: sampling; ``values``: MODEL and ATTENTION.
- ``pictures``: loss curves, attention heat maps and matrices.
- ``evaluate``: the attribute classifier and its ceiling / floor baselines.
- ``dataset_node`` and ``nodes``: the node declarations.

Only node modules and the numpy-only modules are imported at discovery; torch is imported
when a node runs.
"""
