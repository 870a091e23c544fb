"""Small word lists: places and their adjectives, and words of opposite polarity."""

from __future__ import annotations

# Each line is one place: the country/region name forms and the adjectives/demonyms for it.
# Two words on the same line agree ("Slovakian" and "Slovak"); words on different lines do not
# ("Slovenian" vs "Slovak").
_PLACES = """
afghanistan afghan afghans afghani
albania albanian albanians
algeria algerian algerians
argentina argentine argentinian argentinean argentines argentinians
armenia armenian armenians
australia australian australians aussie
austria austrian austrians
azerbaijan azerbaijani azeri azerbaijanis
bangladesh bangladeshi bangladeshis
belarus belarusian belarusians byelorussian
belgium belgian belgians
bolivia bolivian bolivians
bosnia bosnian bosnians herzegovina
brazil brazilian brazilians
bulgaria bulgarian bulgarians
cambodia cambodian cambodians
cameroon cameroonian cameroonians
canada canadian canadians
chile chilean chileans
china chinese prc
colombia colombian colombians
croatia croatian croat croats croatians
cuba cuban cubans
cyprus cypriot cypriots
czechia czech czechs czechoslovakia czechoslovak
denmark danish dane danes
ecuador ecuadorian ecuadorians
egypt egyptian egyptians
england english englishman englishwoman
estonia estonian estonians
ethiopia ethiopian ethiopians
finland finnish finn finns
france french frenchman frenchwoman
georgia georgian georgians
germany german germans
ghana ghanaian ghanaians
greece greek greeks hellenic
hungary hungarian hungarians magyar
iceland icelandic icelander icelanders
india indian indians
indonesia indonesian indonesians
iran iranian iranians persian
iraq iraqi iraqis
ireland irish irishman
israel israeli israelis
italy italian italians
jamaica jamaican jamaicans
japan japanese
jordan jordanian jordanians
kazakhstan kazakh kazakhs kazakhstani
kenya kenyan kenyans
korea korean koreans
kosovo kosovar kosovan
kuwait kuwaiti kuwaitis
latvia latvian latvians
lebanon lebanese
libya libyan libyans
lithuania lithuanian lithuanians
luxembourg luxembourgish luxembourger
malaysia malaysian malaysians
mexico mexican mexicans
moldova moldovan moldovans
mongolia mongolian mongolians
montenegro montenegrin montenegrins
morocco moroccan moroccans
nepal nepalese nepali
netherlands dutch holland dutchman
nigeria nigerian nigerians
norway norwegian norwegians
pakistan pakistani pakistanis
peru peruvian peruvians
philippines filipino filipinos philippine filipina
poland polish pole poles
portugal portuguese
qatar qatari qataris
romania romanian romanians
russia russian russians
saudi saudis
scotland scottish scot scots scotsman
serbia serbian serbs serb serbians
singapore singaporean singaporeans
slovakia slovak slovakian slovaks slovakians
slovenia slovenian slovene slovenes slovenians
somalia somali somalis
spain spanish spaniard spaniards
sweden swedish swede swedes
switzerland swiss
syria syrian syrians
taiwan taiwanese
thailand thai thais
tunisia tunisian tunisians
turkey turkish turk turks
ukraine ukrainian ukrainians
venezuela venezuelan venezuelans
vietnam vietnamese
wales welsh welshman
yemen yemeni yemenis
zimbabwe zimbabwean zimbabweans
america american americans usa
britain british briton britons uk
africa african africans
europe european europeans
asia asian asians
"""

PLACE_GROUP: dict[str, int] = {}
for _i, _line in enumerate(row for row in _PLACES.split("\n") if row.strip()):
    for _w in _line.split():
        PLACE_GROUP.setdefault(_w, _i)

# Continents/unions contain countries: a continent word never "conflicts" with a country.
REGION_WORDS = frozenset(
    {
        "america",
        "africa",
        "african",
        "africans",
        "europe",
        "european",
        "europeans",
        "asia",
        "asian",
        "asians",
        "britain",
        "british",
        "briton",
        "britons",
        "uk",
        "korea",
        "korean",
        "koreans",
        "georgia",
        "georgian",
        "georgians",
        "jordan",
    }
)

# Pairs of words (already folded to lower case) whose swap flips a claim.
_OPPOSITES = """
for against
agreed refused
agree refuse
agrees refuses
accepted rejected
accept reject
accepts rejects
approved rejected
approve reject
won lost
win lose
wins loses
winning losing
winner loser
victory defeat
increase decrease
increased decreased
increases decreases
increasing decreasing
rise fall
rose fell
risen fallen
rising falling
higher lower
highest lowest
larger smaller
largest smallest
biggest smallest
bigger smaller
best worst
better worse
most least
maximum minimum
before after
earlier later
earliest latest
first last
male female
men women
man woman
alive dead
living dead
positive negative
success failure
successful unsuccessful
allowed banned
allow ban
legal illegal
include exclude
included excluded
support oppose
supported opposed
supports opposes
north south
east west
northern southern
eastern western
open closed
opened closed
start end
started ended
began ended
entered left
joined left
gained lost
gain loss
profit loss
up down
above below
inside outside
true false
guilty innocent
convicted acquitted
ally enemy
public private
domestic foreign
ancient modern
old new
older younger
oldest youngest
longer shorter
longest shortest
fastest slowest
always never
all none
majority minority
full empty
hired fired
born died
wet dry
rich poor
easy difficult
light heavy
hot cold
"""

OPPOSITE: dict[str, frozenset[str]] = {}
for _line in _OPPOSITES.strip().split("\n"):
    _a, _b = _line.split()
    OPPOSITE[_a] = OPPOSITE.get(_a, frozenset()) | {_b}
    OPPOSITE[_b] = OPPOSITE.get(_b, frozenset()) | {_a}

# Verbs after which "for"/"against" carry the polarity ("voted against", "argued for").
POLARITY_VERBS = frozenset(
    {
        "vote",
        "voted",
        "votes",
        "voting",
        "campaigned",
        "campaign",
        "argued",
        "argue",
        "spoke",
        "lobbied",
        "ruled",
        "rule",
        "testified",
        "fought",
        "decided",
        "came",
        "out",
    }
)

SAY_VERBS = frozenset(
    {
        "said",
        "says",
        "say",
        "told",
        "tells",
        "added",
        "adds",
        "stated",
        "states",
        "wrote",
        "writes",
        "explained",
        "declared",
        "claimed",
        "claims",
        "insisted",
        "asked",
        "noted",
        "argued",
        "remarked",
        "replied",
        "tweeted",
        "recalled",
        "warned",
        "according",
    }
)

SUPERLATIVE_MARKERS = frozenset({"only", "sole", "solely", "exclusively", "all", "every", "entire"})
