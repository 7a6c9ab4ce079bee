"""Write a book-length bookpress project of generated German essay prose, for benchmarks.

    .venv/bin/python scripts/bench_corpus.py OUT_DIR --words 100000 [--chapters 30] [--seed 1] [--volumes 1]

The project is laid out like the sample series: ``manuscript/book.toml``, one folder of
numbered chapters per volume (``band-1/01-….md``), the author page, ``hyphenation.txt``,
``images/`` with a chart (PNG, over 300 ppi at the printed text width) and a copy of the
repository's ``styles/``. Each chapter has front matter, ``##`` and ``###`` headings,
paragraphs of varied length with quotes typed straight, numbers and abbreviations,
footnotes, bullet and numbered lists and block quotes; some chapters of every volume have
a table or the chart.

``--words`` counts what ``bookpress stats`` counts for the chapters (titles, subtitles,
body and footnotes), split over the chapters with some variation; the author page comes
on top. A longer book gets more chapters of the same length rather than longer ones:
without ``--chapters`` there is one per 3,333 words (100,000 words: 30 chapters,
400,000 words: 120), divided evenly over ``--volumes``.

The prose comes from word lists and sentence templates in this file, combined by a
``random.Random`` seeded with ``--seed``: the same arguments write byte-identical files.
``make_project()`` does the same for other scripts and tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
WORDS_PER_CHAPTER = 3333
WORD = re.compile(r"\w+(?:[-’'.]\w+)*")  # how bookpress stats counts words
IMAGE = "images/verlauf.png"
TEXT_WIDTH_MM = 120 - 20 - 14  # trim width minus inner and outer margin, as in [print] below
IMAGE_PX = (1200, 640)  # 1200 px over 86 mm: 354 ppi


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


# --- word lists: nouns as "singular/plural/gender" ("-" for no plural)

NOUNS = """
Wandel/-/m Prozess/Prozesse/m Austausch/-/m Auftrag/Aufträge/m Markt/Märkte/m Plan/Pläne/m
Versuch/Versuche/m Bericht/Berichte/m Konflikt/Konflikte/m Fehler/Fehler/m Standort/Standorte/m
Zweifel/Zweifel/m Spielraum/Spielräume/m Alltag/-/m Vertrag/Verträge/m Maßstab/Maßstäbe/m
Zusammenhang/Zusammenhänge/m Umbruch/Umbrüche/m Entwurf/Entwürfe/m Beitrag/Beiträge/m
Kompromiss/Kompromisse/m Termin/Termine/m Kanal/Kanäle/m Rückblick/Rückblicke/m Fachkräftemangel/-/m
Abteilung/Abteilungen/f Entscheidung/Entscheidungen/f Führungskraft/Führungskräfte/f
Organisation/Organisationen/f Strategie/Strategien/f Planung/Planungen/f Verantwortung/-/f
Unsicherheit/Unsicherheiten/f Gewohnheit/Gewohnheiten/f Besprechung/Besprechungen/f
Erfahrung/Erfahrungen/f Frage/Fragen/f Lösung/Lösungen/f Struktur/Strukturen/f Kultur/Kulturen/f
Rolle/Rollen/f Aufgabe/Aufgaben/f Maßnahme/Maßnahmen/f Übergabe/Übergaben/f Gruppe/Gruppen/f
Zusammenarbeit/-/f Rückmeldung/Rückmeldungen/f Haltung/Haltungen/f Veränderung/Veränderungen/f
Routine/Routinen/f Schnittstelle/Schnittstellen/f Weiterbildung/Weiterbildungen/f
Videokonferenz/Videokonferenzen/f Geschäftsführung/-/f Größe/Größen/f Einarbeitung/-/f
Team/Teams/n Netzwerk/Netzwerke/n Projekt/Projekte/n Wissen/-/n Gespräch/Gespräche/n Ziel/Ziele/n
Vertrauen/-/n Unternehmen/Unternehmen/n Budget/Budgets/n Risiko/Risiken/n Werkzeug/Werkzeuge/n
Muster/Muster/n Verhältnis/Verhältnisse/n Signal/Signale/n Ergebnis/Ergebnisse/n
Protokoll/Protokolle/n Angebot/Angebote/n Gleichgewicht/-/n Verfahren/Verfahren/n
Lernen/-/n Missverständnis/Missverständnisse/n Bürogebäude/Bürogebäude/n
"""
# Compounds: a first part (with its linking s) and a head noun from NOUNS.
FIRST_PARTS = _split(
    "Arbeits Führungs Wissens Projekt Team Lern Netzwerk Kunden Entscheidungs Veränderungs "
    "Qualitäts Markt Übergangs Abstimmungs Gesprächs Jahres Wochen Schulungs Berufs Kommunikations"
)
HEADS = _split(
    "Kultur Prozess Struktur Alltag Plan Gespräch Routine Ziel Werkzeug Muster Verfahren Rolle "
    "Aufgabe Wissen Signal Risiko Kanal Maßstab Bericht Gruppe Rückblick"
)
ADJECTIVES = _split(
    "klar offen gemeinsam verlässlich unsicher schnell langsam informell formal digital hybrid "
    "kurzfristig langfristig eigen zentral kleinteilig groß schwierig ehrlich knapp vorsichtig "
    "mutig bewährt gewohnt verteilt international interkulturell los dicht wöchentlich täglich "
    "fremd unübersichtlich überraschend nüchtern stabil spürbar heimlich älter jünger neu"
)
PREDICATES = _split(
    "banal selbstverständlich einfach mühsam anspruchsvoll ungewohnt riskant vernünftig "
    "naheliegend unbequem teuer lehrreich überfällig"
)
VERBS = _split(  # transitive, accusative object: third person singular / infinitive
    "verändert/verändern braucht/brauchen prägt/prägen erschwert/erschweren stärkt/stärken "
    "unterschätzt/unterschätzen übersieht/übersehen schützt/schützen ersetzt/ersetzen "
    "verlangt/verlangen erleichtert/erleichtern bremst/bremsen beschleunigt/beschleunigen "
    "überfordert/überfordern trägt/tragen ordnet/ordnen verdeckt/verdecken ermöglicht/ermöglichen "
    "gefährdet/gefährden begünstigt/begünstigen überschätzt/überschätzen klärt/klären"
)
DATIVE_VERBS = _split("hilft/helfen schadet/schaden fehlt/fehlen nützt/nützen gehört/gehören")
IMPERATIVES = _split("klären benennen aufschreiben prüfen teilen vereinbaren begrenzen festhalten")
FRONTED = (
    "Oft",
    "Im Alltag",
    "Auf Dauer",
    "In vielen Fällen",
    "Gerade in unsicheren Zeiten",
    "Nach einigen Wochen",
    "Spätestens im dritten Quartal",
    "Bei genauerem Hinsehen",
    "Im besten Fall",
    "Schon heute",
    "Ausgerechnet in der Krise",
    "Über die Jahre",
    "Fast immer",
    "Im Großraumbüro",
)
CONJUNCTIONS = ("weil", "wenn", "obwohl", "sobald", "solange", "während", "da", "bevor")
TAILS = (
    "und das ist erst der Anfang",
    "nicht mehr und nicht weniger",
    "meist ohne dass es jemand bemerkt",
    "oft schneller, als allen lieb ist",
    "und zwar an einer Stelle, an der niemand sucht",
    "selbst dann, wenn alle Beteiligten es besser wissen",
)
FIRST_NAMES = {
    "f": _split("Bärbel Jana Svenja Merle Aylin Katrin Hülya Annegret Lucía Frauke Maren Zofia"),
    "m": _split("Jörg Tobias Mehmet Günter Lars Henrik Björn Matthias Ole Karim Uwe Piotr"),
}
LAST_NAMES = _split(
    "Krüger Weißmann Böhm Schäfer Hoffmann Lindqvist Okafor Demir Nowak Fischer Brandstätter "
    "Müller-Ebert Großkopf Adeyemi Strauß Köhler Jäger Wölfel Ostrowski Haßelbach"
)
ROLES = {
    "f": _split(
        "Teamleiterin Personalentwicklerin Projektleiterin Community-Managerin Werkleiterin "
        "Geschäftsführerin Ausbildungsleiterin Beraterin"
    ),
    "m": _split(
        "Teamleiter Personalentwickler Projektleiter Community-Manager Werkleiter "
        "Geschäftsführer Ausbildungsleiter Berater"
    ),
}
CITIES = _split(
    "München Köln Düsseldorf Zürich Lübeck Göttingen Nürnberg Würzburg Graz Lyon Wien Saarbrücken "
    "Clermont-Ferrand Berlin Tübingen Gießen Osnabrück"
)
SAYINGS = (  # what interviewees say, written for this corpus
    "Wir haben aufgehört, jede Frage in einer großen Runde zu klären",
    "Am Anfang dachten wir, das Werkzeug sei das Problem",
    "Die beste Entscheidung des Jahres war, eine Woche lang gar nichts zu entscheiden",
    "Wer bei uns nachfragt, gilt nicht mehr als schwach",
    "Das Organigramm stimmt, nur arbeitet niemand danach",
    "Seit wir Übergaben aufschreiben, gehen weniger Dinge verloren",
    "Vertrauen entsteht bei uns in den fünf Minuten vor dem eigentlichen Termin",
    "Ich muss nicht alles wissen, ich muss wissen, wen ich fragen kann",
    "Unsere größte Schwäche war lange die Höflichkeit",
    "Wir messen heute weniger und sprechen mehr miteinander",
    "Niemand hat uns verboten, Fehler zuzugeben, es hat nur niemand damit angefangen",
    "Ein Plan ist bei uns eine Verabredung, kein Versprechen",
    "Die wichtigsten Gespräche finden immer noch an der Kaffeemaschine statt",
    "Wir mussten erst lernen, dass schnelle Antworten nicht immer gute Antworten sind",
)
EXAMPLE_FIELDS = ("im Maschinenbau", "in der Pflege", "im Handel", "in Behörden", "in Start-ups")


@dataclass(frozen=True)
class Noun:
    singular: str
    plural: str | None  # None for a noun used only in the singular
    gender: str  # "m", "f" or "n"


def _nouns() -> list[Noun]:
    nouns = []
    for entry in NOUNS.split():
        singular, plural, gender = entry.split("/")
        nouns.append(Noun(singular, None if plural == "-" else plural, gender))
    return nouns


# Articles and determiners by case; columns: masculine, feminine, neuter, plural.
DETERMINERS = {
    "def": {"nom": "der die das die", "akk": "den die das die", "dat": "dem der dem den"},
    "indef": {"nom": "ein eine ein -", "akk": "einen eine ein -", "dat": "einem einer einem -"},
    "unser": {"nom": "unser unsere unser unsere", "akk": "unseren unsere unser unsere",
              "dat": "unserem unserer unserem unseren"},
    "jeder": {"nom": "jeder jede jedes -", "akk": "jeden jede jedes -", "dat": "jedem jeder jedem -"},
    "kein": {"nom": "kein keine kein keine", "akk": "keinen keine kein keine",
             "dat": "keinem keiner keinem keinen"},
    "viele": {"nom": "- - - viele", "akk": "- - - viele", "dat": "- - - vielen"},
    "manche": {"nom": "- - - manche", "akk": "- - - manche", "dat": "- - - manchen"},
}  # fmt: skip
# Adjective endings after each kind of determiner, by case and the same four columns.
WEAK = {"nom": "e e e en", "akk": "en e e en", "dat": "en en en en"}
MIXED = {"nom": "er e es en", "akk": "en e es en", "dat": "en en en en"}
STRONG = {"nom": "- - - e", "akk": "- - - e", "dat": "- - - en"}
ENDINGS = {"def": WEAK, "jeder": WEAK, "indef": MIXED, "unser": MIXED, "kein": MIXED, "viele": STRONG}
COLUMN = {"m": 0, "f": 1, "n": 2}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def count_words(markdown: str) -> int:
    """Words of a Markdown snippet as a reader sees them (``bookpress stats`` counts the same)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", markdown)  # an image: its alt text is not read
    text = re.sub(r"^\[\^\d+\]:", " ", text, flags=re.MULTILINE)  # a note's label
    text = re.sub(r"\[\^\d+\]", "", text)  # a call's number joins the word before it
    text = re.sub(r"^\s*(?:#+|>|-|\d+\.)\s", " ", text, flags=re.MULTILINE)
    text = re.sub(r"^\|?[-| ]+\|?$", " ", text, flags=re.MULTILINE)  # a table's rule
    return len(WORD.findall(text.replace("*", " ").replace("|", " ")))


