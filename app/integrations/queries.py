"""Reads for the integration admin pages."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.models import ApiKey, AppSetting, DeliveryStatus, WebhookDelivery, WebhookEndpoint

# The setting that lets webhooks go to private addresses (an admin turns it on; operations.py).
ALLOW_PRIVATE_TARGETS = "webhooks_allow_private"


def api_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).options(joinedload(ApiKey.created_by))
                                .order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())))


def endpoints_with_counts(session: Session) -> list[tuple[WebhookEndpoint, int, int]]:
    """(endpoint, deliveries waiting, deliveries failed)."""
    waiting = func.count().filter(WebhookDelivery.status == DeliveryStatus.PENDING)
    failed = func.count().filter(WebhookDelivery.status == DeliveryStatus.FAILED)
    counts = dict((row[0], (row[1], row[2])) for row in session.execute(
        select(WebhookDelivery.endpoint_id, waiting, failed)
        .group_by(WebhookDelivery.endpoint_id)))
    return [(e, *counts.get(e.id, (0, 0))) for e in session.scalars(
        select(WebhookEndpoint).order_by(WebhookEndpoint.id))]


def deliveries(session: Session, endpoint: WebhookEndpoint, limit: int = 100
               ) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery)
                                .where(WebhookDelivery.endpoint_id == endpoint.id)
                                .order_by(WebhookDelivery.id.desc()).limit(limit)))


def allow_private(session: Session) -> bool:

    return session.scalar(select(AppSetting.value)
                          .where(AppSetting.key == ALLOW_PRIVATE_TARGETS)) == "1"


def geo_rows(session: Session, query):
    """`query` (select from findings, already filtered) with what a GeoJSON feature shows:
    codes, times, the position and the building's; never a confidential finding."""
    from app.models import Building, Category, District, Finding, Walk

    query = (query.where(Finding.confidential.is_(False))
             .join(Walk, Walk.id == Finding.walk_id)
             .join(District, District.id == Walk.district_id)
             .join(Category, Category.id == Finding.category_id)
             .outerjoin(Building, Building.id == Finding.building_id)
             .with_only_columns(
                 Finding.id, Finding.status, Category.slug.label("category"), Finding.severity,
                 Finding.place_type, Finding.unsafe_rating, Finding.unsafe_for,
                 District.code.label("district_code"), Building.code.label("building_code"),
                 Finding.created_at, Finding.due_date, Finding.fixed_at, Finding.latitude,
                 Finding.longitude, Building.latitude.label("building_latitude"),
                 Building.longitude.label("building_longitude"))
             .order_by(Finding.id))
    return session.execute(query).all()


def district_by_code(session: Session, code: str):
    from app.models import District

    return session.scalar(select(District).where(District.code == code))


def week_findings(session: Session, district_id: int, start, end, *, shareable: bool):
    """The district's findings created in [start, end) (`shareable`: not confidential)."""
    from app.findings.filters import district_condition
    from app.models import Finding

    query = select(Finding).where(district_condition(session, district_id),
                                  Finding.created_at >= start, Finding.created_at < end)
    if not shareable:
        # geo_rows leaves out the confidential ones; counts include them.
        return geo_rows_all(session, query)
    return geo_rows(session, query)


def geo_rows_all(session: Session, query):
    """As geo_rows, but with the confidential findings (for counts only)."""
    from app.models import Category, Finding

    return session.execute(
        query.join(Category, Category.id == Finding.category_id)
        .with_only_columns(Category.slug.label("category"), Finding.place_type,
                           Finding.created_at)).all()
