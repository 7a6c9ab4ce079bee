"""bookpress: compiles an author's Markdown manuscripts into EPUB and PDF editions."""

__version__ = "0.1.0"
