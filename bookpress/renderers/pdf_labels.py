"""Page labels: what a PDF viewer shows as a page's number matches its printed folio.

The front matter counts in lower-case roman numerals from i, the text in
arabic numerals from 1 on its first page (see ``styles/print.css``: the
contents page's folio is roman, ``text-start`` resets the counter to 1).
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name


def add_page_labels(pdf: pikepdf.Pdf, front_pages: int) -> None:
    """Label the first ``front_pages`` pages i, ii, iii …, the pages after them 1, 2, 3 …"""
    numbers: list[object] = []
    if front_pages > 0:
        numbers += [0, Dictionary(S=Name.r)]
    if front_pages < len(pdf.pages):
        numbers += [front_pages, Dictionary(S=Name.D)]
    pdf.Root.PageLabels = Dictionary(Nums=Array(numbers))
