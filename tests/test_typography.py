"""Tests for the German typography pass."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookpress.typography import _RULES, Guess, smarten, smarten_segments

NB = "\u00a0"  # no-break space
NN = "\u202f"  # narrow no-break space

# (id, input, expected)
CASES: list[tuple[str, str, str]] = [
    # --- double quotes
    ("quote-after-colon", 'Er sagte: "Komm."', "Er sagte: „Komm.“"),
    ("quote-opens-paragraph", '"Wirklich?", fragte sie.', "„Wirklich?“, fragte sie."),
    ("quote-before-comma", '"Ja", sagte sie.', "„Ja“, sagte sie."),
    ("quote-before-bang", '"Ja"!', "„Ja“!"),
    ("quote-in-parens", '("Ja")', "(„Ja“)"),
    (
        "quote-closes-paragraph",
        'Sie rief: "Das ist alles."',
        "Sie rief: „Das ist alles.“",
    ),
    (
        "quote-after-en-dash",
        'Er rief – "so" – und ging.',
        f"Er rief{NB}– „so“{NB}– und ging.",
    ),
    ("quote-glued-to-dash", 'Sie zögerte –"Nein."', "Sie zögerte –„Nein.“"),
    ("quote-after-slash", 'Ja/"Nein"', "Ja/„Nein“"),
    ("quote-closes-after-dash", '"Aber –", sagte er.', "„Aber –“, sagte er."),
    ("two-quotes", '"Ja" und "Nein"', "„Ja“ und „Nein“"),
    ("quote-after-digit", 'Die "7" war es.', "Die „7“ war es."),
    ("quote-after-newline", 'Er sagte:\n"Gut."', "Er sagte:\n„Gut.“"),
    ("typographic-left-alone", "„Schon“ ‚fertig‘", "„Schon“ ‚fertig‘"),
    ("mixed-typographic-close", '„Aber –"', "„Aber –“"),
    # --- nested quotes
    ("nested-at-start", "\"'Nein', sagte er.\"", "„‚Nein‘, sagte er.“"),
    (
        "nested-in-middle",
        "Er sagte: \"Sie rief 'Halt!' und lief.\"",
        "Er sagte: „Sie rief ‚Halt!‘ und lief.“",
    ),
    ("nested-at-end", "\"Er sagte 'Ja'\"", "„Er sagte ‚Ja‘“"),
    ("single-quoted-word", "Das Wort 'so' ist kurz.", "Das Wort ‚so‘ ist kurz."),
    # --- apostrophes
    ("apostrophe-gehts", "Wie geht's?", "Wie geht’s?"),
    ("apostrophe-gibts", "Gibt's das?", "Gibt’s das?"),
    ("apostrophe-kudamm", "Auf dem Ku'damm", "Auf dem Ku’damm"),
    ("apostrophe-decade", "die '90er Jahre", "die ’90er Jahre"),
    ("apostrophe-es", "'s ist kalt.", "’s ist kalt."),
    ("apostrophe-ein", "So 'n Zufall!", "So ’n Zufall!"),
    ("apostrophe-eine", "Das ist 'ne Frage.", "Das ist ’ne Frage."),
    ("apostrophe-genitive", "Hans' Haus", "Hans’ Haus"),
    (
        "apostrophe-genitive-buch",
        "Hans' Buch und Klaus' Rad",
        "Hans’ Buch und Klaus’ Rad",
    ),
    ("apostrophe-inside-quote", '"Wie geht\'s?"', "„Wie geht’s?“"),
    (
        "apostrophe-after-closed-single",
        "'Nein', sagte Hans' Freund.",
        "‚Nein‘, sagte Hans’ Freund.",
    ),
    # --- dashes
    ("dash-hyphen", "Wort - Wort", f"Wort{NB}– Wort"),
    ("dash-double", "Wort -- Wort", f"Wort{NB}– Wort"),
    ("dash-triple", "Wort --- Wort", f"Wort{NB}– Wort"),
    ("dash-existing-en", "Wort – Wort", f"Wort{NB}– Wort"),
    ("dash-before-newline", "Er kam -\nund ging.", f"Er kam{NB}–\nund ging."),
    ("dash-line-start", "-- nur so", "-- nur so"),
    ("range-double-hyphen", "1990--2000", "1990–2000"),
    ("range-hyphen", "1990-2000", "1990–2000"),
    ("range-pages", "S. 10-12", f"S.{NB}10–12"),
    ("range-decimal-comma", "1,5-2,5 Liter", "1,5–2,5 Liter"),
    ("iso-date-untouched", "am 2024-01-15", "am 2024-01-15"),
    ("phone-untouched", "Tel. 030-123456", "Tel. 030-123456"),
    ("hyphen-email-word", "E-Mail", "E-Mail"),
    ("hyphen-know-how", "Know-how", "Know-how"),
    ("hyphen-digit-word", "2-fach", "2-fach"),
    ("hyphen-compound", "Ost-West-Konflikt", "Ost-West-Konflikt"),
    # --- ellipsis
    ("ellipsis", "Und dann...", "Und dann…"),
    ("ellipsis-spaced", "Und dann . . .", "Und dann …"),
    ("ellipsis-in-quote", '"Nun..." sagte er.', "„Nun…“ sagte er."),
    # --- abbreviations
    ("abbr-zb", "z. B. heute", f"z.{NN}B. heute"),
    ("abbr-zb-tight", "z.B. heute", f"z.{NN}B. heute"),
    ("abbr-zb-capital", "Z. B. heute", f"Z.{NN}B. heute"),
    ("abbr-dh", "d. h. also", f"d.{NN}h. also"),
    ("abbr-ua", "u. a. er", f"u.{NN}a. er"),
    ("abbr-zt", "z. T. neu", f"z.{NN}T. neu"),
    ("abbr-oae", "Tee o. Ä.", f"Tee o.{NN}Ä."),
    ("abbr-uu", "u. U. nie", f"u.{NN}U. nie"),
    ("abbr-va", "v. a. hier", f"v.{NN}a. hier"),
    ("abbr-idr", "i. d. R. so", f"i.{NN}d.{NN}R. so"),
    ("abbr-idr-tight", "i.d.R. so", f"i.{NN}d.{NN}R. so"),
    ("abbr-so", "wie s. o. gesagt", f"wie s.{NN}o. gesagt"),
    ("abbr-su", "wie s. u. gezeigt", f"wie s.{NN}u. gezeigt"),
    ("abbr-me", "m. E. falsch", f"m.{NN}E. falsch"),
    ("abbr-uvm", "Brot u. v. m.", f"Brot u.{NN}v.{NN}m."),
    ("abbr-zzt", "z. Zt. krank", f"z.{NN}Zt. krank"),
    ("abbr-not-in-word", "Netz. B. kam", "Netz. B. kam"),
    # --- titles and names
    ("title-dr", "Dr. Laurencon", f"Dr.{NB}Laurencon"),
    ("title-prof-dr", "Prof. Dr. Meier", f"Prof.{NB}Dr.{NB}Meier"),
    ("title-dipl-ing", "Dipl.-Ing. Weber", f"Dipl.-Ing.{NB}Weber"),
    ("title-nr", "Nr. 5", f"Nr.{NB}5"),
    ("title-abb-kap-bd", "Abb. 3, Kap. 2, Bd. 1", f"Abb.{NB}3, Kap.{NB}2, Bd.{NB}1"),
    ("title-hr-fr", "Hr. Meier und Fr. Schulz", f"Hr.{NB}Meier und Fr.{NB}Schulz"),
    ("paragraph-sign", "nach § 5 BGB", f"nach §{NB}5 BGB"),
    # --- numbers and units
    ("percent", "20 % mehr", f"20{NN}% mehr"),
    ("permille", "0,5 ‰", f"0,5{NN}‰"),
    ("unit-km", "5 km weit", f"5{NN}km weit"),
    ("unit-euro-sign", "12,50 €", f"12,50{NB}€"),
    ("unit-eur", "100 EUR", f"100{NB}EUR"),
    ("unit-kg-min", "3 kg in 10 min", f"3{NN}kg in 10{NN}min"),
    ("unit-cm", "3 cm", f"3{NN}cm"),
    ("unit-celsius", "20 °C warm", f"20{NN}°C warm"),
    ("unit-speed", "90 km/h und 5 m/s", f"90{NN}km/h und 5{NN}m/s"),
    ("unit-not-before-slash", "5 m/min", "5 m/min"),
    ("unit-not-a-letter-grade", "Klasse 5 A", "Klasse 5 A"),
    ("unit-mio", "2 Mio. Einwohner", f"2{NB}Mio. Einwohner"),
    ("unit-prozent", "5 Prozent", f"5{NB}Prozent"),
    ("no-unit-jahre", "5 Jahre", "5 Jahre"),
    ("no-unit-word-start", "5 mal", "5 mal"),
    ("date-month", "am 1. Januar", f"am 1.{NB}Januar"),
    ("date-month-abbr", "am 24. Dez. 2024", f"am 24.{NB}Dez. 2024"),
    ("digit-groups", "10 000 Menschen", f"10{NN}000 Menschen"),
    ("digit-groups-long", "1 000 000 Euro", f"1{NN}000{NN}000{NB}Euro"),
    ("digit-groups-not-years", "Im Jahr 1990 200 Leute", "Im Jahr 1990 200 Leute"),
    # --- versions: a name and its number kept together
    ("version-product", "Windows 11 und Java 21", f"Windows{NB}11 und Java{NB}21"),
    ("version-dotted", "Python 3.11 oder Web 2.0", f"Python{NB}3.11 oder Web{NB}2.0"),
    ("version-section", "Kapitel 3.2 zeigt", f"Kapitel{NB}3.2 zeigt"),
    ("version-product-sentence-end", "mit Python 3.11.", f"mit Python{NB}3.11."),
    ("version-not-a-year", "im Jahr 2020 kam", "im Jahr 2020 kam"),
    ("version-not-lowercase", "mit 3.5 Punkten", "mit 3.5 Punkten"),
    ("version-not-thousands", "Über 2.500 Leute", "Über 2.500 Leute"),
    ("version-not-date", "Stand 3.10.2020", "Stand 3.10.2020"),
    ("version-not-date-short", "Montag 3.10. kam", "Montag 3.10. kam"),
    ("version-not-glued", "Faktor 3.11-fach", "Faktor 3.11-fach"),
    ("version-not-in-compound", "Ost-Berlin 2.0", "Ost-Berlin 2.0"),
    # --- spaces
    ("spaces-doubled", "ein  Wort   mehr", "ein Wort mehr"),
    ("spaces-no-break-wins", "Nr.\u00a0 5", f"Nr.{NB}5"),
    ("spaces-narrow-wins", "5 \u202f%", f"5{NN}%"),
    ("spaces-thin", "a\u2009\u2009b", "a\u2009b"),
    ("spaces-then-dash", "Wort  - Wort", f"Wort{NB}– Wort"),
    ("spaces-then-unit", "5  km", f"5{NN}km"),
    ("spaces-newline-kept", "Wort \nWort", "Wort \nWort"),
    ("parens-inner-spaces", "( so ) und [ … ]", "(so) und […]"),
    ("parens-one-side", "(so ) und ( so)", "(so) und (so)"),
    ("parens-empty-kept", "( )", "( )"),
    ("parens-outer-spaces-kept", "Wort (so) Wort", "Wort (so) Wort"),
    # --- URLs and e-mail
    (
        "url-untouched",
        'Siehe https://example.org/a--b...c "x"',
        "Siehe https://example.org/a--b...c „x“",
    ),
    (
        "url-in-quotes",
        '"https://example.org/x" - ok',
        f"„https://example.org/x“{NB}– ok",
    ),
    ("www-untouched", "www.example.org/a--b...c", "www.example.org/a--b...c"),
    ("url-in-single-quotes", "'https://example.org/x'", "‚https://example.org/x‘"),
    (
        "email-untouched",
        "an max--1@example.org schreiben",
        "an max--1@example.org schreiben",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_smarten(text: str, expected: str) -> None:
    assert smarten(text) == expected


@pytest.mark.parametrize("expected", [c[2] for c in CASES], ids=[c[0] for c in CASES])
def test_idempotent(expected: str) -> None:
    assert smarten(expected) == expected
    assert smarten_segments([expected])[1] == []


# (id, segments, frozen, expected segments)
SEGMENT_CASES: list[tuple[str, list[str], frozenset[int], list[str]]] = [
    (
        "quote-across-segments",
        ['Er sagte "', "hallo", '" und ging.'],
        frozenset(),
        ["Er sagte „", "hallo", "“ und ging."],
    ),
    (
        "nested-across-segments",
        ['"', "'Nein'", ', sagte er."'],
        frozenset(),
        ["„", "‚Nein‘", ", sagte er.“"],
    ),
    (
        "frozen-code",
        ['Nutze "', 'a--b "x"...', '" - fertig'],
        frozenset({1}),
        ["Nutze „", 'a--b "x"...', f"“{NB}– fertig"],
    ),
    (
        "frozen-closes-quote",
        ["Der Befehl ", "ls", '" war "', "rm", '".'],
        frozenset({1, 3}),
        ["Der Befehl ", "ls", "“ war „", "rm", "“."],
    ),
    (
        "frozen-opens-quote",
        ['"', "code", '"'],
        frozenset({1}),
        ["„", "code", "“"],
    ),
    (
        "title-before-frozen",
        ["Siehe Nr. ", "42"],
        frozenset({1}),
        [f"Siehe Nr.{NB}", "42"],
    ),
    (
        "dash-across-segments",
        ["Wort ", "- Wort"],
        frozenset(),
        [f"Wort{NB}", "– Wort"],
    ),
    (
        "ellipsis-across-segments",
        ["Und ..", ". dann"],
        frozenset(),
        ["Und …", " dann"],
    ),
    ("empty-segments", ["", '"Ja"', ""], frozenset(), ["", "„Ja“", ""]),
    (
        "code-keeps-its-spaces-units-and-parens",
        ["Nutze  ", "a  b ( 5 % ) Python 3.11", "  hier"],
        frozenset({1}),
        ["Nutze ", "a  b ( 5 % ) Python 3.11", " hier"],
    ),
    ("spaces-across-segments", ["ein ", " Wort"], frozenset(), ["ein ", "Wort"]),
    ("no-break-space-across-segments", ["ein ", "\u00a0Wort"], frozenset(), ["ein\u00a0", "Wort"]),
    ("parens-around-code", ["( ", "x", " )"], frozenset({1}), ["(", "x", ")"]),
    ("version-before-code", ["Python ", "3.11"], frozenset({1}), ["Python ", "3.11"]),
]


@pytest.mark.parametrize(
    ("segments", "frozen", "expected"),
    [c[1:] for c in SEGMENT_CASES],
    ids=[c[0] for c in SEGMENT_CASES],
)
def test_smarten_segments(segments: list[str], frozen: frozenset[int], expected: list[str]) -> None:
    out, _ = smarten_segments(segments, frozen=frozen)
    assert out == expected
    again, guesses = smarten_segments(out, frozen=frozen)
    assert again == out
    assert guesses == []


def test_guesses_for_quotes_apostrophe_and_dash() -> None:
    _, guesses = smarten_segments(['Er sagte "geht\'s" - ', "ja"])
    assert guesses == [
        Guess(9, '"', "„", "quote"),
        Guess(14, "'", "’", "apostrophe"),
        Guess(16, '"', "“", "quote"),
        Guess(18, "-", "–", "dash"),
    ]


def test_guesses_for_ranges_and_nested_quotes() -> None:
    _, guesses = smarten_segments(["\"'A'\" 1990--2000"])
    assert [(g.offset, g.original, g.replacement, g.kind) for g in guesses] == [
        (0, '"', "„", "quote"),
        (1, "'", "‚", "quote"),
        (3, "'", "‘", "quote"),
        (4, '"', "“", "quote"),
        (10, "--", "–", "dash"),
    ]


def test_guesses_point_into_the_text_as_written_after_spaces_collapse() -> None:
    text = 'Er  sagte   "ja"  - gut'
    _, guesses = smarten_segments([text])
    assert [(g.offset, text[g.offset]) for g in guesses] == [(12, '"'), (15, '"'), (18, "-")]


def test_english_marks_and_straight_quotes_elsewhere() -> None:
    assert smarten_segments(["\"Hi\", it's 'so'"], language="en")[0] == ["“Hi”, it’s ‘so’"]
    assert smarten_segments(['"Salut" - oui'], language="fr")[0] == [f'"Salut"{NB}– oui']


def test_no_guesses_for_certain_rules() -> None:
    assert smarten_segments(["z. B. 5 km ... Dr. Meier"])[1] == []


def test_frozen_and_url_give_no_guesses() -> None:
    _, guesses = smarten_segments(['"x" -- y', " https://a.org/a--b/.../z"], frozen=frozenset({0}))
    assert guesses == []


def test_segment_count_is_kept() -> None:
    segments = ["a", "", "b - c", "", '"d"']
    out, _ = smarten_segments(segments)
    assert len(out) == len(segments)


def test_smarten_matches_single_segment() -> None:
    text = 'Er sagte: "Das geht\'s z.B. -- 10-12 km..."'
    assert smarten(text) == smarten_segments([text])[0][0]


# What the rules act on, and what stands next to it: digits, dots, spaces, dashes, units,
# and a piece of text each rule changes, so that every rule matches often.
_CHARACTERS = [
    *"0123456789 .,-–—§%‰'\"xzBdhaSkm\u00a0\u202f\n()[]\t",
    *["Dr", "ca", "Chr", "Mai", "Jan", "Zt", "€", "Python", "Web", "km/h"],
]
_CHANGED = [
    "...",
    "a - b",
    "a – b",
    "3-4",
    "z. B.",
    "Dr. Meier",
    "§ 3",
    "5 %",
    "5 ‰",
    "5 km",
    "1. Mai",
    "1 000",
    "( a )",
    "Python 3.11",
    "Windows 11",
]
_RULE_TEXT = st.lists(st.sampled_from([*_CHARACTERS, *_CHANGED]), max_size=30).map("".join)


@settings(max_examples=1000, deadline=None)
@given(text=_RULE_TEXT)
def test_a_rule_skips_only_texts_it_cannot_match(text: str) -> None:
    # A rule's `needs` lets the pass skip a text: it must be in every match of the rule.
    for rule in _RULES:
        if rule.needs is not None and rule.pattern.search(text):
            assert rule.needs(text), (rule.pattern.pattern, text)
