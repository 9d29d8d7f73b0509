"""Curated vocabularies for scene descriptions: what kind of thing a word names.

Keys are lemmas (lower case). The entity ruler, the offline tagger's priors, the scene-graph
builder and the style axes all read these tables, so a word is classified the same way
everywhere. Multi-word terms use single spaces ("living room").
"""

from __future__ import annotations

from .colours import COLOURS


def _words(text: str) -> frozenset[str]:
    return frozenset(w.replace("_", " ") for w in text.split())


PEOPLE = _words(
    """woman man girl boy child kid baby toddler teenager teen person people lady gentleman guy
    couple family friend stranger tourist pedestrian passerby commuter crowd audience dancer ballerina
    musician singer guitarist violinist drummer pianist chef cook waiter waitress bartender barista knight
    astronaut fisherman fisher detective hacker soldier officer policeman policewoman police_officer cop
    doctor nurse scientist farmer cowboy cowgirl samurai ninja monk nun priest king queen prince princess
    wizard witch warrior hero superhero villain surfer skater skateboarder snowboarder skier cyclist biker
    rider runner jogger athlete player footballer boxer swimmer diver kayaker climber hiker traveler
    traveller explorer adventurer sailor pirate pilot driver artist painter sculptor photographer
    filmmaker student teacher professor worker builder vendor merchant shopkeeper seller businessman
    businesswoman bride groom clown model actor actress mother father mom dad daughter son sister brother
    grandmother grandfather grandma grandpa granny aunt uncle wife husband girlfriend boyfriend owner
    elder elderly robot android cyborg villager citizen resident guard shepherd gardener mechanic
    firefighter fireman chef jockey monk student reader writer poet spectator onlooker protester
    performer juggler acrobat magician fan crew team"""
)

FEMALE = _words(
    """woman girl lady mother mom daughter sister grandmother grandma granny aunt wife girlfriend queen
    princess witch nun actress waitress ballerina bride policewoman businesswoman cowgirl she her"""
)
MALE = _words(
    """man boy gentleman guy father dad son brother grandfather grandpa uncle husband boyfriend king prince
    wizard monk priest actor waiter groom policeman businessman cowboy fisherman fireman he him his"""
)

BIRDS = _words(
    """bird seagull gull eagle hawk falcon owl parrot pigeon dove crow raven swan duck goose flamingo
    hummingbird sparrow robin penguin pelican heron crane stork vulture albatross peacock butterfly moth
    bee bat dragonfly firefly songbird bluebird kingfisher woodpecker"""
)

ANIMALS = _words(
    """animal lion lioness tiger cat kitten dog puppy horse pony foal elephant giraffe zebra deer stag doe
    fawn fox wolf bear rabbit bunny hare squirrel mouse rat whale dolphin shark fish turtle tortoise snake
    monkey ape gorilla chimpanzee cow bull calf ox sheep lamb goat pig cheetah leopard jaguar panther puma
    panda koala kangaroo camel buffalo bison antelope gazelle wildebeest hippo hippopotamus rhino
    rhinoceros crocodile alligator lizard frog toad octopus jellyfish seal otter beaver raccoon hedgehog
    dragon unicorn dinosaur retriever labrador poodle terrier husky prey beast creature herd pack
    stallion mare moose elk reindeer llama alpaca yak boar hyena meerkat lemur sloth orca stingray crab
    lobster insect spider ant"""
)

VEHICLES = _words(
    """car cars vehicle bus truck lorry taxi cab train tram streetcar subway bicycle bike motorcycle
    motorbike scooter moped boat ship sailboat yacht kayak canoe ferry gondola raft plane airplane
    aeroplane jet airliner helicopter drone spaceship spacecraft starship rocket submarine van limousine
    tractor carriage wagon cart sled sleigh skateboard balloon hot_air_balloon airship blimp jeep suv
    convertible racecar tank"""
)

CLOTHING = _words(
    """jacket coat dress shirt blouse t-shirt tshirt skirt pants trousers jeans shorts boot boots shoe
    shoes sneaker sneakers heel heels hat cap beanie scarf glove gloves sunglasses glasses goggles
    lipstick makeup necklace earring earrings bracelet suit tie bowtie uniform raincoat trench_coat
    hoodie sweater cardigan kimono robe gown cloak cape armor armour helmet mask veil belt sock socks
    sandal sandals tuxedo vest apron crown headphones headband bandana turban overalls pajamas swimsuit
    bikini parka poncho leggings stockings tights backpack handbag purse"""
)

