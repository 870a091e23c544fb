from verification.engine import ClaimInput, SourceInput, crosscheck


def _findings(claim, source, kind):
    result = crosscheck(ClaimInput(claim), [SourceInput("s0", source)])
    return [f for f in result.findings if f.kind == kind]


def test_slovakian_agrees_with_slovak():
    [f] = _findings("The Slovakian team won.", "The Slovak team won.", "name")
    assert f.outcome == "agrees"
    assert f.message == "name agrees: the claim says Slovakian, the source says Slovak"


def test_slovenian_conflicts_with_slovak():
    [f] = _findings("The Slovenian team won.", "The Slovak team won.", "name")
    assert f.outcome == "conflicts"
    assert "Slovenian" in f.message and "Slovak" in f.message


def test_country_agrees_with_its_adjective():
    [f] = _findings("The film was made in France.", "It is a French film.", "name")
    assert f.outcome == "agrees"


def test_american_film_conflicts_with_france():
    found = _findings(
        "The Fly is a film from France.",
        "The Fly is a 1986 American science fiction horror film.",
        "name",
    )
    assert [f.outcome for f in found] == ["conflicts"]


def test_transliteration_variant_is_flagged_not_failed():
    [f] = _findings("Muammar Gaddafi gave a speech.", "Muammar Qaddafi gave a speech.", "name")
    assert f.outcome == "info"
    assert "Gaddafi" in f.message and "Qaddafi" in f.message


def test_name_absent_from_the_source_is_missing():
    [f] = _findings("Tejas Networks sells handsets.", "Indus Towers sells handsets.", "name")
    assert f.outcome == "missing"
    assert "Tejas Networks" in f.message


def test_voted_against_conflicts_with_voted_for():
    [f] = _findings(
        "The senator voted against the bill.", "The senator voted for the bill.", "polarity"
    )
    assert f.outcome == "conflicts"
    assert "'against'" in f.message and "'for'" in f.message


def test_refused_conflicts_with_agreed():
    [f] = _findings("The union refused the offer.", "The union agreed to the offer.", "polarity")
    assert f.outcome == "conflicts"


def test_negation_on_one_side_is_reported():
    [f] = _findings("The mayor did not sign the order.", "The mayor signed the order.", "negation")
    assert f.outcome == "conflicts"
    assert "'not'" in f.message


def test_negation_on_both_sides_is_not_a_conflict():
    assert _findings("The mayor did not sign it.", "The mayor did not sign it.", "negation") == []


# The best passage quotes the words without the name; the name is on another line, after a
# different Dmitry, as in the demo's misattributed quote.
SPOKESPERSON_CLAIM = (
    "Dmitry Peskov said the neighbours would see the latest samples of Russian weapons."
)
SPOKESPERSON_SOURCE = "\n".join(
    [
        "Former Russian President Dmitry Medvedev threatened to arm North Korea if South Korea "
        "sends weapons to Ukraine.",
        "The neighbours would see the latest samples of Russian weapons, the Telegram post said.",
        "Seoul said it would review its policy on arms exports after the warning.",
        "{spokesperson} called the plan unfortunate.",
    ]
)


def _name_elsewhere(source):
    found = _findings(SPOKESPERSON_CLAIM, source, "name")
    [f] = [f for f in found if "elsewhere in the source" in f.message]
    return f, source[f.source_start : f.source_end]


def test_name_elsewhere_in_the_source_points_at_the_whole_name_where_it_occurs():
    source = SPOKESPERSON_SOURCE.format(spokesperson="Kremlin spokesperson Dmitry Peskov")
    finding, highlighted = _name_elsewhere(source)
    assert finding.message.endswith(": Dmitry Peskov")
    assert highlighted == "Dmitry Peskov"
    assert finding.source_start == source.index("Dmitry Peskov")


def test_name_split_across_the_source_points_at_the_family_name_not_another_dmitry():
    source = SPOKESPERSON_SOURCE.format(spokesperson="A Kremlin spokesperson, Mr Peskov,")
    finding, highlighted = _name_elsewhere(source)
    assert highlighted == "Peskov"
    assert finding.source_start == source.index("Peskov")
