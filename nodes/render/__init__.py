"""The procedural animatic renderer: scene graph + shot plan + style → frames, layout, timeline.

No model weights: every picture is drawn with OpenCV primitives from a small 3D world
(a pinhole camera over a ground plane), so that entity sizes, perspective, reflections and
footsteps all follow from one geometry. The modules split the work by job:

- ``look``: palette and lighting by time of day, weather and style (the colour grade).
- ``lens``: the pinhole projection and the stage (the canvas a shot's camera crops from).
- ``camera``: where each shot looks at each moment (pan, tilt, zoom, track, easing).
- ``gait`` and ``motion``: action verbs → gaits, speeds, headings and routes through the world;
  one gait phase drives the drawn legs and the footstep events.
- ``cast``: scene entities → drawable actors (people, animals, vehicles, crowds...).
- ``plan``: frame timing and per-shot placement; ``timeline`` and ``layout`` derive from it.
- ``stage`` with the painters ``backgrounds``, ``city``, ``landscapes`` and ``skyline``: the
  static layers, drawn once per shot stage and cached; ``lights``: neon signs and their flicker.
- ``draw``: anti-aliased, sub-pixel OpenCV primitives.
- ``figures``, ``animals``, ``vehicles``, ``props``, ``weather``: what moves, drawn per frame.
- ``renderer``: the lazy frame producer; ``node``: the ``render.animatic`` declaration.

Only ``node``, ``plan`` and the numpy-only modules are imported at discovery; OpenCV is
imported when frames are first produced.
"""