PLACES = _words(
    """street road alley alleyway avenue boulevard lane city town village square plaza market bazaar park
    garden forest woods wood jungle rainforest savanna savannah grassland prairie plain desert dune beach
    shore coast coastline seaside ocean sea lake pond river stream creek waterfall mountain mountains hill
    valley canyon cliff field meadow farm farmland island harbor harbour port dock pier marina bay lagoon
    station platform airport highway freeway motorway intersection crossroads crosswalk sidewalk pavement
    skyline cityscape downtown neighborhood neighbourhood suburb rooftop room kitchen bedroom living_room
    bathroom office cafe café restaurant bar pub diner shop store mall library classroom studio stage
    theater theatre cinema gym hospital school space planet moon sky universe galaxy underwater reef cave
    glacier volcano swamp marsh tundra arctic countryside seabed seafloor orbit nebula pasture ranch lawn canal marketplace oasis campsite playground stadium arena corridor
    hallway backyard courtyard balcony pool trail path track racetrack runway tunnel bridge orchard
    vineyard cemetery graveyard battlefield ruins world landscape horizon snowfield iceberg riverbank
    waterfront boardwalk train_station space_station subway_station"""
)

STRUCTURES = _words(
    """building house home cabin cottage castle tower skyscraper lighthouse temple shrine pyramid church
    cathedral mosque palace windmill barn hut tent fence wall gate door window statue fountain monument
    warehouse factory mansion apartment hotel bridge arch pagoda igloo treehouse ruin ruins stairs
    staircase steps fireplace chimney dome column pillar"""
)

PLANTS = _words(
    """tree trees flower flowers rose tulip sunflower daisy lily orchid lotus grass bush shrub hedge vine
    ivy fern moss cactus palm oak pine maple birch willow bamboo leaf leaves blossom cherry_blossom
    wildflower wildflowers weed reed seaweed mushroom plant"""
)

LIGHTS = _words(
    """light lights lamp lantern streetlight streetlamp street_lamp street_light candle torch headlight
    headlights taillight firework fireworks fire campfire bonfire flame flames sun sunlight moonlight
    spotlight bulb chandelier billboard screen beam lightning glow neon neon_sign neon_signs sign
    signs fairy_lights star stars moon sparkler laser traffic_light"""
)

OBJECTS = _words(
    """kite knife tray umbrella book newspaper phone smartphone camera guitar violin piano drum cup mug
    glass bottle table chair bench sofa couch bed desk computer laptop keyboard screen ball bag box
    suitcase clock watch ring sword shield bow arrow flag map letter photo photograph painting mirror
    rope net nets ladder bucket basket ice_cream cone cake bread coffee tea wine food fruit apple log
    rock rocks stone boulder crystal crystals bubble bubbles sandcastle snowman toy doll balloon paper
    pen brush canvas microphone speaker radio television tv candle vase lipstick"""
)

# How many things a group or quantity word stands for ("a herd of elephants" -> 8).
QUANTITY_NOUNS: dict[str, int] = {
    "lot": 24,
    "lots": 24,
    "crowd": 24,
    "throng": 24,
    "sea": 24,
    "thousand": 40,
    "thousands": 40,
    "hundred": 30,
    "hundreds": 30,
    "million": 60,
    "millions": 60,
    "dozen": 12,
    "dozens": 16,
    "herd": 8,
    "flock": 12,
    "swarm": 20,
    "school": 10,
    "pack": 6,
    "group": 5,
    "pair": 2,
    "couple": 2,
    "bunch": 5,
    "handful": 4,
    "team": 5,
    "line": 6,
    "row": 6,
    "fleet": 6,
    "army": 30,
    "stream": 12,
    "procession": 12,
    "parade": 16,
    "cluster": 6,
    "set": 3,
}
QUANTIFIERS: dict[str, int] = {
    "many": 8,
    "numerous": 12,
    "countless": 30,
    "several": 4,
    "few": 3,
    "some": 3,
    "multiple": 4,
    "various": 4,
    "lots": 24,
    "both": 2,
    "a few": 3,
    "dozens": 16,
}
NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "hundred": 100,
    "a": 1,
    "an": 1,
    "single": 1,
    "lone": 1,
    "solitary": 1,
}
# Plural nouns that name a single thing (a pair of boots is one item worn).
PAIR_NOUNS = _words(
    """boots shoes sneakers heels sandals sunglasses glasses goggles gloves socks pants trousers jeans
    shorts leggings stockings tights earrings headphones overalls pajamas stairs steps ruins"""
)