class Prose:
    """German essay prose from the word lists, driven by one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.nouns = _nouns()
        self.head_nouns = [n for n in self.nouns if n.singular in HEADS]
        self.titles: set[str] = set()

    # --- noun phrases

    def noun(self) -> Noun:
        if self.rng.random() < 0.25:
            head = self.rng.choice(self.head_nouns)
            first = self.rng.choice([f for f in FIRST_PARTS if not f.startswith(head.singular)])
            plural = head.plural and first + head.plural.lower()
            return Noun(first + head.singular.lower(), plural, head.gender)
        return self.rng.choice(self.nouns)

    def phrase(
        self, case: str, *, plural: bool | None = None, noun: Noun | None = None, article: str = ""
    ) -> str:
        """A noun phrase in ``case`` ("nom", "akk", "dat"), sometimes with an adjective;
        ``article`` fixes the kind of determiner ("def", …)."""
        noun = noun or self.noun()
        if plural is None:
            plural = noun.plural is not None and self.rng.random() < 0.3
        if plural and noun.plural is None:
            plural = False
        column = 3 if plural else COLUMN[noun.gender]
        choices = ["def"] * 5 + ["unser", "kein"]
        choices += ["viele", "manche", "bare"] if plural else ["jeder"] + ["indef"] * 3
        if not plural and noun.plural is None:  # "ein Wissen" is not German
            choices = ["def"] * 5 + ["unser", "kein"]
        kind = article or self.rng.choice(choices)
        word = noun.plural if plural else noun.singular
        if plural and case == "dat" and not word.endswith(("n", "s")):
            word += "n"
        words = [] if kind == "bare" else [DETERMINERS[kind][case].split()[column]]
        if self.rng.random() < 0.3 and kind != "manche":
            endings = STRONG if kind == "bare" else ENDINGS[kind]
            words.append(self.rng.choice(ADJECTIVES) + endings[case].split()[column])
        return " ".join([*words, word])

    def subject(self) -> tuple[str, bool]:
        """A subject noun phrase and whether it is plural."""
        noun = self.noun()
        plural = noun.plural is not None and self.rng.random() < 0.3
        return self.phrase("nom", plural=plural, noun=noun), plural

    def verb(self, plural: bool, *, dative: bool = False) -> tuple[str, str]:
        """A verb as (finite form agreeing with the subject, infinitive)."""
        singular, infinitive = self.rng.choice(DATIVE_VERBS if dative else VERBS).split("/")
        return (infinitive if plural else singular), infinitive

    def person(self) -> tuple[str, str]:
        """An invented person as (name, gender)."""
        gender = self.rng.choice("fm")
        return f"{self.rng.choice(FIRST_NAMES[gender])} {self.rng.choice(LAST_NAMES)}", gender

    # --- sentences

    def clause(self) -> str:
        """A subordinate clause body, verb last: "das Team die Planung unterschätzt"."""
        subject, plural = self.subject()
        return f"{subject} {self.phrase('akk')} {self.verb(plural)[0]}"

    def number(self) -> str:
        value = self.rng.choice([self.rng.randint(12, 95), self.rng.randint(120, 9800)])
        return f"{value:,}".replace(",", ".")

    def sentence(self) -> str:
        rng = self.rng
        subject, plural = self.subject()
        verb = self.verb(plural)[0]
        obj = self.phrase("akk")
        kind = rng.choices(range(15), weights=[8, 6, 5, 4, 2, 3, 2, 2, 2, 2, 2, 2, 2, 1, 2])[0]
        if kind == 0:
            return f"{_cap(subject)} {verb} {obj}."
        if kind == 1:
            return f"{rng.choice(FRONTED)} {verb} {subject} {obj}."
        if kind == 2:
            return f"{_cap(subject)} {verb} {obj}, {rng.choice(CONJUNCTIONS)} {self.clause()}."
        if kind == 3:
            second = self.verb(False)[0]
            return f"Wer {obj} {self.verb(False)[0]}, {second} {self.phrase('akk')}."
        if kind == 4:
            first, second = rng.sample(PREDICATES, 2)
            return f"Das klingt {first}, ist aber {second}."
        if kind == 5:
            other = self.phrase("nom", plural=plural)
            return f"Nicht {subject} {verb} {obj}, sondern {other}."
        if kind == 6:
            other = self.verb(False)[1]
            return (
                f"Wie {self.verb(False)[0]} man {obj}, ohne {self.phrase('akk', article='def')} zu {other}?"
            )
        if kind == 7:
            people, firms, share = self.number(), rng.randint(3, 60), rng.randint(11, 89)
            decimal = f",{rng.randint(1, 9)}" if rng.random() < 0.3 else ""
            return (
                f"In einer Befragung von {people} Beschäftigten aus {firms} Unternehmen gaben "
                f"{share}{decimal} % an, dass {self.clause()}."
            )
        if kind == 8:
            return f"Seit {rng.randint(1995, 2024)} {verb} {subject} {obj} spürbar."
        if kind == 9:
            name, gender = self.person()
            relative = "die" if gender == "f" else "der"
            role = rng.choice(ROLES[gender])
            return (
                f'"{rng.choice(SAYINGS)}", sagt {name}, {relative} als {role} '
                f"in {rng.choice(CITIES)} arbeitet."
            )
        if kind == 10:
            many = self.phrase("nom", plural=True, noun=rng.choice([n for n in self.nouns if n.plural]))
            first, second = rng.sample(EXAMPLE_FIELDS, 2)
            return f"{_cap(many)} {self.verb(True)[0]} {obj}, z. B. {first} oder {second}."
        if kind == 11:
            return f"{_cap(subject)} {verb} {obj} - {rng.choice(TAILS)}."
        if kind == 12:
            dative_verb = self.verb(plural, dative=True)[0]
            return f"{_cap(subject)} {dative_verb} {self.phrase('dat')}, d. h. {self.clause_main()}."
        if kind == 13:
            return f"Hinzu kommt ein zweiter Punkt: {_cap(self.clause_main())}."
        word = rng.choice(PREDICATES)
        return f"{_cap(subject)} {verb} {obj}, und das ist *{word}*."

    def clause_main(self) -> str:
        """A main clause without capital or full stop."""
        subject, plural = self.subject()
        return f"{subject} {self.verb(plural)[0]} {self.phrase('akk')}"

    # --- blocks

    def paragraph(self, sentences: int | None = None) -> list[str]:
        count = sentences or self.rng.choices(range(1, 11), weights=[1, 3, 5, 6, 6, 5, 4, 3, 2, 1])[0]
        return [self.sentence() for _ in range(count)]

    def heading(self) -> str:
        rng = self.rng
        first, second = self.noun(), self.noun()
        kind = rng.randrange(5)
        if kind == 0:
            start = "Von der" if first.gender == "f" else "Vom"
            end = "zur" if second.gender == "f" else "zum"
            return f"{start} {first.singular} {end} {second.singular}"
        if kind == 1:
            return f"Warum {self.clause()}"
        if kind == 2:
            return _cap(f"{self.phrase('nom', noun=first)} als {second.singular}")
        if kind == 3:
            return f"Wenn {self.clause()}"
        return f"Ein {rng.choice(ADJECTIVES)}er Blick auf {self.phrase('akk', noun=second)}"

    def bullet_list(self) -> str:
        items = []
        for _ in range(self.rng.randint(3, 5)):
            noun = self.noun()
            items.append(f"- **{noun.plural or noun.singular}**: {self.sentence()}")
        return "\n".join(items)

    def numbered_list(self) -> str:
        items = []
        for number in range(1, self.rng.randint(3, 5) + 1):
            step = f"{_cap(self.phrase('akk'))} {self.rng.choice(IMPERATIVES)}"
            items.append(f"{number}. **{step}.** {' '.join(self.paragraph(self.rng.randint(1, 2)))}")
        return "\n".join(items)

    def block_quote(self) -> str:
        said = " ".join([self.rng.choice(SAYINGS) + ".", *self.paragraph(self.rng.randint(1, 3))])
        return f"> {said}"

    def footnote(self) -> str:
        rng = self.rng
        name, _ = self.person()
        year, page = rng.randint(1978, 2025), rng.randint(7, 412)
        kind = rng.randrange(3)
        if kind == 0:
            title = f"{_cap(self.phrase('nom', noun=rng.choice(self.head_nouns)))} im Wandel"
            return f"Vgl. {name}: *{title}*. {rng.choice(CITIES)} {year}, S. {page}."
        if kind == 1:
            return (
                f"{name} beschreibt diesen Zusammenhang ausführlicher in einem Aufsatz aus dem Jahr {year}."
            )
        return (
            f"Die Zahlen stammen aus einer Auswertung von {self.number()} Projekten; "
            f"sie sind nicht repräsentativ, zeigen aber eine Richtung."
        )

    def table(self) -> str:
        rng = self.rng
        years = sorted(rng.sample(range(2015, 2026), 2))
        rows = [f"| Bereich | {years[0]} | {years[1]} | Veränderung |", "|---|---:|---:|---:|"]
        for _ in range(rng.randint(4, 7)):
            before, after = rng.randint(8, 80), rng.randint(8, 80)
            rows.append(f"| {self.noun().singular} | {before} % | {after} % | {after - before:+d} Punkte |")
        return "\n".join(rows)

    def title(self) -> str:
        """A chapter title no other chapter of the book has."""
        title = self._title()
        while title in self.titles:
            title = self._title()
        self.titles.add(title)
        return title

    def _title(self) -> str:
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            return self.heading()
        if kind == 1:
            first, second = self.noun(), self.noun()
            return f"{first.singular} und {second.singular}"
        if kind == 2:
            return _cap(f"{rng.choice(ADJECTIVES)}e {self.noun().plural or 'Wege'}")
        return f"Über {self.phrase('akk')}"


# --- chapters


@dataclass
class Chapter:
    """A chapter being written: Markdown blocks, notes and the words so far."""

    budget: int
    blocks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    words: int = 0

    def add(self, block: str) -> None:
        self.blocks.append(block)
        self.words += count_words(block)

    def note(self, text: str) -> str:
        """Define the next footnote; return its call."""
        self.notes.append(f"[^{len(self.notes) + 1}]: {text}")
        self.words += count_words(self.notes[-1])
        return f"[^{len(self.notes)}]"

    def markdown(self, front: dict[str, str]) -> str:
        head = "\n".join(f"{key}: {value}" for key, value in front.items())
        return f"---\n{head}\n---\n\n" + "\n\n".join([*self.blocks, "\n".join(self.notes)]) + "\n"


def write_chapter(prose: Prose, budget: int, *, table: bool, image: bool) -> tuple[str, str]:
    """A chapter of about ``budget`` words: (title, Markdown with front matter)."""
    rng = prose.rng
    title = prose.title()
    front = {"title": title, "subtitle": f"Über {prose.phrase('akk')} und {prose.phrase('akk')}"}
    front["summary"] = f"{_cap(prose.clause_main())}."
    chapter = Chapter(budget, words=count_words(f"{title} {front['subtitle']}"))
    # Each chapter gets a list, a block quote and a note; tables and the chart where asked.
    pending = ["list", "quote", "note"] + ["table"] * table + ["image"] * image
    rng.shuffle(pending)
    since_heading, sections, last = 0, 0, "p"
    while chapter.words < budget:
        left = budget - chapter.words
        if left < 90:  # the last paragraph ends as near the budget as a sentence allows
            sentences = []
            while chapter.words + count_words(" ".join(sentences)) < budget:
                sentences.append(prose.sentence())
            chapter.add(" ".join(sentences))
            break
        if since_heading >= rng.randint(3, 7) and left > 250:
            # A ### only inside a ## section: never a skipped level (W031).
            level = "###" if sections and rng.random() < 0.25 else "##"
            sections += level == "##"
            chapter.add(f"{level} {prose.heading()}")
            since_heading, last = 0, "heading"
            continue
        since_heading += 1
        if len(chapter.blocks) < 2 or last != "p":  # open with text; no two lists in a row
            kind = "p"
        elif pending and chapter.words > budget * (1 - len(pending) / (len(pending) + 1)) - 60:
            kind = pending.pop(0)  # spread over the chapter
        else:
            kind = rng.choices(["p", "list", "quote"], weights=[14, 1, 1])[0]
        last = "p" if kind == "note" else kind
        if kind == "list":
            chapter.add(prose.bullet_list() if rng.random() < 0.6 else prose.numbered_list())
        elif kind == "quote":
            chapter.add(prose.block_quote())
        elif kind == "table":
            chapter.add("Die folgende Übersicht fasst die Werte zusammen:")
            chapter.add(prose.table())
        elif kind == "image":
            chapter.add("Wie sich die Werte über die Jahre entwickelt haben, zeigt die Grafik:")
            alt = "Balkendiagramm mit zwölf grauen Balken, die von links nach rechts ungleichmäßig ansteigen"
            chapter.add(f"![{alt}](../{IMAGE})")
        else:
            sentences = prose.paragraph()
            if kind == "note" or rng.random() < 0.12:
                at = rng.randrange(len(sentences))
                sentences[at] += chapter.note(prose.footnote())
            chapter.add(" ".join(sentences))
    return title, chapter.markdown(front)


def _slug(title: str) -> str:
    text = title.lower()
    for letter, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(letter, spelled)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].rstrip("-")


def _budgets(rng: random.Random, words: int, chapters: int) -> list[int]:
    """``words`` split over ``chapters``, each between 0.6 and 1.4 of the mean."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(chapters)]
    budgets = [round(words * w / sum(weights)) for w in weights]
    budgets[-1] += words - sum(budgets)
    return budgets


