"""The register extract of one person as one file: a ZIP holding person.json (every record,
complete), person.pdf (the same, readable, in the chosen language) and the photos they took.
"""

from __future__ import annotations

import io
import textwrap
import zipfile

from flask_babel import gettext as _

from app.i18n import local_datetime
from app.models.types import utcnow
from app.privacy.access import Records, as_json, table_label
from app.reports.protocol import a4_document
from app.storage import Storage

# A long free text is cut in the PDF (the JSON has all of it).
PDF_TEXT = 600
# Characters per line at 8 pt across the A4 page.
WRAP = 110


def extract_filename(records: Records) -> str:
    who = f"account-{records.person.user.id}" if records.person.user else "name"
    return f"register-extract-{who}-{utcnow():%Y%m%d}.zip"


def build_extract(records: Records, storage: Storage) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", as_json(records))
        archive.writestr("person.pdf", render_pdf(records))
        for key in records.photo_keys:
            if storage.exists(key):
                archive.writestr(f"photos/{key}", storage.read(key))
    return out.getvalue()


def _value(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= PDF_TEXT else text[:PDF_TEXT] + " …"


def _lines(pdf, texts) -> None:
    """Rows in small print, wrapped here and set line by line as cells: fpdf2's own line
    breaking (multi_cell) took 31 s for the 1,500 rows of the demo's manager."""
    pdf.set_font(pdf.font_family, "", 8)
    pdf.set_text_color(0, 0, 0)
    for text in texts:
        for line in textwrap.wrap(text, WRAP, subsequent_indent="   ") or [""]:
            pdf.cell(pdf.epw, 3.8, pdf.safe(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def render_pdf(records: Records) -> bytes:
    person = records.person
    title = _("Register extract")
    pdf = a4_document(title, f"Trygg · {title}", compress=True, margin=16)
    pdf.paragraph(title, size=18, style="B", height=9)
    pdf.paragraph(person.label, size=13, height=7)
    pdf.paragraph(_("Every record in Trygg that names or was made by this person, on "
                    "%(when)s. The file person.json beside this one holds the same records "
                    "in full.", when=local_datetime(utcnow())), size=9, color=(80, 80, 80))
    pdf.ln(2)
    if person.user is not None:
        pdf.pair(_("E-mail"), person.user.email)
    pdf.pair(_("Records"), str(records.total))
    pdf.pair(_("Mentions"), str(len(records.mentions)))
    for name, rows in records.tables.items():
        pdf.ln(3)
        pdf.paragraph(f"{table_label(name)} ({len(rows)})", size=13, style="B", height=7)
        _lines(pdf, (" · ".join(f"{key}: {_value(value)}" for key, value in row.items()
                                if value not in (None, "")) for row in rows))
    if records.mentions:
        pdf.ln(3)
        pdf.paragraph(_("Free text that mentions the name or e-mail (%(n)d)",
                        n=len(records.mentions)), size=13, style="B", height=7)
        _lines(pdf, (f"{table_label(m.table)} #{m.row_id} ({m.column}): {_value(m.text)}"
                     for m in records.mentions))
    return bytes(pdf.output())
