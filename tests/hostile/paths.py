"""Paths and links: everything the build reads must be a regular file inside the project.

Absolute and climbing (``..``) paths in book.toml, links to files and folders
elsewhere, FIFOs and devices, folders where files belong, missing files; and
the links that stay inside the project, which must keep working.
"""

from __future__ import annotations

import os
from pathlib import Path

from .case import BODY, BOOK_TOML, CHAPTER, OUTSIDE, SECRET, Case, Toml, chapter, either, ok, refused

TOML = "book.toml"
STYLE = "styles/base.css"
FONT = "styles/fonts/libertine/LinLibertine_R.otf"
HYPHENATION = "manuscript/hyphenation.txt"
IMAGE = "manuscript/teil-1/bild.png"
WITH_IMAGE = chapter(f"Ein Bild:\n\n![Ein graues Rechteck]({'bild.png'})\n")
IMAGE_LINE = BODY + 2


def _toml(key: str, value: object) -> tuple[Toml, int]:
    toml = Toml({key: value})
    return toml, toml.line(key)


def _refused_key(name: str, key: str, value: object, **kwargs: object) -> Case:
    toml, line = _toml(key, value)
    return Case(name, "paths", refused("E001", TOML, line), toml=toml, **kwargs)  # type: ignore[arg-type]


def _png(project: Path, outside: Path) -> None:
    from PIL import Image

    Image.new("RGB", (2400, 1600), "gray").save(project / IMAGE)


def _loop(project: Path, outside: Path) -> None:
    a, b = project / "manuscript/teil-1/a.md", project / "manuscript/teil-1/b.md"
    a.symlink_to(b)
    b.symlink_to(a)
    target = project / CHAPTER
    target.unlink()
    target.symlink_to(a)


def _manuscript_elsewhere(project: Path, outside: Path) -> None:
    elsewhere = outside / "manuscript"
    os.rename(project / "manuscript", elsewhere)
    (elsewhere / "teil-1" / "01-anfang.md").write_text(chapter(f"{SECRET} im Text."), encoding="utf-8")
    (project / "manuscript").symlink_to(elsewhere)


