"""Listening to a sound for the picture: tempo, beats, downbeats, onsets, loudness, brightness
and speech, with librosa (no hand-written beat tracker).

- beats: librosa's dynamic-programming tracker (Ellis 2007) over the onset-strength envelope;
- downbeats: librosa has none, so the bar phase is chosen among the ``beats_per_bar``
  possibilities as the one whose beats carry the most bass energy (kick drums and bass notes
  mark the "one" in most popular music) plus, at half weight, the most harmonic change
  (chords change on the bar line): both measured per beat, each scaled to its maximum;
- loudness: RMS in dBFS and a 0..1 level (−60 dB … the file's loudest), sampled at ``rate`` Hz;
- brightness: the spectral centroid in Hz and a 0..1 level (log scale, 200 Hz … 8 kHz);
- speech: stretches where the 300–3400 Hz band carries most of the energy, the spectrum is
  far from flat (voiced), and the loudness moves at syllable rate (3–8 Hz). A heuristic voice
  detector, good for dialogue over quiet beds, not for singing over a full band.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SR = 22050
HOP = 256  # 11.6 ms: beats land within a frame at 24–60 fps


@dataclass
class Analysis:
    duration: float
    tempo: float
    beats: np.ndarray  # seconds
    downbeats: np.ndarray
    beats_per_bar: int
    phase: int  # index of the first downbeat among the beats
    onsets: np.ndarray
    onset_strength: np.ndarray  # per onset, 0..1
    envelope_times: np.ndarray
    loudness_db: np.ndarray
    loudness: np.ndarray  # 0..1
    brightness_hz: np.ndarray
    brightness: np.ndarray  # 0..1
    speech: list[tuple[float, float]] = field(default_factory=list)


def mono(samples: np.ndarray, rate: int) -> np.ndarray:
    import librosa

    y = samples.mean(axis=1) if samples.ndim == 2 else samples
    y = np.ascontiguousarray(y, dtype=np.float32)
    return librosa.resample(y, orig_sr=rate, target_sr=SR, res_type="soxr_hq") if rate != SR else y


def downbeat_phase(y: np.ndarray, beat_frames: np.ndarray, beats_per_bar: int) -> int:
    """Which beat of each group of ``beats_per_bar`` is the downbeat: the phase whose beats carry
    the most bass energy (< 150 Hz: kick drum, bass note) and, second, the most chord change."""
    import librosa

    if len(beat_frames) < beats_per_bar * 2:
        return 0
    mel = librosa.feature.melspectrogram(y=y, sr=SR, hop_length=HOP, n_fft=2048, n_mels=64, fmax=SR / 2)
    bass = mel[librosa.mel_frequencies(n_mels=64, fmax=SR / 2) < 150.0].sum(axis=0)
    peak = np.maximum.reduce([np.roll(bass, -k) for k in range(4)])  # the hit within 35 ms after the beat
    kick = peak[np.minimum(beat_frames, len(peak) - 1)]
    chroma = librosa.feature.chroma_stft(y=y, sr=SR, hop_length=HOP, n_fft=2048)
    per_beat = librosa.util.sync(chroma, beat_frames, aggregate=np.median)  # column k: from beat k−1 to beat k
    change = np.linalg.norm(np.diff(per_beat, axis=1), axis=0)  # change[k]: into the span that starts at beat k
    change = np.concatenate([change, np.zeros(max(0, len(beat_frames) - len(change)))])[: len(beat_frames)]

    def scaled(x: np.ndarray) -> np.ndarray:
        return x / (float(x.max()) or 1.0)

    score = scaled(kick) + 0.5 * scaled(change)
    return int(np.argmax([score[p::beats_per_bar].mean() for p in range(beats_per_bar)]))


def speech_segments(y: np.ndarray, times: np.ndarray, loud_db: np.ndarray) -> list[tuple[float, float]]:
    """Voice-like stretches (see the module docstring), merged across short gaps, at least 0.3 s."""
    import librosa

    spec = np.abs(librosa.stft(y, n_fft=1024, hop_length=HOP)) ** 2
    freqs = librosa.fft_frequencies(sr=SR, n_fft=1024)
    band = spec[(freqs >= 300) & (freqs <= 3400)].sum(axis=0) / (spec.sum(axis=0) + 1e-12)
    flatness = librosa.feature.spectral_flatness(S=np.sqrt(spec))[0]
    n = min(len(times), len(band), len(flatness), len(loud_db))
    voiced = (band[:n] > 0.62) & (flatness[:n] < 0.3) & (loud_db[:n] > loud_db.max() - 35)
    segments: list[tuple[float, float]] = []
    start = None
    for i in range(n):
        if voiced[i] and start is None:
            start = times[i]
        elif not voiced[i] and start is not None:
            segments.append((float(start), float(times[i])))
            start = None
    if start is not None:
        segments.append((float(start), float(times[n - 1])))
    merged: list[tuple[float, float]] = []
    for a, b in segments:
        if merged and a - merged[-1][1] < 0.25:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    frame_rate = SR / HOP
    keep = []
    for a, b in merged:
        if b - a < 0.3:
            continue
        i0, i1 = int(a * frame_rate), int(b * frame_rate)
        env = loud_db[i0:i1] - loud_db[i0:i1].mean()
        spectrum = np.abs(np.fft.rfft(env * np.hanning(len(env))))
        mod = np.fft.rfftfreq(len(env), 1.0 / frame_rate)
        syllabic = spectrum[(mod >= 3) & (mod <= 8)].sum() / (spectrum[mod > 0.5].sum() + 1e-9)
        if syllabic > 0.2:
            keep.append((round(a, 3), round(b, 3)))
    return keep


def analyse(samples: np.ndarray, rate: int, beats_per_bar: int = 4, start_bpm: float = 0.0,
            envelope_rate: float = 10.0, speech: bool = True) -> Analysis:  # fmt: skip
    """Everything ``audio.analyze`` reports, for samples shaped (N,) or (N, channels)."""
    import librosa

    y = mono(samples, rate)
    duration = len(y) / SR
    onset_env = librosa.onset.onset_strength(y=y, sr=SR, hop_length=HOP)
    kwargs = {"start_bpm": start_bpm} if start_bpm > 0 else {}
    tempo, beat_frames = librosa.beat.beat_track(onset_envelope=onset_env, sr=SR, hop_length=HOP, **kwargs)
    tempo = float(np.atleast_1d(tempo)[0])
    beats = librosa.frames_to_time(beat_frames, sr=SR, hop_length=HOP)
    phase = downbeat_phase(y, beat_frames, beats_per_bar)
    downbeats = beats[phase::beats_per_bar]
    onset_frames = librosa.onset.onset_detect(onset_envelope=onset_env, sr=SR, hop_length=HOP, backtrack=False)
    peak = float(onset_env.max()) or 1.0
    rms = librosa.feature.rms(y=y, frame_length=1024, hop_length=HOP)[0]
    db = librosa.amplitude_to_db(rms, ref=1.0, amin=1e-5, top_db=None)
    centroid = librosa.feature.spectral_centroid(y=y, sr=SR, n_fft=1024, hop_length=HOP)[0]
    frame_times = librosa.frames_to_time(np.arange(len(rms)), sr=SR, hop_length=HOP)
    env_times = np.arange(0.0, duration, 1.0 / envelope_rate)
    env_db = np.interp(env_times, frame_times, db)
    env_hz = np.interp(env_times, frame_times, centroid)
    top = float(db.max())
    return Analysis(
        duration=duration,
        tempo=tempo,
        beats=beats,
        downbeats=downbeats,
        beats_per_bar=beats_per_bar,
        phase=phase,
        onsets=librosa.frames_to_time(onset_frames, sr=SR, hop_length=HOP),
        onset_strength=onset_env[onset_frames] / peak,
        envelope_times=env_times,
        loudness_db=env_db,
        loudness=np.clip((env_db + 60.0) / max(top + 60.0, 1e-6), 0.0, 1.0),
        brightness_hz=env_hz,
        brightness=np.clip(np.log(np.maximum(env_hz, 200.0) / 200.0) / np.log(40.0), 0.0, 1.0),
        speech=speech_segments(y, frame_times, db) if speech else [],
    )