MATERIALS = _words(
    """leather silk wool woolen cotton denim velvet lace fur metal metallic steel iron chrome glass wood
    wooden stone marble brick concrete plastic paper crystal diamond satin linen rubber bamboo ice sand
    straw tweed suede gold silver bronze copper porcelain ceramic clay canvas neon"""
)
SIZES = _words(
    """tiny small little big large huge giant massive enormous tall short long wide narrow vast gigantic
    towering miniature colossal immense petite tall slender thin thick"""
)
STYLE_WORDS = _words(
    """cinematic photorealistic realistic hyperrealistic anime cartoon animated watercolor watercolour
    noir cyberpunk steampunk vintage retro futuristic pastel minimalist surreal dreamy dreamlike dramatic
    moody epic documentary stylish chic elegant majestic gothic medieval ancient modern rustic
    whimsical fantasy magical mystical ethereal gritty cozy cosy glamorous sleek industrial baroque
    psychedelic vaporwave synthwave lofi"""
)
LIGHT_WORDS = _words(
    """glowing neon warm bright dim flickering shining shimmering sparkling twinkling glittering
    illuminated lit luminous radiant gleaming glistening blazing burning dazzling fluorescent
    incandescent backlit sunlit moonlit candlelit colorful colourful"""
)
SHAPE_WORDS = _words("round square circular curved straight jagged pointed spiral crooked flat")

WEATHER_NOUNS: dict[str, str] = {
    "rain": "rain",
    "rainfall": "rain",
    "downpour": "rain",
    "drizzle": "rain",
    "shower": "rain",
    "raindrop": "rain",
    "raindrops": "rain",
    "puddle": "rain",
    "puddles": "rain",
    "snow": "snow",
    "snowfall": "snow",
    "snowflake": "snow",
    "snowflakes": "snow",
    "blizzard": "snow",
    "sleet": "snow",
    "hail": "snow",
    "fog": "fog",
    "mist": "fog",
    "haze": "fog",
    "smog": "fog",
    "storm": "storm",
    "thunderstorm": "storm",
    "thunder": "storm",
    "lightning": "storm",
    "hurricane": "storm",
    "tornado": "storm",
    "wind": "wind",
    "breeze": "wind",
    "gust": "wind",
    "cloud": "clouds",
    "clouds": "clouds",
    "overcast": "clouds",
    "rainbow": "rainbow",
    "sunshine": "sun",
}
WEATHER_ADJECTIVES: dict[str, str] = {
    "rainy": "rain",
    "wet": "rain",
    "drizzly": "rain",
    "soaked": "rain",
    "snowy": "snow",
    "frosty": "snow",
    "icy": "snow",
    "foggy": "fog",
    "misty": "fog",
    "hazy": "fog",
    "smoky": "fog",
    "stormy": "storm",
    "thundery": "storm",
    "windy": "wind",
    "breezy": "wind",
    "cloudy": "clouds",
    "overcast": "clouds",
    "sunny": "sun",
    "clear": "sun",
}
WEATHER_VERBS: dict[str, str] = {"rain": "rain", "pour": "rain", "snow": "snow", "drizzle": "rain", "storm": "storm"}

TIME_WORDS: dict[str, str] = {
    "dawn": "dawn",
    "daybreak": "dawn",
    "sunrise": "dawn",
    "morning": "day",
    "noon": "day",
    "midday": "day",
    "afternoon": "day",
    "day": "day",
    "daytime": "day",
    "daylight": "day",
    "sunset": "sunset",
    "sundown": "sunset",
    "golden hour": "sunset",
    "dusk": "dusk",
    "twilight": "dusk",
    "evening": "dusk",
    "blue hour": "dusk",
    "night": "night",
    "nighttime": "night",
    "midnight": "night",
    "tonight": "night",
    "nightfall": "night",
}

CAMERA_TERMS = _words(
    """camera shot close-up closeup drone aerial pan tilt zoom dolly tracking track crane handheld
    slow_motion timelapse time-lapse pov angle lens frame footage establishing_shot wide_shot
    drone_shot close_up tracking_shot bird's-eye_view overhead_shot"""
)