# --- the project


def isbn(number: int) -> str:
    """A valid ISBN-13 in the sample's publisher block: 978-3-98765-9NN-C."""
    digits = f"978398765{900 + number:03d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return f"978-3-98765-{900 + number:03d}-{check}"


VOLUME_TITLES = ("Messpunkte", "Übergänge", "Spielräume", "Knotenpunkte", "Werkstätten", "Rückwege")


def book_toml(volumes: int) -> str:
    parts = [
        """# A generated benchmark book (scripts/bench_corpus.py): the shape of the sample series.

[series]
title = "#VUCA"
subtitle = "Generierte Essays für Messungen an langen Büchern"
language = "de"
publisher = "connect2communicate Verlag"
publisher_city = "Berlin"
publisher_address = "Linienstraße 139, 10115 Berlin"
rights = "Alle Rechte vorbehalten."
description = \"\"\"
Ein maschinell zusammengesetzter Text in der Form der Reihe #VUCA: Kapitel mit Fußnoten, \\
Listen, Zitaten, Tabellen und Grafiken, so lang wie ein echtes Buch.\"\"\"
subjects = ["Management", "Arbeitswelt", "Benchmark"]
author_page = "ueber-die-autorin.md"

[[series.authors]]
name = "Dr. Angelica Laurencon"
sort = "Laurencon, Angelica"

# The defaults, written out: scripts/bench_print.css sets the same page.
[print]
trim = "12x19"
bleed_mm = 3
inner_margin_mm = 20
outer_margin_mm = 14
top_margin_mm = 16
bottom_margin_mm = 20
printer_line = "Druck und Bindung: Books on Demand GmbH, In de Tarpen 42, 22848 Norderstedt"
"""
    ]
    for number in range(1, volumes + 1):
        date = dt.date(2026, 1, 15) + dt.timedelta(days=91 * (number - 1))
        parts.append(
            f"""
[[volumes]]
number = {number}
title = "{VOLUME_TITLES[(number - 1) % len(VOLUME_TITLES)]}"
subtitle = "Band {number} des Messkorpus"
dir = "band-{number}"
date = {date.isoformat()}
[volumes.isbn]
ebook = "{isbn(2 * number)}"
print = "{isbn(2 * number + 1)}"
"""
        )
    return "".join(parts)


