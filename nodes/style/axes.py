"""The named style axes: what each means, which words move it, how it looks, how to probe it.

Every backend fills these axes (0..1) so renderers can read them by name. Per axis:
- ``baseline``: the value with no evidence (0.5 for the bipolar warmth/saturation/
  brightness/contrast; 0 for presence axes like neon);
- ``cues``: words (lower-case lemmas or forms) and how strongly they push the axis (negative
  pulls it down; "cold" lowers warmth);
- ``tags``: the readable tag when the axis is high (and low, for bipolar axes);
- ``colours``: palette colours the axis contributes ('#rrggbb');
- ``anchors``: (positive, negative) phrases whose text-encoder embeddings define the axis
  direction for the encoder backend.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Axis:
    name: str
    baseline: float
    cues: dict[str, float]
    tags: tuple[str | None, str | None]  # (tag when high, tag when low)
    colours: tuple[str, ...]
    anchors: tuple[tuple[str, ...], tuple[str, ...]]


def _cues(text: str) -> dict[str, float]:
    """'neon:2 glowing:0.7 cold:-1' -> {"neon": 2.0, ...}."""
    out = {}
    for item in text.split():
        word, weight = item.rsplit(":", 1)
        out[word.replace("_", " ")] = float(weight)
    return out


AXES: tuple[Axis, ...] = (
    Axis(
        "warmth",
        0.5,
        _cues(
            """warm:1.2 sunset:1.5 sunrise:1 dawn:0.8 golden:1.2 fire:1.2 campfire:1.2 candle:1 candlelight:1.2 orange:1
        amber:1.2 red:0.5 sun:0.8 sunny:0.8 desert:0.8 savanna:0.8 autumn:0.8 cozy:0.8 lantern:0.6 summer:0.6
        cold:-1.2 cool:-0.8 blue:-0.6 ice:-1 icy:-1 snow:-1 snowy:-1 winter:-1 moonlight:-0.8 cyan:-0.8 night:-0.4
        rain:-0.4 rainy:-0.4 fog:-0.4 steel:-0.4 arctic:-1.2 underwater:-0.6"""
        ),
        ("warm", "cool"),
        ("#e07a3f", "#3a7bd5"),
        (("warm orange golden light", "a cozy warm firelit room"), ("cold blue icy light", "a freezing winter night")),
    ),
    Axis(
        "saturation",
        0.5,
        _cues(
            """colorful:1.5 colourful:1.5 vibrant:1.5 vivid:1.5 neon:1.2 saturated:1.5 rainbow:1.5 bright:0.5
        tropical:0.8 psychedelic:1.5 muted:-1.2 faded:-1.2 desaturated:-1.5 grey:-0.6 gray:-0.6 monochrome:-2
        noir:-2 black_and_white:-2.5 foggy:-0.5 misty:-0.5 pastel:-0.5 vintage:-0.5 overcast:-0.5"""
        ),
        ("vivid", "muted"),
        (),
        (("vivid saturated colorful scene",), ("muted grey desaturated scene",)),
    ),
    Axis(
        "brightness",
        0.5,
        _cues(
            """bright:1.2 sunny:1.2 daylight:1.2 noon:1.2 midday:1.2 white:0.5 snow:0.6 beach:0.6 pastel:0.8 sunshine:1
        sunlight:1 morning:0.6 day:0.6 dark:-1.2 night:-1.2 midnight:-1.5 dim:-1 shadow:-0.8 shadows:-0.8 noir:-0.8
        gloomy:-1 moonlight:-0.8 moonlit:-0.8 cave:-1 dusk:-0.6 storm:-0.6 stormy:-0.6"""
        ),
        ("bright", "dark"),
        (),
        (("a bright sunny daylight scene",), ("a dark dim night scene",)),
    ),
    Axis(
        "contrast",
        0.5,
        _cues(
            """dramatic:1.2 high_contrast:1.5 noir:1.5 harsh:1 neon:0.6 shadows:0.8 silhouette:1 spotlight:0.8
        cinematic:0.4 lightning:0.8 soft:-0.8 hazy:-0.8 fog:-1 foggy:-1 mist:-0.8 misty:-0.8 pastel:-0.8 flat:-1
        overcast:-0.6 dreamy:-0.6"""
        ),
        ("high contrast", "soft"),
        (),
        (("dramatic high contrast light and deep shadows",), ("soft flat hazy light",)),
    ),
    Axis(
        "neon",
        0.0,
        _cues(
            """neon:2 neon_sign:2 glowing:0.5 cyberpunk:1.5 synthwave:1.5 vaporwave:1.2 fluorescent:1 hologram:1
        holographic:1 arcade:0.8 billboard:0.5 lights:0.3"""
        ),
        ("neon", None),
        ("#ff2fa0", "#21d4fd", "#8a4dff"),
        (("glowing neon signs at night", "pink and cyan neon lights"), ("natural daylight", "a plain room")),
    ),
    Axis(
        "golden_hour",
        0.0,
        _cues(
            """golden_hour:2.5 sunset:2 sunrise:1.8 dawn:1.5 dusk:1 golden:1.2 sundown:2 twilight:0.8 magic_hour:2"""
        ),
        ("golden hour", None),
        ("#ffb347", "#ff7e3a", "#ffd27f"),
        (("golden hour sunset light", "warm low sun at sunrise"), ("overcast midday", "night")),
    ),
    Axis(
        "rain",
        0.0,
        _cues(
            """rain:2 rainy:2 raining:2 wet:1.2 drizzle:1.5 downpour:2 puddle:1.2 puddles:1.2 raindrops:1.5 storm:1
        stormy:1 umbrella:0.8 raincoat:0.8 monsoon:2"""
        ),
        ("rainy", None),
        ("#5b6b82", "#9fb4c7"),
        (("heavy rain on wet streets", "raindrops and puddles"), ("a dry sunny day", "clear sky")),
    ),
    Axis(
        "fog",
        0.0,
        _cues("fog:2 foggy:2 mist:1.8 misty:1.8 haze:1.5 hazy:1.5 smoke:1 smoky:1 steam:0.8 clouds:0.4"),
        ("foggy", None),
        ("#c9ced6", "#aab3bd"),
        (("thick fog and mist", "a hazy misty morning"), ("crisp clear air", "a sharp clear view")),
    ),
    Axis(
        "noir",
        0.0,
        _cues(
            """noir:2.5 black_and_white:2.5 monochrome:2 detective:1 shadows:0.6 film_noir:2.5 gritty:0.6 trench_coat:0.6
        cigarette:0.5"""
        ),
        ("noir", None),
        ("#111111", "#555555", "#e6e6e6"),
        (
            ("a black and white film noir scene", "hard shadows, monochrome"),
            ("a colorful cartoon", "bright pastel colors"),
        ),
    ),
    Axis(
        "pastel",
        0.0,
        _cues(
            """pastel:2.5 dreamy:1 soft:0.6 candy:1 lavender:1.2 mint:1.2 pink:0.6 peach:1 cotton_candy:1.5 whimsical:0.8
        baby_blue:1.2"""
        ),
        ("pastel", None),
        ("#ffc9de", "#c9f0e4", "#d9c9ff"),
        (("soft pastel colors, pink and mint", "a dreamy pastel palette"), ("dark gritty colors", "harsh neon")),
    ),
    Axis(
        "futuristic",
        0.0,
        _cues(
            """futuristic:2.5 sci-fi:2 scifi:2 cyberpunk:2 spaceship:1.5 spacecraft:1.5 robot:1.2 android:1.2 cyborg:1.5
        hologram:1.5 holographic:1.5 flying:0.5 space_station:1.5 astronaut:1 laser:1 neon:0.4 chrome:0.5"""
        ),
        ("futuristic", None),
        ("#00e5ff", "#c0c8d8"),
        (("a futuristic sci-fi city", "robots and flying cars"), ("an ancient medieval village", "a rustic farm")),
    ),
    Axis(
        "nature",
        0.0,
        _cues(
            """forest:1.5 jungle:1.5 savanna:1.5 savannah:1.5 meadow:1.5 field:0.8 ocean:1.2 sea:1 beach:1 mountain:1.2
        mountains:1.2 river:1 lake:1 waterfall:1.2 tree:0.8 trees:0.8 flower:0.8 flowers:0.8 grass:0.8 lion:0.8
        animal:0.6 bird:0.5 birds:0.5 wildlife:1 garden:0.8 park:0.6 desert:0.8 valley:1 woods:1.5 wildflowers:1"""
        ),
        ("nature", None),
        ("#4f8a3c", "#a7c957", "#6c9a8b"),
        (("wild nature, forests and animals", "a green meadow"), ("a dense city street", "an office interior")),
    ),
    Axis(
        "urban",
        0.0,
        _cues(
            """city:1.5 street:1.5 skyline:1.5 building:1 buildings:1 skyscraper:1.5 car:0.6 cars:0.6 traffic:1.2
        alley:1.2 downtown:1.5 subway:1.2 sidewalk:1 intersection:1.2 neon:0.5 tokyo:1 taxi:1 crosswalk:1.2 rooftop:1"""
        ),
        ("urban", None),
        ("#3a3f4b", "#8d99ae"),
        (("a busy city street with buildings", "an urban skyline"), ("untouched wilderness", "a quiet forest")),
    ),
    Axis(
        "night",
        0.0,
        _cues(
            """night:2.5 midnight:2.5 nighttime:2.5 moon:1.2 moonlight:1.5 moonlit:1.5 stars:1.2 starry:1.5 neon:0.8
        dark:0.8 evening:0.8 dusk:0.6 streetlight:1 lantern:0.6 fireworks:1 glowing:0.4"""
        ),
        ("night", None),
        ("#0d1030", "#262a5e"),
        (("a city at night under the moon", "a starry night"), ("bright midday sun", "a sunny afternoon")),
    ),
    Axis(
        "snow",
        0.0,
        _cues("snow:2 snowy:2 snowfall:2 blizzard:2 winter:1 frost:1.2 frosty:1.2 icy:1 ice:0.8"),
        ("snowy", None),
        ("#eef3f8", "#b8c7d9"),
        (("falling snow in winter", "a snowy landscape"), ("a hot summer day", "a tropical beach")),
    ),
    Axis(
        "vintage",
        0.0,
        _cues(
            """vintage:2 retro:2 old:0.4 antique:1.2 film:0.6 35mm:1 grainy:1 sepia:2 1950s:1.5 1970s:1.5 1980s:1.2
        classic:0.6 nostalgic:1.2"""
        ),
        ("vintage", None),
        ("#c2a878", "#8c6f4e"),
        (("a vintage retro film photograph", "sepia tones"), ("a clean modern digital image", "futuristic")),
    ),
)

AXIS_NAMES: tuple[str, ...] = tuple(a.name for a in AXES)
BIPOLAR = frozenset({"warmth", "saturation", "brightness", "contrast"})


def axis(name: str) -> Axis:
    return next(a for a in AXES if a.name == name)
