"""Malformed and oversized values: volume numbers, dates, SOURCE_DATE_EPOCH, print geometry,
languages, ISBNs. Refused with book.toml and the key's line (or naming the variable)."""

from __future__ import annotations

from .case import Case, Raw, Toml, ok, refused


def _key(
    name: str, key: str, value: object, *, pdf: bool = False, extra: dict[str, object] | None = None
) -> Case:
    toml = Toml({key: value, **(extra or {})})
    return Case(name, "values", refused("E001", "book.toml", toml.line(key)), toml=toml, pdf=pdf)


def _epoch(name: str, value: str, expect_ok: bool = False) -> Case:
    outcome = ok() if expect_ok else refused(None, text="SOURCE_DATE_EPOCH")
    return Case(f"source-date-epoch-{name}", "values", outcome, env={"SOURCE_DATE_EPOCH": value})


CUSTOM = {"print.trim": "custom"}

CASES = [
    _key("number-zero", "volume.number", Raw("0")),
    _key("number-negative", "volume.number", Raw("-1")),
    _key("number-10-to-23", "volume.number", Raw("100000000000000000000000")),
    _key("number-one-billion", "volume.number", Raw("1000000000")),
    _key("number-float", "volume.number", Raw("1.5")),
    _key("number-bool", "volume.number", Raw("true")),
    _key("number-string", "volume.number", "I"),
    _key("date-year-9999", "volume.date", Raw("9999-12-31")),
    _key("date-year-1", "volume.date", Raw("0001-01-01")),
    _key("date-string", "volume.date", "morgen"),
    _key("date-with-time", "volume.date", Raw("2025-01-15T10:00:00")),
    _epoch("after-2107", "4354819200"),
    _epoch("negative", "-1"),
    _epoch("not-digits", "gestern"),
    _epoch("float", "1.7e9"),
    _epoch("huge", "1" + "0" * 30),
    _epoch("arabic-indic-digits", "١٧٠٠٠٠٠٠٠٠"),
    _epoch("plain", "1700000000", expect_ok=True),
    _epoch("empty", "", expect_ok=True),
    _key("bleed-nan", "print.bleed_mm", Raw("nan"), pdf=True),
    _key("bleed-inf", "print.bleed_mm", Raw("inf"), pdf=True),
    _key("bleed-negative", "print.bleed_mm", Raw("-1.0")),
    _key("bleed-1e9", "print.bleed_mm", Raw("1e9")),
    _key("bleed-bool", "print.bleed_mm", Raw("true")),
    _key("margin-nan", "print.inner_margin_mm", Raw("nan"), pdf=True),
    _key(
        "custom-trim-huge-width",
        "print.width_mm",
        Raw("1e9"),
        pdf=True,
        extra={**CUSTOM, "print.height_mm": Raw("200.0")},
    ),
    _key(
        "custom-trim-negative-height",
        "print.height_mm",
        Raw("-5.0"),
        pdf=True,
        extra={**CUSTOM, "print.width_mm": Raw("120.0")},
    ),
    _key(
        "custom-trim-nan",
        "print.width_mm",
        Raw("nan"),
        pdf=True,
        extra={**CUSTOM, "print.height_mm": Raw("200.0")},
    ),
    _key(
        "custom-trim-zero",
        "print.width_mm",
        Raw("0.0"),
        pdf=True,
        extra={**CUSTOM, "print.height_mm": Raw("200.0")},
    ),
    _key(
        "custom-trim-margins-wider-than-page",
        "print.inner_margin_mm",
        Raw("45.0"),
        pdf=True,
        extra={
            **CUSTOM,
            "print.width_mm": Raw("80.0"),
            "print.height_mm": Raw("120.0"),
            "print.outer_margin_mm": Raw("45.0"),
        },
    ),
    _key("trim-unknown", "print.trim", "a0"),
    _key("language-xx", "series.language", "xx"),
    _key("language-script", "series.language", "de<script>"),
    _key("language-number", "series.language", Raw("49")),
    _key("isbn-arabic-indic-digits", "isbn.ebook", "٩٧٨٣١٦١٤٨٤١٠٠"),
    _key("isbn-fullwidth-digits", "isbn.print", "９７８３１６１４８４１００"),
    _key("isbn-wrong-check-digit", "isbn.ebook", "978-3-16-148410-1"),
    _key("isbn-letters", "isbn.print", "978-3-16-14841X-0"),
    _key("isbn-too-long", "isbn.ebook", "978316148410000"),
    _key("subjects-not-strings", "series.subjects", Raw("[1, 2]")),
    _key("crop-marks-string", "print.crop_marks", "ja"),
    Case(
        "book-toml-not-toml",
        "values",
        refused("E001", "book.toml", 2),
        files={"manuscript/book.toml": '[series]\ntitle = "offen\n'},
    ),
    Case("book-toml-empty", "values", refused("E001", "book.toml"), files={"manuscript/book.toml": ""}),
    Case("unknown-key", "values", refused("E001", "book.toml", 7), toml=Toml({"series.colour": "rot"})),
    Case(
        "trim-preset-ok",
        "values",
        ok(),
        toml=Toml({"print.trim": "a5", "print.bleed_mm": Raw("3.0")}),
        pdf=True,
    ),
    Case(
        "custom-trim-ok",
        "values",
        ok(),
        toml=Toml({"print.trim": "custom", "print.width_mm": Raw("130.0"), "print.height_mm": Raw("200.0")}),
        pdf=True,
    ),
    Case("number-roman-range-top", "values", ok(), toml=Toml({"volume.number": Raw("12")})),
]
