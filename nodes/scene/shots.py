"""The SHOTS value: a timed shot list with subject, action and camera move per shot."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CAMERA_MOVES = ("static", "pan", "tilt", "zoom_in", "zoom_out", "dolly_in", "dolly_out", "track")


@dataclass(frozen=True)
class Framing:
    """Where the camera looks: ``center`` in normalised frame coordinates (0..1) of the
    shot's virtual stage, and ``zoom`` (1.0 = the wide establishing view, 2.0 = twice as close)."""

    center: tuple[float, float] = (0.5, 0.5)
    zoom: float = 1.0


@dataclass(frozen=True)
class Camera:
    move: str = "static"
    start: Framing = field(default_factory=Framing)
    end: Framing = field(default_factory=Framing)
    easing: str = "ease_in_out"


@dataclass(frozen=True)
class Shot:
    index: int
    start: float
    duration: float
    subject: str | None
    action: str | None
    camera: Camera
    prompt: str
    sentence: int | None = None
    subject_name: str | None = None  # the subject in the prompt's words ("fox"), for storyboards and people

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class ShotPlan:
    duration: float
    shots: tuple[Shot, ...]

    def shot_at(self, t: float) -> Shot:
        for shot in self.shots:
            if t < shot.end:
                return shot
        return self.shots[-1]

    def summary(self) -> dict[str, Any]:
        return {
            "type": "SHOTS",
            "duration": self.duration,
            "shots": [
                {
                    "index": s.index,
                    "start": round(s.start, 3),
                    "duration": round(s.duration, 3),
                    "subject": s.subject,
                    "subject_name": s.subject_name,
                    "action": s.action,
                    "camera": s.camera.move,
                }
                for s in self.shots
            ],
        }

    @property
    def nbytes(self) -> int:
        return 1024 * len(self.shots)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ShotPlan:
        shots = []
        for s in data["shots"]:
            cam = s["camera"]
            camera = Camera(
                move=cam["move"],
                start=Framing(tuple(cam["start"]["center"]), cam["start"]["zoom"]),
                end=Framing(tuple(cam["end"]["center"]), cam["end"]["zoom"]),
                easing=cam.get("easing", "ease_in_out"),
            )
            shots.append(Shot(**{**s, "camera": camera}))
        return cls(duration=data["duration"], shots=tuple(shots))