# Setting of the whole scene, chosen from the main location's head noun.
SETTING_OF_PLACE: dict[str, str] = {
    **{
        w: "city_street"
        for w in _words(
            """street road alley alleyway avenue boulevard lane city town village square plaza
        intersection crossroads crosswalk sidewalk pavement downtown neighborhood neighbourhood suburb
        highway freeway motorway"""
        )
    },
    **{w: "market" for w in _words("market bazaar marketplace")},
    **{w: "savanna" for w in _words("savanna savannah grassland prairie plain")},
    **{w: "desert" for w in _words("desert dune dunes sahara oasis")},
    **{w: "skyline" for w in _words("skyline cityscape rooftop skyscraper")},
    **{
        w: "beach"
        for w in _words(
            """beach shore coast coastline seaside ocean sea bay lagoon harbor harbour port pier dock marina
        boardwalk waterfront island"""
        )
    },
    **{w: "forest" for w in _words("forest woods wood jungle rainforest swamp marsh trail campsite")},
    **{w: "park" for w in _words("park garden meadow playground backyard courtyard lawn")},
    **{w: "farm" for w in _words("farm farmland field orchard vineyard countryside ranch pasture barnyard")},
    **{w: "lake" for w in _words("lake pond river stream creek waterfall riverbank canal")},
    **{w: "bridge" for w in _words("bridge")},
    **{w: "snowfield" for w in _words("snowfield tundra arctic antarctica")},
    **{w: "mountain" for w in _words("mountain mountains hill valley canyon cliff glacier volcano")},
    **{w: "underwater" for w in _words("underwater reef seabed seafloor")},
    **{w: "sky" for w in _words("sky clouds heavens")},
    **{w: "space" for w in _words("space galaxy universe orbit planet nebula space_station")},
    **{
        w: "interior"
        for w in _words(
            """room kitchen bedroom living_room bathroom office cafe café restaurant bar pub diner shop store
        mall library classroom studio stage theater theatre cinema gym hospital corridor hallway station
        train_station subway_station platform apartment"""
        )
    },
}

# Well-known place names, so that "Tokyo street" is understood offline (no trained NER needed).
PLACE_NAMES = _words(
    """Tokyo Kyoto Osaka Paris London Rome Venice Berlin Madrid Barcelona Lisbon Amsterdam Prague Vienna
    Istanbul Moscow Dubai Cairo Marrakech Mumbai Delhi Bangkok Singapore Seoul Shanghai Beijing Hong_Kong
    Sydney Melbourne Rio Havana Mexico New_York Manhattan Brooklyn Chicago Boston Seattle San_Francisco
    Los_Angeles Hollywood Las_Vegas Miami Toronto Vancouver Iceland Japan China India Italy France Spain
    Greece Egypt Africa Kenya Sahara Amazon Arctic Antarctica Alaska Hawaii Scotland Ireland Norway
    Switzerland Alps Himalayas Everest Santorini Bali Mars Venus Jupiter Saturn Earth"""
)

ENTITY_TYPE_OF: dict[str, str] = {}
for _type, _vocab in (
    ("object", OBJECTS),
    ("plant", PLANTS),
    ("structure", STRUCTURES),
    ("place", PLACES),
    ("light", LIGHTS),
    ("clothing", CLOTHING),
    ("vehicle", VEHICLES),
    ("animal", ANIMALS),
    ("bird", BIRDS),
    ("person", PEOPLE),
):
    # later (more specific) vocabularies win: "robot" is a person-like figure, "crane" a bird
    ENTITY_TYPE_OF.update(dict.fromkeys(_vocab, _type))

# Labels the entity ruler gives, per vocabulary.
RULER_LABELS: dict[str, str] = {
    "person": "PERSON",
    "animal": "ANIMAL",
    "bird": "ANIMAL",
    "vehicle": "VEHICLE",
    "clothing": "CLOTHING",
    "light": "LIGHT",
    "object": "OBJECT",
    "place": "PLACE",
    "structure": "STRUCTURE",
    "plant": "PLANT",
}


def entity_type(lemma: str) -> str | None:
    """The ENTITY_TYPES value for a noun lemma, or None when the word is not in the vocabularies."""
    return ENTITY_TYPE_OF.get(lemma.lower())


def attribute_category(word: str) -> str | None:
    """The attribute category (colour, material, size, style, light, shape, state) of a modifier."""
    w = word.lower()
    if w in COLOURS:
        return "colour"
    if w in MATERIALS:
        return "material" if w != "neon" else "light"
    if w in SIZES:
        return "size"
    if w in LIGHT_WORDS:
        return "light"
    if w in STYLE_WORDS:
        return "style"
    if w in SHAPE_WORDS:
        return "shape"
    return None
