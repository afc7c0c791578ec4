"""The district analysis as a PDF for the area workshop: the page's tables, same numbers.

Set like the walk protocol (fpdf2, DejaVu Sans), in the reader's language.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.i18n import locale_code
from app.programme.labels import QUESTIONS, amount, points, verdict
from app.reports.protocol import a4_document
from app.template_helpers import number


def render_analysis(data: dict, *, compress: bool = True) -> bytes:
    title = _("In-depth analysis: %(district)s", district=data["district"].name)
    doc = _Document(title, compress)
    doc.text(title, size=17, style="B", height=9)
    doc.text(_("Plan year %(year)d · %(share)s %% of the year has passed", year=data["year"],
               share=number(100 * data["elapsed"], 0)), size=10)
    locale = locale_code()
    for section in (_plan, _measures, _walks_and_findings, _categories, _recurring, _survey):
        section(doc, data, locale)
    # The page's own message (python-format: "%%" is one "%"). Jinja's gettext always
    # formats it; flask_babel's only when given values, so it is formatted here.
    doc.text(_("A change is called real when a two-proportion test finds it larger than the "
               "sampling noise (5 %% level).") % {}, size=8)
    return bytes(doc.pdf.output())


class _Document:
    """An A4 page set like the walk protocol, and the three things the analysis writes."""

    def __init__(self, title: str, compress: bool):
        self.pdf = a4_document(title, title, compress=compress, margin=14)

    def text(self, value, size=10, style="", height=5.5):
        pdf = self.pdf
        pdf.set_font(pdf.font_family, style, size)
        pdf.multi_cell(pdf.epw, height, pdf.safe(str(value)), new_x="LMARGIN", new_y="NEXT")

    def heading(self, value):
        self.pdf.ln(3)
        self.text(value, size=13, style="B", height=7)

    def table(self, head, rows, widths=None):
        pdf = self.pdf
        pdf.set_font(pdf.font_family, "", 8.5)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=5,
                       first_row_as_headings=True) as grid:
            grid.row([pdf.safe(str(h)) for h in head])
            for row in rows:
                grid.row([pdf.safe(str(cell)) for cell in row])


def _plan(doc: _Document, data: dict, locale: str) -> None:
    doc.heading(_("Plan %(year)d: done / target", year=data["year"]))
    if data["progress"]:
        doc.table(
            [_("Measure"), _("Done / target"), _("Status")],
            [[p.measure_type.name(locale),
              f"{amount(p.done)} / {amount(p.target)} {p.measure_type.unit(locale)}",
              _plan_status(p)] for p in data["progress"]],
            widths=(45, 30, 25),
        )
    else:
        doc.text(_("No plan and no measures for this year."))
    if data["survey_goal"] is not None:
        doc.text(_("Survey goal: %(goal)s %%", goal=number(data["survey_goal"])))


def _measures(doc: _Document, data: dict, locale: str) -> None:
    doc.heading(_("Measures done per year"))
    rows = [[t.name(locale), str(y), _done_target(data, t.id, y)]
            for t in data["measure_types"] for y in data["years"]
            if (t.id, y) in data["done"] or (t.id, y) in data["targets"]]
    if rows:
        doc.table([_("Measure"), _("Year"), _("Done / target")], rows, widths=(60, 15, 25))
    else:
        doc.text(_("No measures recorded."))


def _walks_and_findings(doc: _Document, data: dict, locale: str) -> None:
    doc.heading(_("Walks and findings per year"))
    doc.table(
        [_("Year"), _("Walks completed"), _("Findings"), _("Fixed"), _("Share fixed"),
         _("Median days to fix")],
        [[str(r["year"]), _walks(r), str(r["findings"]), str(r["fixed"]),
          _percent(r["fixed_share"]), number(r["median_days"])] for r in data["walks"]],
    )


def _categories(doc: _Document, data: dict, locale: str) -> None:
    doc.heading(_("Findings by category"))
    if data["categories"]:
        doc.table(
            [_("Category")] + [str(y) for y in data["years"]],
            [[e["category"].name(locale)] + [str(e["counts"].get(y, 0)) for y in data["years"]]
             for e in data["categories"]],
            widths=(30,) + (8,) * len(data["years"]),
        )
    else:
        doc.text(_("No findings."))


def _recurring(doc: _Document, data: dict, locale: str) -> None:
    doc.heading(_("Recurring places"))
    if data["recurring"]:
        doc.table([_("Place"), _("Category"), _("Times")],
                  [[r["building"].label, r["category"].name(locale), str(r["count"])]
                   for r in data["recurring"]], widths=(50, 35, 15))
    else:
        doc.text(_("No place had a problem come back after it was fixed."))


def _survey(doc: _Document, data: dict, locale: str) -> None:
    doc.heading(_("Tenant survey: share who feel safe"))
    for key, question in QUESTIONS:
        rows = [r for r in data["survey"] if r["answers"][key]["share"] is not None]
        if not rows:
            continue
        doc.pdf.ln(1)
        doc.text(str(question), style="B")
        doc.table(
            [_("Year"), _("Respondents"), _("Share safe"), _("Change"), _("Significance")],
            [[str(r["year"]), number(r["respondents"], 0), _percent(r["answers"][key]["share"]),
              points(r["answers"][key]["change"].points), verdict(r["answers"][key]["change"])]
             for r in rows],
            widths=(12, 16, 16, 26, 30),
        )


def _percent(value) -> str:
    return "–" if value is None else f"{number(value)} %"


def _walks(row) -> str:
    if row["walk_target"] is None:
        return str(row["walks"])
    return f"{row['walks']} / {row['walk_target']}"


def _done_target(data, type_id, year) -> str:
    done = data["done"].get((type_id, year))
    target = data["targets"].get((type_id, year))
    if done is None and target is None:
        return "–"
    if target is None:
        return amount(done or 0)
    return f"{amount(done or 0)} / {amount(target)}"


def _plan_status(progress) -> str:
    if progress.target is None:
        return _("No target")
    if progress.done >= progress.target:
        return _("Reached")
    return _("Behind plan") if progress.behind else _("On plan")
