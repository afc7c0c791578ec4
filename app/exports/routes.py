"""Export jobs: start, progress (a page, or a fragment htmx polls), retry, download."""

from datetime import timedelta

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app import jobs
from app.errors import DomainError
from app.exports import bp, queries
from app.exports import operations as ops
from app.exports.forms import RetryForm, StartExportForm, start_page
from app.extensions import db
from app.htmx import add_vary, wants_fragment
from app.i18n import locale_code
from app.models import ExportJob, ExportStatus
from app.policy import can, get_or_404, require
from app.storage import get_storage


def _own_job_or_404(export_id: int) -> ExportJob:
    # download_export includes export_data: one check, in policy.py.
    return get_or_404(ExportJob, export_id, "download_export")


def _enqueue(job: ExportJob):
    export_id = job.id  # read before the commit: afterwards it would open a new transaction
    db.session.commit()
    if not jobs.enqueue("export", export_id):
        ops.could_not_start(db.session, export_id)
        db.session.commit()
    return redirect(url_for("exports.show", export_id=export_id), code=303)


@bp.post("/exports")
def start():
    if not can(current_user, "export_data"):
        abort(404)
    form = StartExportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        job = ops.start_export(
            db.session, user=current_user, kind=form.kind.data, file_format=form.file_format.data,
            args=request.form, locale=locale_code(),
            keep=timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"]),
        )
    except DomainError:
        abort(400)
    return _enqueue(job)


@bp.post("/exports/<int:export_id>/again")
def again(export_id: int):
    job = _own_job_or_404(export_id)
    if not RetryForm().validate_on_submit():
        abort(400)
    return _enqueue(ops.again(db.session, job, current_user))


@bp.get("/exports/<int:export_id>")
def show(export_id: int):
    job = _own_job_or_404(export_id)
    context = {
        "job": job,
        "stalled": queries.stalled(
            job, stale_seconds=current_app.config["EXPORT_STALE_SECONDS"]),
        "file_name": queries.download_name(job) if job.status == ExportStatus.DONE else None,
        "retry_form": RetryForm(),
    }
    if wants_fragment():
        response = current_app.make_response(render_template("exports/_status.html", **context))
    else:
        response = current_app.make_response(render_template(
            "exports/show.html", recent=queries.recent(db.session, current_user), **context))
    response.headers["Cache-Control"] = "private, no-store"
    return add_vary(response)


@bp.get("/exports/<int:export_id>/download")
def download(export_id: int):
    job = _own_job_or_404(export_id)
    if job.status != ExportStatus.DONE:
        abort(404)
    key = ops.stored_key(job)
    try:
        # In the bucket (several hosts: the worker's host wrote it), else on this disk.
        stored = ops.file_path(job) if key is None else get_storage().open(key)
    except FileNotFoundError:
        abort(404)
    if key is None and not stored.is_file():
        abort(404)
    response = send_file(
        stored, mimetype=ops.MIMETYPES[job.file_format], as_attachment=True,
        download_name=queries.download_name(job), max_age=0, conditional=False, etag=False,
    )
    if job.file_format == "csv":
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Row-Count"] = str(job.row_count)
    return response


# --- the export links (from the findings list and the dashboard) ---------------------------
# They land on a page whose button starts the export as a job: a million rows take longer
# than a request may, and a GET must not start work.


def _export_start(kind: str, file_format: str):
    require("export_data")
    return render_template("exports/start.html",
                           **start_page(kind, file_format, request.args))


@bp.get("/exports/<any(findings, walks):kind>.csv")
def export_csv(kind: str):
    return _export_start(kind, "csv")


@bp.get("/exports/<any(findings, walks):kind>.xlsx")
def export_xlsx(kind: str):
    return _export_start(kind, "xlsx")
