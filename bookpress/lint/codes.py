"""The finding codes of ``bookpress check``: stable, documented, one rule each.

The letter is the severity (E error, W warning, I information); the number
alone names the rule and never changes meaning. Numbers are grouped by topic:
00x project, 01x links and notes, 02x images, 03x structure, 04x typography,
05x languages.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = {"E": "error", "W": "warning", "I": "info"}


@dataclass(frozen=True)
class Code:
    """One rule of the linter."""

    code: str  # "W041"
    name: str  # "double-space"
    summary: str  # what it finds, for `check --list` and the README

    @property
    def severity(self) -> str:
        return SEVERITIES[self.code[0]]


CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code("E001", "build-error", "a problem the build stops at (book.toml, front matter, raw HTML …)"),
        Code("E002", "unknown-front-matter-key", "a front-matter key bookpress does not know"),
        Code("W003", "unlisted-chapter", "a Markdown file on disk that no volume includes"),
        Code("W004", "placeholder-isbn", "a volume still has the placeholder ISBN written by `new`"),
        Code("W005", "chapter-number-mismatch", "a listed chapter whose file number is not its position"),
        Code(
            "W006", "incomplete-imprint", "the printed imprint lacks the publisher's address or the printer"
        ),
        Code("E010", "broken-link", "a link to a heading or id that does not exist, or to a file"),
        Code("E011", "broken-footnote-reference", "a footnote call [^x] without a definition"),
        Code("W012", "unused-footnote", "a footnote defined but never called"),
        Code("E013", "link-left-as-text", "a link Markdown left as text ([x](… unclosed, [x][y] undefined)"),
        Code("E020", "missing-image", "an image file that does not exist or lies outside the project"),
        Code("E021", "image-without-alt", "an image without alternative text (accessibility)"),
        Code("W022", "low-resolution-image", "a raster image under 300 ppi at the printed text width"),
        Code("E023", "image-left-as-text", "an image Markdown left as text (![alt](… unclosed)"),
        Code("E030", "empty-chapter", "a chapter with front matter but no text"),
        Code("W031", "heading-skip", "a heading level that skips one (H2 followed by H4)"),
        Code("W032", "title-repeated", "the chapter title repeated as an H1 in the body"),
        Code("W040", "ambiguous-quote", "a straight quote the typography pass could not pair"),
        Code("W041", "double-space", "two or more spaces between words"),
        Code("I042", "guessed-quote", "a straight quote or apostrophe the typography pass converted"),
        Code("I043", "guessed-dash", "a hyphen or '--' the typography pass turned into a dash"),
        Code("W045", "hyphen-space", "a hyphen with a space on one side inside a compound ('Ost -West')"),
        Code("W046", "spaced-hyphen", "a hyphen between spaces that stays a hyphen (no dash)"),
        Code(
            "W047", "makeshift-quote", "',,', two apostrophes or ´ typed for a quotation mark or apostrophe"
        ),
        Code("W048", "x-for-times", "an x between numbers where × is meant ('3 x 4')"),
        Code("W049", "space-before-punctuation", "a space before , . ; : ! or ?"),
        Code("E044", "unclosed-emphasis", "a * or _ before a word that is never closed (\\* is a literal *)"),
        Code(
            "E050",
            "bad-language-span",
            "a [words]{lang=…} whose tag is not a registered language tag, or left as text",
        ),
    )
}
