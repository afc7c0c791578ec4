from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField

# Arguments that are not filters: never carried into a job.
NOT_FILTERS = frozenset({"csrf_token", "kind", "file_format", "page"})

TITLES = {
    ("findings", "csv"): _l("Export findings as CSV"),
    ("findings", "xlsx"): _l("Export findings as Excel"),
    ("walks", "csv"): _l("Export walks as CSV"),
    ("walks", "xlsx"): _l("Export walks as Excel"),
}


class StartExportForm(FlaskForm):
    """Start an export; the filters travel as further hidden fields, named as in the URL."""

    kind = HiddenField()
    file_format = HiddenField()


class RetryForm(FlaskForm):
    pass


def start_page(kind: str, file_format: str, args: MultiDict) -> dict:
    """What the export links' page (templates/exports/start.html) needs: the form that starts
    the job, with the list's or the dashboard's filters as hidden fields."""
    return {
        "form": StartExportForm(formdata=None, kind=kind, file_format=file_format),
        "filter_args": [(k, v) for k, v in args.items(multi=True) if k not in NOT_FILTERS],
        "title": TITLES[(kind, file_format)],
        "kind": kind,
    }