AUTHOR_PAGE = """---
title: Über die Autorin
---

Dr. Angelica Laurencon berät Organisationen in Berlin und Clermont-Ferrand, die ihre \
Zusammenarbeit neu ordnen. Dieser Band ist kein Text von ihr: Er wurde aus Wortlisten \
zusammengesetzt, damit sich messen lässt, wie lange ein Buch dieser Länge im Satz braucht.

Die echten Essays der Reihe #VUCA stehen im Ordner `manuscript/` des Projekts.
"""

HYPHENATION = """# Words of the generated corpus that keep their own breaks.
Rück-mel-dung
Rück-mel-dun-gen
Rück-blick
Rück-bli-cke
Zu-sam-men-ar-beit
Laurencon
"""


def write_image(path: Path) -> None:
    """A grey bar chart, 1200 px wide: 354 ppi across the 86 mm text width."""
    rng = random.Random(7)
    width, height = IMAGE_PX
    image = Image.new("L", IMAGE_PX, 255)
    draw = ImageDraw.Draw(image)
    for y in range(80, height - 40, 100):
        draw.line([(60, y), (width - 40, y)], fill=215, width=2)
    draw.line([(60, 40), (60, height - 40), (width - 40, height - 40)], fill=0, width=4)
    bar = (width - 140) // 12
    for index in range(12):
        top = height - 40 - (index * 30 + rng.randint(60, 190))
        left = 80 + index * bar
        draw.rectangle([(left, top), (left + bar - 24, height - 42)], fill=70 + index * 8)
    ppi = round(width / (TEXT_WIDTH_MM / 25.4))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, dpi=(ppi, ppi))


