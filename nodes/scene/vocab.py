"""Word tables the scene-graph builder needs beyond "what kind of thing is this noun".

Verbs of motion with a speed class, verbs of wearing and owning, prepositions that give a
direction, nouns that name no drawable thing, and which facts make which sounds.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# speed class (one of model.SPEEDS) of each motion verb
MOTION_SPEED: dict[str, str] = {
    **dict.fromkeys(_words("stand sit sleep wait rest lie kneel perch pose hover float stay idle watch"), "still"),
    **dict.fromkeys(
        _words(
            """stalk creep sneak crawl drift glide wander stroll amble meander tiptoe sway swim paddle graze
            climb trudge limp waddle roll sail row shuffle prowl trot fall swirl flutter sink rise descend
            ascend circle"""
        ),
        "slow",
    ),
    **dict.fromkeys(
        _words("walk step march stride pace hike patrol dance skate cross cruise move travel ride"), "walk"
    ),
    **dict.fromkeys(
        _words("run jog sprint chase gallop dash hurry rush jump leap hop bound flee charge race skip bounce"), "run"
    ),
    **dict.fromkeys(_words("fly zoom speed soar dive shoot streak plunge whizz whiz swoop drive"), "fast"),
}
FAST_ADVERBS = _words("quickly fast rapidly swiftly speedily hurriedly briskly furiously")
SLOW_ADVERBS = _words("slowly gently leisurely lazily calmly gradually softly carefully")

WEAR_VERBS = _words("wear rock sport don dress model")
POSSESSION_VERBS = _words("own have possess")
# verbs whose object goes along with the subject: "walks his dog", "holding a kite", "flies a kite"
COMPANION_VERBS = _words("walk lead hold carry fly pull drag push tow hug cradle clutch grip steer wheel fly")
# a motion verb whose object moves instead of the subject ("flies a kite": the kite flies, the boy strolls)
MOVES_ITS_OBJECT = {"fly": "stroll", "sail": "stand", "float": "stand", "roll": "walk"}

# prepositions that place the subject relative to something (relation kind "spatial")
SPATIAL_PREPS = _words(
    """down along across through in on at under over above below beneath beside near toward towards into
    onto around behind between past against from inside outside by up off out within among amid atop
    underneath upon alongside beyond via with of"""
)
# direction of travel implied by a path preposition
DIRECTION_OF_PREP: dict[str, str] = {
    **dict.fromkeys(_words("down along across through past over via"), "across"),
    **dict.fromkeys(_words("toward towards to into onto"), "toward"),
    **dict.fromkeys(_words("away from out"), "away"),
    **dict.fromkeys(_words("up"), "up"),
    **dict.fromkeys(_words("around round"), "around"),
}
VERTICAL_VERBS = {
    "fall": "down",
    "sink": "down",
    "descend": "down",
    "dive": "down",
    "plunge": "down",
    "rise": "up",
    "climb": "up",
    "ascend": "up",
    "soar": "up",
}

# nouns that name no drawable thing, even when they are subjects or objects
ABSTRACT_NOUNS = _words(
    """look style way distance front side edge top bottom middle center centre left right background
    foreground air motion scene view moment time lot lots kind type sort shot frame camera angle color
    colour confidence mood atmosphere vibe feeling sense glance aesthetic detail details close-up closeup
    footage lens focus perspective part piece end beginning direction place thing something everything
    nothing anything one ones couple pair group herd flock crowd swarm school pack bunch dozen dozens
    thousand thousands hundred hundreds million millions number amount plenty variety array row line
    set sea fleet army handful team procession parade cluster throng spray"""
)
# group nouns that are also drawable on their own ("a crowd cheers")
GROUP_SUBJECTS = {"crowd": "people", "audience": "people", "herd": "animal", "flock": "bird", "couple": "people"}

# words that place the scene at night when no time of day is said
NIGHT_CUES = _words(
    "neon moonlight moonlit moon stars star streetlight streetlights streetlamp lantern lanterns fireworks firework glowing"
)
DAY_CUES = _words("sunlight sunlit sunny sunshine daylight noon midday")

EMPTY_WORDS = _words("empty deserted lone lonely alone solitary quiet abandoned")

# audio cue -> words (lemmas) that suggest it
AUDIO_WORDS: dict[str, frozenset[str]] = {
    "rain": _words("rain rainy wet drizzle downpour puddle raindrop storm"),
    "thunder": _words("thunder thunderstorm lightning storm stormy"),
    "wind": _words("wind windy breeze gust blizzard sway"),
    "waves": _words("wave waves ocean sea surf shore beach crash"),
    "water": _words("river stream waterfall fountain creek brook splash"),
    "birds": _words("bird birds seagull gull songbird chirp forest jungle meadow"),
    "fire": _words("fire campfire bonfire fireplace crackle crackling flame flames"),
    "traffic": _words("car cars traffic taxi bus truck highway intersection motorcycle"),
    "engine": _words("engine motorcycle helicopter plane jet drive car"),
    "neon hum": _words("neon"),
    "music": _words("music musician violin guitar piano sing singer band dance dancer"),
    "fireworks": _words("firework fireworks"),
    "hooves": _words("gallop horse horses"),
}
FOOTSTEP_VERBS = _words("walk run stroll march stride hurry jog sprint dance hike step pace wander trudge tiptoe")
CROWD_AUDIO_THRESHOLD = 6  # this many people (summed counts) make a crowd sound
# the background sound of a place when nothing louder is said
AMBIENCE_OF_SETTING: dict[str, list[str]] = {
    "city_street": ["city ambience"],
    "skyline": ["city ambience"],
    "savanna": ["wind", "insects"],
    "beach": ["waves"],
    "forest": ["birds"],
    "mountain": ["wind"],
    "interior": ["room tone"],
    "desert": ["wind"],
    "snowfield": ["wind"],
    "lake": ["water", "birds"],
    "park": ["birds"],
    "farm": ["birds", "wind"],
    "bridge": ["wind", "water"],
    "market": ["crowd"],
    "underwater": ["water"],
    "sky": ["wind"],
    "space": ["room tone"],
}

# body parts: not entities of their own, but what a close-up may aim at (y on a standing figure)
BODY_PART_Y: dict[str, float] = {
    "face": 0.36,
    "eye": 0.35,
    "eyes": 0.35,
    "hair": 0.33,
    "head": 0.35,
    "lip": 0.38,
    "lips": 0.38,
    "mouth": 0.38,
    "smile": 0.38,
    "hand": 0.6,
    "hands": 0.6,
    "arm": 0.5,
    "arms": 0.5,
    "leg": 0.72,
    "legs": 0.72,
    "foot": 0.86,
    "feet": 0.86,
    "shoulder": 0.44,
    "shoulders": 0.44,
}
