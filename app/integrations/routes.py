"""Admin screens: API keys (/admin/integrations) and webhooks (/admin/webhooks); the GeoJSON of
findings and the weekly situation feed (/integrations/…, app/integrations/feeds.py)."""

import json

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import DomainError
from app.extensions import db
from app.findings.filters import FindingFilters, filtered_findings
from app.integrations import bp, feeds, queries
from app.integrations import operations as ops
from app.integrations import spec as doc
from app.integrations.auth import json_refusal, key_required
from app.integrations.forms import ActionForm, ApiKeyForm, PrivateTargetsForm, WebhookForm
from app.labels import label
from app.models import ApiKey, ApiScope, WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.policy import get_or_404, require, visible_findings_clause
from app.timeutil import local_today


def _shown_once(html: str, status: int = 200):
    """A page with a new key or secret on it: kept by no cache, not even Back's."""
    return html, status, {"Cache-Control": "no-store"}


@bp.route("/admin/integrations", methods=["GET", "POST"])
def api_keys():
    require("manage_integrations")
    form = ApiKeyForm()
    token = new_key = None
    if form.validate_on_submit():
        try:
            new_key, token = ops.create_key(
                db.session, current_user, name=form.name.data, scopes=form.scopes.data,
                hash_method=_hash_method())
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "name")
        else:
            db.session.commit()
            form = ApiKeyForm(formdata=None)
    status = 422 if form.errors else 200
    return _shown_once(render_template(
        "integrations/api_keys.html", form=form, keys=queries.api_keys(db.session),
        token=token, new_key=new_key, action_form=ActionForm()), status)


def _hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


@bp.post("/admin/integrations/<int:key_id>/revoke")
def revoke_key(key_id: int):
    key = get_or_404(ApiKey, key_id, "manage_integrations")
    if not ActionForm().validate_on_submit():
        abort(400)
    ops.revoke_key(db.session, current_user, key)
    db.session.commit()
    flash(_("The key for %(name)s is revoked: it is refused from now on.", name=key.name),
          "success")
    return redirect(url_for("integrations.api_keys"), code=303)


@bp.route("/admin/webhooks", methods=["GET", "POST"])
def webhooks():
    require("manage_integrations")
    form = WebhookForm()
    new_endpoint = None
    if form.validate_on_submit():
        try:
            new_endpoint = ops.add_endpoint(
                db.session, current_user, url=form.url.data, events=form.events.data,
                allow_private=queries.allow_private(db.session))
        except DomainError as error:
            db.session.rollback()
            form.show_error(error, "url")
        else:
            secret = new_endpoint.secret
            db.session.commit()
            form = WebhookForm(formdata=None)
    private = PrivateTargetsForm(formdata=None, allow_private=queries.allow_private(db.session))
    status = 422 if form.errors else 200
    return _shown_once(render_template(
        "integrations/webhooks.html", form=form, private=private, new_endpoint=new_endpoint,
        secret=secret if new_endpoint else None,
        endpoints=queries.endpoints_with_counts(db.session), action_form=ActionForm()), status)


@bp.post("/admin/webhooks/private")
def private_targets():
    require("manage_integrations")
    form = PrivateTargetsForm()
    if form.validate_on_submit():
        ops.set_allow_private(db.session, current_user, bool(form.allow_private.data))
        db.session.commit()
        flash(_("The webhook setting is saved."), "success")
    return redirect(url_for("integrations.webhooks"), code=303)


@bp.get("/admin/webhooks/<int:endpoint_id>")
def deliveries(endpoint_id: int):
    endpoint = get_or_404(WebhookEndpoint, endpoint_id, "manage_integrations")
    return render_template("integrations/deliveries.html", endpoint=endpoint,
                           deliveries=queries.deliveries(db.session, endpoint),
                           action_form=ActionForm())


@bp.post("/admin/webhooks/<int:endpoint_id>/remove")
def remove_endpoint(endpoint_id: int):
    endpoint = get_or_404(WebhookEndpoint, endpoint_id, "manage_integrations")
    if not ActionForm().validate_on_submit():
        abort(400)
    ops.remove_endpoint(db.session, current_user, endpoint)
    db.session.commit()
    flash(_("The webhook is removed."), "success")
    return redirect(url_for("integrations.webhooks"), code=303)


