import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "app" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"


def test_swedish_catalog_translates_every_message_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True, stdin=subprocess.DEVNULL,
    )
    with pot.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    missing = sorted(
        key for key in wanted
        if key not in catalog or not catalog[key].string
        or (isinstance(catalog[key].string, tuple) and not all(catalog[key].string))
    )
    fuzzy = sorted(m.id if isinstance(m.id, str) else m.id[0]
                   for m in catalog if m.id and m.fuzzy)
    assert missing == [], f"{len(missing)} untranslated, e.g. {missing[:10]}"
    assert fuzzy == []


def test_times_are_shown_in_stockholm_time(client, login, make, app):
    walker = login("walker")
    # 17:30 UTC on 1 December is 18:30 in Stockholm (CET).
    walk = make.walk(status="planned", leader_id=walker, title="Decembervandring",
                     planned_start=datetime(2026, 12, 1, 17, 30, tzinfo=UTC))
    walk_page = client.get(f"/walks/{walk}").get_data(as_text=True)
    assert "18:30" in walk_page and "17:30" not in walk_page


def test_bulk_assignment_message_is_in_swedish(client, login, make):
    login("manager", language="sv")
    walker = make.user("walker")
    fixer = make.user("fixer")
    walk = make.walk()
    ids = [make.finding(walk, walker) for _ in range(2)]
    response = client.post("/findings/bulk", data={
        "ids": ids, "action": "assign", "assignee_id": fixer, "priority_id": 0,
        "next": "/findings",
    }, follow_redirects=True)
    assert "2 iakttagelser tilldelade." in response.get_data(as_text=True)


def _catalog_faults(path: Path) -> list[str]:
    """What `msgfmt --check` refuses and Babel lets through: a msgid without its msgstr (a
    merge that dropped a line; Babel then reads the next entry wrongly) and a msgid twice."""
    faults, seen = [], set()
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("msgid "):
            i += 1
            continue
        start, key = i + 1, lines[i]
        i += 1
        while i < len(lines) and (lines[i].startswith('"') or lines[i].startswith("msgid_plural")):
            key += lines[i]
            i += 1
        if i == len(lines) or not lines[i].startswith("msgstr"):
            faults.append(f"line {start}: no msgstr")
        context = lines[start - 2] if start > 1 and lines[start - 2].startswith("msgctxt") else ""
        if (context, key) in seen and key != 'msgid ""':
            faults.append(f"line {start}: translated twice")
        seen.add((context, key))
    return faults


def test_every_catalog_gives_each_message_one_translation_entry():
    for po in sorted((ROOT / "app" / "translations").glob("*/LC_MESSAGES/messages.po")):
        assert _catalog_faults(po) == [], po.parent.parent.name


def test_bound_gettext_renders_as_flask_babels(app):
    """The dashboard body's gettext, bound once per render, writes what flask-babel's does:
    translated, %-formatted, escaped when autoescaping."""
    from flask import render_template_string
    from flask_babel import force_locale

    from app.i18n import bound_gettext

    source = ('{{ _("Reports") }}|{{ _("Quarter %(n)d", n=2) }}|{{ _("Fixed %%") }}|'
              '{{ _("90 %% fixed within (days)") }}|{{ _("<b>%(x)s</b>", x="<i>") }}|'
              '{{ _("Reports") ~ "<" }}')
    with app.test_request_context():
        for language in ("sv", "en"):
            with force_locale(language):
                plain = render_template_string(source)
                bound = render_template_string(source, gettext=bound_gettext())
            assert bound == plain
            assert "&lt;i&gt;" in bound
