"""A district's QR sheet: A4 pages of labels, one per building, to put up at the entrances.

Each label has the QR code of the building's tenant page (/t/<code>), the address, and
"Något som känns otryggt? Skanna här" in the five tenant languages. The code is drawn as
vector squares (sharp at any printer resolution). Arabic is shaped and set right to left
by fpdf2's text shaping (uharfbuzz) in DejaVu Sans, which has the Arabic glyphs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from fpdf import FPDF

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

# A4 in 2 × 4 labels of 105 × 74.25 mm (common adhesive label sheets).
COLUMNS, ROWS = 2, 4
LABEL_W, LABEL_H = 210 / COLUMNS, 297 / ROWS
PAD = 6
QR_MM = 40


@dataclass(frozen=True)
class Label:
    url: str
    address: str


def tenant_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/t/{code}"


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    qr = segno.make(url, error="m")
    rows = list(qr.matrix_iter(border=0))
    module = size / len(rows)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # One rectangle per run of dark modules, slightly overlapping: no hairline gaps.
            pdf.rect(x + start * module, y + r * module, (c - start) * module + 0.01,
                     module + 0.01, style="F")


def qr_sheet(labels: Sequence[Label], phrases: Sequence[tuple[str, str]], *, title: str,
             font_dir: str = DEFAULT_FONT_DIR) -> bytes:
    """The PDF: `phrases` are (language, text) lines printed on every label."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(title)
    for style, name in FONT_FILES.items():
        pdf.add_font("DejaVu", style, os.path.join(font_dir, name))
    pdf.set_text_shaping(True)
    pdf.set_fill_color(0, 0, 0)
    pdf.set_draw_color(200, 200, 200)
    for n, label in enumerate(labels):
        slot = n % (COLUMNS * ROWS)
        if slot == 0:
            pdf.add_page()
        x0 = (slot % COLUMNS) * LABEL_W
        y0 = (slot // COLUMNS) * LABEL_H
        pdf.set_line_width(0.2)
        pdf.set_dash_pattern(dash=1, gap=1)  # where to cut
        pdf.line(x0, y0, x0 + LABEL_W, y0)
        pdf.line(x0, y0, x0, y0 + LABEL_H)
        pdf.set_dash_pattern()
        _draw_qr(pdf, label.url, x0 + PAD, y0 + PAD, QR_MM)
        text_x = x0 + PAD + QR_MM + 4
        text_w = LABEL_W - (text_x - x0) - PAD
        pdf.set_xy(text_x, y0 + PAD)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(text_w, 5.5, label.address, align="L")
        pdf.set_xy(text_x, pdf.get_y() + 2)
        pdf.set_font("DejaVu", "", 6.5)
        pdf.multi_cell(text_w, 3.2, label.url, align="L")
        pdf.set_xy(x0 + PAD, y0 + PAD + QR_MM + 2)
        width = LABEL_W - 2 * PAD
        for lang, text in phrases:
            style, size = ("B", 9.0) if lang == "sv" else ("", 8.5)
            pdf.set_font("DejaVu", style, size)
            while pdf.get_string_width(text) > width and size > 6:  # one line each
                size -= 0.25
                pdf.set_font("DejaVu", style, size)
            pdf.set_x(x0 + PAD)
            pdf.cell(width, 4.6, text, align="R" if lang == "ar" else "L",
                     new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