@bp.post("/admin/webhooks/deliveries/<int:delivery_id>/again")
def send_again(delivery_id: int):
    delivery = get_or_404(WebhookDelivery, delivery_id, "manage_integrations")
    if not ActionForm().validate_on_submit():
        abort(400)
    ops.send_again(db.session, delivery)
    db.session.commit()  # the commit enqueues the delivery job (app/integrations/webhooks.py)
    flash(_("The event is sent again."), "success")
    return redirect(url_for("integrations.deliveries", endpoint_id=delivery.endpoint_id),
                    code=303)


@bp.app_template_filter("api_scope_label")
def api_scope_label(value: str) -> str:
    return _enum_label(ApiScope, value)


@bp.app_template_filter("webhook_event_label")
def webhook_event_label(value: str) -> str:
    return _enum_label(WebhookEvent, value)


def _enum_label(enum_cls, value: str) -> str:
    try:
        return label(enum_cls(value))
    except ValueError:
        return value


# --- GeoJSON and the situation feed (app/integrations/feeds.py) ---------------------------


def _geojson(data: dict, filename: str):
    response = current_app.response_class(json.dumps(data, ensure_ascii=False),
                                          content_type="application/geo+json; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/integrations/findings.geojson")
@doc.spec.validate(resp=doc.answers(HTTP_200=doc.FeatureCollection), skip_validation=True)
@key_required(ApiScope.READ_FINDINGS, optional=True)
def findings_geojson():
    """The findings list's filters (same URL arguments) as GeoJSON: with an API key that
    may read findings, or logged in as someone who may see the list."""
    query = filtered_findings(FindingFilters.from_args(request.args))
    if g.api_key is None:
        if not current_user.is_authenticated:
            return json_refusal(401, _("Log in, or send an API key (Authorization: Bearer …)."))
        require("list_findings")
        query = query.where(visible_findings_clause(current_user))
    rows = queries.geo_rows(db.session, query.limit(GEOJSON_MAX).order_by(None))
    return _geojson(feeds.feature_collection(rows), "findings.geojson")


GEOJSON_MAX = 50_000


def _situation(district_code: str):
    """(district, week, every finding's counted row, the shareable findings' rows) or 404."""
    district = queries.district_by_code(db.session, district_code)
    week = feeds.Week.parse(request.args.get("week"), local_today())
    if district is None or week is None:
        abort(404)
    start, end = week.bounds()
    counted = queries.week_findings(db.session, district.id, start, end, shareable=False)
    return district, week, counted, start, end


@bp.get("/integrations/feeds/situation/<district_code>.geojson")
@doc.spec.validate(query=doc.WeekQuery, resp=doc.answers(HTTP_200=doc.FeatureCollection),
                    skip_validation=True)
@key_required(ApiScope.SITUATION_FEED)
def situation_geojson(district_code: str):
    district, week, counted, start, end = _situation(district_code)
    shared = queries.week_findings(db.session, district.id, start, end, shareable=True)
    data = feeds.feature_collection(
        shared, district={"code": district.code, "name": district.name}, week=week.label,
        period={"start": start.isoformat(), "end": end.isoformat()},
        summary=feeds.summary(counted))
    return _geojson(data, f"situation-{district.code}-{week.label}.geojson")


@bp.get("/integrations/feeds/situation/<district_code>.csv")
@doc.spec.validate(query=doc.WeekQuery, resp=doc.answers(HTTP_200=None), skip_validation=True)
@key_required(ApiScope.SITUATION_FEED)
def situation_csv(district_code: str):
    district, week, counted, _start, _end = _situation(district_code)
    response = current_app.response_class(
        "\ufeff" + feeds.summary_csv(district.code, week, counted),
        content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="situation-{district.code}-{week.label}.csv"')
    response.headers["Cache-Control"] = "no-store"
    return response