def make_project(out: Path, words: int, chapters: int, seed: int, volumes: int = 1) -> Path:
    """Write a project of about ``words`` words in ``chapters`` chapters over ``volumes``
    volumes into ``out`` (created; it must not hold a project already); return ``out``."""
    if chapters < volumes or volumes < 1:
        raise ValueError("each volume needs at least one chapter")
    if (out / "manuscript").exists():
        raise FileExistsError(f"{out / 'manuscript'} exists already")
    rng = random.Random(seed)
    prose = Prose(rng)
    manuscript = out / "manuscript"
    manuscript.mkdir(parents=True)
    (manuscript / "book.toml").write_text(book_toml(volumes), encoding="utf-8")
    (manuscript / "ueber-die-autorin.md").write_text(AUTHOR_PAGE, encoding="utf-8")
    (manuscript / "hyphenation.txt").write_text(HYPHENATION, encoding="utf-8")
    write_image(manuscript / IMAGE)
    shutil.copytree(REPO / "styles", out / "styles")
    budgets = _budgets(rng, words, chapters)
    per_volume = [chapters // volumes + (i < chapters % volumes) for i in range(volumes)]
    start = 0
    for number, count in enumerate(per_volume, start=1):
        folder = manuscript / f"band-{number}"
        folder.mkdir()
        width = max(2, len(str(count)))
        first = min(2, count - 1)  # tables and the chart: the third and sixth chapter of ten
        second = min(5, count - 1)
        for index in range(count):
            title, text = write_chapter(
                prose, budgets[start + index], table=index % 10 == first, image=index % 10 == second
            )
            (folder / f"{index + 1:0{width}d}-{_slug(title)}.md").write_text(text, encoding="utf-8")
        start += count
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the project folder to write (must not hold a project)")
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--chapters", type=int, help=f"default: one per {WORDS_PER_CHAPTER:,} words")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--volumes", type=int, default=1)
    args = parser.parse_args()
    chapters = args.chapters or max(args.volumes, round(args.words / WORDS_PER_CHAPTER))
    make_project(args.out, args.words, chapters, args.seed, args.volumes)
    print(f"wrote {args.out}: about {args.words:,} words, {chapters} chapters, {args.volumes} volume(s)")


if __name__ == "__main__":
    main()
