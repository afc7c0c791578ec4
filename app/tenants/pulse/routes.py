"""/t/<code>/pulse: the pulse question of a building's tenant page.

No login (the tenants blueprint is public); CSRF as on every form (the token lives in the
session cookie a first visit gets); a per-address limit; a honeypot. Tenant pages load no
script, so the answer is a plain POST and a 303 back to the page, which shows the thanks.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import DomainError
from app.extensions import db, limiter
from app.tenants import bp
from app.tenants.operations import time_of_day_now
from app.tenants.pulse import operations as ops
from app.tenants.pulse import queries
from app.tenants.pulse.device import (
    COOKIE,
    COOKIE_MAX_AGE,
    new_device_id,
    valid_device_id,
)
from app.tenants.pulse.forms import PulseForm
from app.tenants.queries import building_or_404
from app.timeutil import LOCAL, local_today

FLASH = "pulse"  # the partial shows the messages of this category, wherever it is included


def _device_id() -> str | None:
    return valid_device_id(request.cookies.get(COOKIE))


@bp.app_template_global()
def pulse_for(building, form: PulseForm | None = None) -> dict:
    """What the pulse partial shows for a building (templates/tenants/pulse/_pulse.html)."""
    answered = queries.answered_this_week(db.session, building, _device_id(),
                                          current_app.config["SECRET_KEY"], local_today())
    if form is None and not answered:
        form = PulseForm(formdata=None,
                         time_of_day=time_of_day_now(datetime.now(LOCAL)).value)
    return {"building": building, "answered": answered and form is None, "form": form}


def _pulse_limit() -> str:
    return current_app.config["PULSE_LIMIT"]


def _page(building, form: PulseForm | None = None, status: int = 200) -> Response:
    response = Response(render_template("tenants/pulse/page.html", building=building,
                                        pulse=pulse_for(building, form)), status)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/<code>/pulse")
def pulse_page(code: str):
    return _page(building_or_404(code))


@bp.post("/<code>/pulse")
@limiter.limit(_pulse_limit)
def pulse_answer(code: str):
    building = building_or_404(code)
    form = PulseForm()
    if not form.validate_on_submit():
        return _page(building, form, 422)
    device_id = _device_id()
    if form.website.data:  # the honeypot: thanked as if kept, nothing kept
        kept = True
    else:
        device_id = device_id or new_device_id()
        try:
            kept = ops.record_answer(
                db.session, building, score=form.score.data, time_of_day=form.time_of_day.data,
                device_id=device_id, secret_key=current_app.config["SECRET_KEY"],
                today=local_today())
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "score")
            return _page(building, form, 422)
        db.session.commit()
    flash(_("Thank you for your answer! It helps us see where people feel unsafe.") if kept
          else _("Thank you! You have already answered for this building this week, so your "
                 "first answer counts. You are welcome to answer again next week."), FLASH)
    response = redirect(url_for("tenants.pulse_page", code=building.code), code=303)
    if device_id and device_id != request.cookies.get(COOKIE):
        response.set_cookie(COOKIE, device_id, max_age=COOKIE_MAX_AGE, path="/t/",
                            httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