CASES = [
    # --- paths named in book.toml that leave the project
    _refused_key("dir-absolute", "volume.dir", f"{OUTSIDE}/band"),
    _refused_key("dir-climbs", "volume.dir", "../../outside/band"),
    _refused_key("dir-climbs-back-in", "volume.dir", "teil-1/../../../outside/band"),
    _refused_key("dir-root", "volume.dir", "/"),
    _refused_key("dir-is-a-file", "volume.dir", "autorin.md"),
    _refused_key("dir-missing", "volume.dir", "teil-9"),
    _refused_key("chapters-absolute", "volume.chapters", [f"{OUTSIDE}/secret.md"]),
    _refused_key("chapters-climb", "volume.chapters", ["../../outside/secret.md"]),
    _refused_key("chapters-etc-passwd", "volume.chapters", ["../../../../../../etc/passwd"]),
    _refused_key("chapters-missing", "volume.chapters", ["01-anfang.md", "09-fehlt.md"]),
    _refused_key(
        "chapters-a-folder",
        "volume.chapters",
        ["01-anfang.md", "ordner.md"],
        folders=("manuscript/teil-1/ordner.md",),
    ),
    _refused_key("author-page-absolute", "series.author_page", f"{OUTSIDE}/secret.md"),
    _refused_key("author-page-climbs", "series.author_page", "../../outside/secret.md"),
    _refused_key("author-page-missing", "series.author_page", "autor.md"),
    _refused_key("author-page-a-folder", "series.author_page", "ueber", folders=("manuscript/ueber",)),
    _refused_key("cover-absolute", "volume.cover", f"{OUTSIDE}/secret.png"),
    _refused_key("cover-climbs", "volume.cover", "../../outside/secret.png"),
    _refused_key("cover-missing", "volume.cover", "umschlag.png"),
    _refused_key("cover-a-folder", "volume.cover", "umschlag.png", folders=("manuscript/umschlag.png",)),
    _refused_key(
        "cover-link-outside",
        "volume.cover",
        "umschlag.png",
        links={"manuscript/umschlag.png": f"{OUTSIDE}/secret.png"},
    ),
    _refused_key(
        "cover-link-dev-zero", "volume.cover", "umschlag.png", links={"manuscript/umschlag.png": "/dev/zero"}
    ),
    _refused_key("cover-fifo", "volume.cover", "umschlag.png", fifos=("manuscript/umschlag.png",)),
    # --- links to elsewhere where the build reads a file or folder
    Case(
        "chapter-link-outside",
        "paths",
        refused(None, "01-anfang.md"),
        links={CHAPTER: f"{OUTSIDE}/secret.md"},
    ),
    Case(
        "chapter-link-relative-outside",
        "paths",
        refused(None, "01-anfang.md"),
        links={CHAPTER: "../../../outside/secret.md"},
    ),
    Case("chapter-link-etc-passwd", "paths", refused(None, "01-anfang.md"), links={CHAPTER: "/etc/passwd"}),
    Case("chapter-link-dev-zero", "paths", refused(None, "01-anfang.md"), links={CHAPTER: "/dev/zero"}),
    Case("chapter-link-dangling", "paths", refused(None, "01-anfang.md"), links={CHAPTER: "nirgends.md"}),
    Case("chapter-link-loop", "paths", refused(None, "01-anfang.md"), setup=_loop),
    Case("chapter-fifo", "paths", refused(None, "01-anfang.md"), fifos=(CHAPTER,)),
    Case(
        "chapter-a-folder",
        "paths",
        refused(None, "03-ordner.md"),
        folders=("manuscript/teil-1/03-ordner.md",),
    ),
    Case(
        "listed-chapter-link-outside",
        "paths",
        refused(None, "01-anfang.md"),
        toml=Toml({"volume.chapters": ["01-anfang.md", "02-ende.md"]}),
        links={CHAPTER: f"{OUTSIDE}/secret.md"},
    ),
    Case(
        "volume-folder-link-outside",
        "paths",
        refused(None, "teil-1"),
        remove=("manuscript/teil-1",),
        links={"manuscript/teil-1": f"{OUTSIDE}/band"},
    ),
    Case(
        "volume-folder-link-root",
        "paths",
        refused(None, "teil-1"),
        toml=Toml({"volume.chapters": ["etc/passwd"]}),
        remove=("manuscript/teil-1",),
        links={"manuscript/teil-1": "/"},
    ),
    Case(
        "author-page-link-outside",
        "paths",
        refused(None, "autorin.md"),
        links={"manuscript/autorin.md": f"{OUTSIDE}/secret.md"},
    ),
    Case(
        "author-page-link-dev-zero",
        "paths",
        refused(None, "autorin.md"),
        links={"manuscript/autorin.md": "/dev/zero"},
    ),
    Case("author-page-fifo", "paths", refused(None, "autorin.md"), fifos=("manuscript/autorin.md",)),
    Case(
        "stylesheet-link-outside", "paths", refused(None, "base.css"), links={STYLE: f"{OUTSIDE}/secret.css"}
    ),
    Case(
        "stylesheet-link-etc-passwd",
        "paths",
        refused(None, "epub.css"),
        links={"styles/epub.css": "/etc/passwd"},
    ),
    Case("stylesheet-link-dev-zero", "paths", refused(None, "base.css"), links={STYLE: "/dev/zero"}),
    Case("stylesheet-fifo", "paths", refused(None, "base.css"), fifos=(STYLE,)),
    Case("stylesheet-a-folder", "paths", refused(None, "base.css"), remove=(STYLE,), folders=(STYLE,)),
    Case("stylesheet-missing", "paths", refused(None, "base.css"), remove=(STYLE,)),
    Case("styles-folder-missing", "paths", refused(None, "styles"), remove=("styles",)),
    Case(
        "styles-folder-link-outside",
        "paths",
        refused(None, "styles"),
        remove=("styles",),
        links={"styles": f"{OUTSIDE}"},
    ),
    Case(
        "font-link-outside",
        "paths",
        refused(None, "LinLibertine_R.otf"),
        links={FONT: f"{OUTSIDE}/secret.otf"},
    ),
    Case(
        # A font no stylesheet names may be left out (nothing read, nothing shipped) or refused.
        "extra-font-link-outside",
        "paths",
        either("geheim.ttf"),
        links={"styles/fonts/geheim.ttf": f"{OUTSIDE}/secret.otf"},
    ),
    Case(
        "font-folder-link-outside",
        "paths",
        either("extra"),
        links={"styles/fonts/extra": f"{OUTSIDE}"},
    ),
    Case("font-fifo", "paths", refused(None, "LinLibertine_R.otf"), fifos=(FONT,)),
    Case(
        "hyphenation-link-outside",
        "paths",
        refused(None, "hyphenation.txt"),
        links={HYPHENATION: f"{OUTSIDE}/secret.txt"},
    ),
    Case(
        "hyphenation-link-dev-zero",
        "paths",
        refused(None, "hyphenation.txt"),
        links={HYPHENATION: "/dev/zero"},
    ),
    Case("hyphenation-fifo", "paths", refused(None, "hyphenation.txt"), fifos=(HYPHENATION,)),
    Case("hyphenation-a-folder", "paths", refused(None, "hyphenation.txt"), folders=(HYPHENATION,)),
    Case(
        "image-link-outside",
        "paths",
        refused("E020", "01-anfang.md", IMAGE_LINE),
        files={CHAPTER: WITH_IMAGE},
        links={IMAGE: f"{OUTSIDE}/secret.png"},
    ),
    Case(
        "image-link-dev-zero",
        "paths",
        refused("E020", "01-anfang.md", IMAGE_LINE),
        files={CHAPTER: WITH_IMAGE},
        links={IMAGE: "/dev/zero"},
    ),
    Case(
        "image-fifo",
        "paths",
        refused("E020", "01-anfang.md", IMAGE_LINE),
        files={CHAPTER: WITH_IMAGE},
        fifos=(IMAGE,),
    ),
    Case(
        "image-a-folder",
        "paths",
        refused("E020", "01-anfang.md", IMAGE_LINE),
        files={CHAPTER: WITH_IMAGE},
        folders=(IMAGE,),
    ),
    Case("image-missing", "paths", refused("E020", "01-anfang.md", IMAGE_LINE), files={CHAPTER: WITH_IMAGE}),
    Case(
        "image-climbs",
        "paths",
        refused("E020", "01-anfang.md", BODY),
        files={CHAPTER: chapter("![Grau](../../../outside/secret.png)")},
    ),
    Case(
        "image-absolute",
        "paths",
        refused("E020", "01-anfang.md", BODY),
        files={CHAPTER: chapter(f"![Grau]({OUTSIDE}/secret.png)")},
    ),
    Case(
        "image-file-url",
        "paths",
        refused("E020", "01-anfang.md", BODY),
        files={CHAPTER: chapter("![Grau](file:///etc/passwd)")},
    ),
    Case(
        "link-to-outside-file",
        "paths",
        refused("E010", "01-anfang.md", BODY),
        files={CHAPTER: chapter("[geheim](../../../outside/secret.md)")},
    ),
    Case(
        "link-file-url",
        "paths",
        refused("E010", "01-anfang.md", BODY),
        files={CHAPTER: chapter("[geheim](file:///etc/passwd)")},
    ),
    Case(
        "book-toml-link-outside",
        "paths",
        refused(None, "book.toml"),
        links={BOOK_TOML: f"{OUTSIDE}/book.toml"},
    ),
    Case("manuscript-folder-link-outside", "paths", refused(None, "manuscript"), setup=_manuscript_elsewhere),
    # --- links that stay inside the project are followed
    Case(
        "chapter-link-inside",
        "paths",
        ok(),
        files={"manuscript/entwuerfe/anfang.md": chapter("Der Entwurf, verlinkt.")},
        links={CHAPTER: "../entwuerfe/anfang.md"},
    ),
    Case(
        "volume-folder-link-inside",
        "paths",
        ok(),
        toml=Toml({"volume.dir": "band-1"}),
        links={"manuscript/band-1": "teil-1"},
    ),
    Case("image-inside", "paths", ok(), files={CHAPTER: WITH_IMAGE}, setup=_png),
]
