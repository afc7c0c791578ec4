"""The walk protocol (trygghetsvandringsprotokoll) as a PDF, made with fpdf2.

Text is set in DejaVu Sans (Debian's fonts-dejavu-core, PDF_FONT_DIR) so that å, ä, ö and
other letters come out right. Without the font the protocol still renders, in the PDF core
font Helvetica, which covers Swedish letters (Windows-1252) but not every character.
Category emoji are left out: no PDF text font draws them; the category name is enough.

The public version, for tenants, police and the municipality, leaves out confidential
findings and the participants' names (their roles are kept).
"""

from __future__ import annotations

import io
import os
from collections import Counter

from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF

from app.i18n import local_date, local_datetime, locale_code
from app.labels import label
from app.models import Finding, PhotoKind, Walk
from app.storage import Storage

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
THUMB_MM = 38


class ProtocolPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.font_family, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, self.safe(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")

    unicode = True

    def safe(self, text: str) -> str:
        """Text the current font can draw."""
        if self.unicode:
            return text
        return text.encode("cp1252", "replace").decode("cp1252")

    def paragraph(self, value, size=10, style="", height=5.5, color=(0, 0, 0)) -> None:
        """A block of text across the page."""
        self.set_font(self.font_family, style, size)
        self.set_text_color(*color)
        self.multi_cell(self.epw, height, self.safe(str(value)), new_x="LMARGIN", new_y="NEXT")

    def pair(self, key, value) -> None:
        """A bold key and its value (a dash when there is none) on one line."""
        self.set_font(self.font_family, "B", 10)
        self.cell(45, 6, self.safe(str(key)))
        self.set_font(self.font_family, "", 10)
        self.multi_cell(self.epw - 45, 6, self.safe(str(value or "–")), new_x="LMARGIN",
                        new_y="NEXT")


def setup_fonts(pdf: ProtocolPDF) -> None:
    folder = current_app.config.get("PDF_FONT_DIR", DEFAULT_FONT_DIR)
    paths = {style: os.path.join(folder, name) for style, name in FONT_FILES.items()}
    if all(os.path.isfile(path) for path in paths.values()):
        for style, path in paths.items():
            pdf.add_font("DejaVu", style, path)
        pdf.set_font("DejaVu", "", 10)
        pdf.unicode = True
    else:
        current_app.logger.warning("PDF font not found in %s; using Helvetica", folder)
        pdf.core_fonts_encoding = "windows-1252"  # å, ä, ö, –, • and €
        pdf.set_font("helvetica", "", 10)
        pdf.unicode = False


def protocol_findings(walk: Walk, *, public: bool) -> list[Finding]:
    findings = sorted(walk.findings, key=lambda f: (f.created_at, f.id))
    if public:
        findings = [f for f in findings if not f.confidential]
    return findings


def render_protocol(walk: Walk, *, public: bool, storage: Storage,
                    compress: bool = True) -> bytes:
    """The walk's protocol as PDF bytes; `public` leaves out confidential findings and names."""
    locale = locale_code()
    title = _("Safety walk protocol")
    pdf = _document(walk, title, compress)
    _walk_facts(pdf, walk, title, public=public)
    findings = protocol_findings(walk, public=public)
    _participants(pdf, walk, public=public)
    _summary(pdf, walk, findings, locale)
    pdf.ln(3)
    pdf.paragraph(_("Findings"), size=13, style="B", height=7)
    for number, finding in enumerate(findings, start=1):
        _finding_block(pdf, number, finding, storage, locale, public=public)
    if not findings:
        pdf.paragraph(_("No findings."))
    return bytes(pdf.output())


def _document(walk: Walk, title: str, compress: bool) -> ProtocolPDF:
    """An A4 document with its fonts, title and footer, on its first page."""
    footer = f"{title} · {walk.district.name} · {local_date(walk.planned_start)}"
    return a4_document(title, footer, compress=compress, margin=16)


def a4_document(title: str, footer: str, *, compress: bool, margin: float) -> ProtocolPDF:
    """An A4 document set like the walk protocol (fonts, title, `footer` with the page
    number), on its first page."""
    pdf = ProtocolPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(margin, margin, margin)
    setup_fonts(pdf)
    pdf.set_title(title)
    pdf.set_creator("Trygg")
    pdf.footer_text = footer
    pdf.add_page()
    return pdf


def _walk_facts(pdf: ProtocolPDF, walk: Walk, title: str, *, public: bool) -> None:
    """The title, and the walk's district, date, light, completion and leader."""
    pdf.paragraph(title, size=18, style="B", height=9)
    pdf.paragraph(walk.title, size=13, height=7)
    if public:
        pdf.paragraph(_("Public version: confidential findings and names are left out."),
                      size=9, color=(80, 80, 80))
    pdf.ln(2)
    pdf.pair(_("District"), walk.district.name)
    pdf.pair(_("Date"), local_datetime(walk.started_at or walk.planned_start))
    pdf.pair(_("Light"), label(walk.light_condition))
    if walk.completed_at:
        pdf.pair(_("Completed"), local_datetime(walk.completed_at))
    if not public and walk.leader:
        pdf.pair(_("Leader"), walk.leader.name)


def _participants(pdf: ProtocolPDF, walk: Walk, *, public: bool) -> None:
    """Who took part: by name and role, or (public) a count per role."""
    pdf.ln(3)
    pdf.paragraph(_("Participants"), size=13, style="B", height=7)
    if public:
        roles = Counter(p.role for p in walk.participants)
        lines = [f"{label(role)}: {count}" for role, count in roles.items()]
    else:
        # A name removed by the retention rule leaves the role.
        lines = [f"{p.name} ({label(p.role)})" if p.name else str(label(p.role))
                 for p in walk.participants]
    pdf.paragraph("\n".join(lines) if lines else _("No participants recorded."))


def _summary(pdf: ProtocolPDF, walk: Walk, findings: list[Finding], locale: str) -> None:
    """The number of findings per category, the walk's notes and its route."""
    pdf.ln(3)
    pdf.paragraph(_("Summary"), size=13, style="B", height=7)
    per_category = Counter(f.category.name(locale) for f in findings)
    summary = [_("Findings: %(num)d", num=len(findings))]
    summary += [f"• {name}: {count}" for name, count in per_category.most_common()]
    pdf.paragraph("\n".join(summary))
    if walk.notes:
        pdf.ln(1)
        pdf.paragraph(walk.notes)
    if walk.route:
        pdf.ln(1)
        pdf.paragraph(_("Route: %(route)s", route=walk.route), size=9, color=(60, 60, 60))


def _finding_block(pdf: ProtocolPDF, number: int, finding: Finding, storage: Storage,
                   locale: str, *, public: bool) -> None:
    photo = next((p for p in finding.photos if p.kind == PhotoKind.FINDING), None)
    image = None
    if photo is not None and storage.exists(photo.thumb_key):
        image = io.BytesIO(storage.read(photo.thumb_key))
    # Keep a finding on one page: start a new page when too little room is left.
    if pdf.get_y() > pdf.h - 16 - 55:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, top, pdf.w - pdf.r_margin, top)
    pdf.ln(2)
    top = pdf.get_y()
    left = pdf.l_margin
    text_x = left
    if image is not None:
        pdf.image(image, x=left, y=top, w=THUMB_MM, h=THUMB_MM, keep_aspect_ratio=True)
        text_x = left + THUMB_MM + 4
    text_w = pdf.w - pdf.r_margin - text_x

    def line(value, style="", size=10):
        pdf.set_x(text_x)
        pdf.set_font(pdf.font_family, style, size)
        pdf.multi_cell(text_w, 5, pdf.safe(str(value)), new_x="LMARGIN", new_y="NEXT")

    pdf.set_text_color(0, 0, 0)
    heading = f"{number}. {finding.category.name(locale)} · {label(finding.severity)}"
    if finding.confidential and not public:
        heading += " · " + _("Confidential")
    line(heading, style="B", size=11)
    place = label(finding.place_type)
    if finding.building:
        place = f"{place} · {finding.building.label}"
    line(_("Place: %(place)s", place=place))
    if finding.description:
        line(finding.description)
    line(_("Status: %(status)s", status=label(finding.status)))
    if finding.responsible_party:
        line(_("Responsible party: %(party)s", party=finding.responsible_party))
    if finding.planned_action:
        line(_("Planned action: %(action)s", action=finding.planned_action))
    if finding.due_date:
        line(_("Due: %(date)s", date=local_date(finding.due_date)))
    bottom = max(pdf.get_y(), top + (THUMB_MM if image is not None else 0))
    pdf.set_y(bottom + 3)
