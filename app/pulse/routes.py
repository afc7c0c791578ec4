"""/t/<code>/pulse: the pulse question of a building's tenant page. No login; CSRF as on
every form (the token lives in the session cookie a first visit gets); per-address limit."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from app.errors import DomainError
from app.extensions import db, limiter
from app.htmx import add_vary, wants_fragment
from app.pulse import bp, queries
from app.pulse import operations as ops
from app.pulse.device import (
    COOKIE,
    COOKIE_MAX_AGE,
    new_device_id,
    time_of_day_at,
    valid_device_id,
)
from app.pulse.forms import PulseForm
from app.timeutil import LOCAL, local_today


def _device_id() -> str | None:
    return valid_device_id(request.cookies.get(COOKIE))


def _new_form() -> PulseForm:
    return PulseForm(time_of_day=time_of_day_at(datetime.now(LOCAL)).value)


@bp.app_template_global()
def pulse_for(building) -> dict:
    """What the pulse partial shows on a tenant page (templates/pulse/_pulse.html)."""
    answered = queries.answered_this_week(db.session, building, _device_id(),
                                          current_app.config["SECRET_KEY"], local_today())
    return {"building": building, "state": "answered" if answered else "ask",
            "form": None if answered else _new_form()}


def _pulse_limit() -> str:
    return current_app.config["PULSE_LIMIT"]


@bp.get("/t/<code>/pulse")
def page(code: str):
    building = queries.building_or_404(db.session, code)
    response = Response(render_template("pulse/page.html", building=building,
                                        pulse=pulse_for(building)))
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.post("/t/<code>/pulse")
@limiter.limit(_pulse_limit)
def answer(code: str):
    building = queries.building_or_404(db.session, code)
    form = PulseForm()
    device_id = _device_id()
    state = None
    if form.validate_on_submit():
        if form.website.data:  # the honeypot: answered as if kept, nothing kept
            state = "saved"
        else:
            device_id = device_id or new_device_id()
            try:
                kept = ops.record_answer(
                    db.session, building, score=form.score.data,
                    time_of_day=form.time_of_day.data, device_id=device_id,
                    secret_key=current_app.config["SECRET_KEY"], today=local_today())
            except DomainError as error:
                db.session.rollback()
                form.show_error(error, "score")
            else:
                db.session.commit()
                state = "saved" if kept else "again"
    if state is None:
        response = _respond(building, {"building": building, "state": "ask", "form": form},
                            422)
    elif wants_fragment():
        response = _respond(building, {"building": building, "state": state, "form": None})
    else:
        flash(_thanks(state), "success")
        response = redirect(url_for("pulse.page", code=building.code), code=303)
    if device_id and device_id != request.cookies.get(COOKIE):
        response.set_cookie(COOKIE, device_id, max_age=COOKIE_MAX_AGE, path="/t/",
                            httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _thanks(state: str) -> str:
    if state == "again":
        return _("Thank you! You have already answered for this building this week, so your "
                 "first answer counts. You are welcome to answer again next week.")
    return _("Thank you for your answer! It helps us see where people feel unsafe.")


def _respond(building, pulse: dict, status: int = 200) -> Response:
    template = "pulse/_pulse.html" if wants_fragment() else "pulse/page.html"
    pulse["message"] = _thanks(pulse["state"]) if pulse["state"] in ("saved", "again") else None
    response = Response(render_template(template, building=building, pulse=pulse), status)
    response.headers["Cache-Control"] = "private, no-cache"
    return add_vary(response)
