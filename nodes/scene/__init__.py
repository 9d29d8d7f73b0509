"""Scene understanding: the scene graph (SCENE) and the shot plan (SHOTS)."""
