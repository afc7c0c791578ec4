"""The one write of Open311: a service request becomes a finding in triage.

Every finding belongs to a walk, and the district a finding is in is its walk's. A request
from outside has no walk, so each district gets one intake walk for them, made on the first
request: "Open311" with status completed but no completion time. That keeps it out of
every walk count and report (they count walks completed in a period) and closed to
capture (nobody adds findings to it on a phone), while the finding appears everywhere a
finding does: in the New inbox (status new: triage), the list, the map, the exports. Its
author is the API key's integration account, so the finding says where it came from.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.findings.operations import insert_finding
from app.findings.schemas import DESCRIPTION_MAX, FindingInput
from app.models import (
    ApiKey,
    Building,
    Category,
    District,
    Finding,
    LightCondition,
    Walk,
    WalkStatus,
)

INTAKE_ROUTE = "open311:intake"
INTAKE_TITLE = "Open311"


def intake_walk(session: Session, district: District) -> Walk:
    walk = session.scalar(select(Walk).where(Walk.district_id == district.id,
                                             Walk.route == INTAKE_ROUTE).limit(1))
    if walk is None:
        walk = Walk(district_id=district.id, title=INTAKE_TITLE, route=INTAKE_ROUTE,
                    planned_start=datetime.now(UTC), light_condition=LightCondition.DAYLIGHT,
                    status=WalkStatus.COMPLETED, completed_at=None,
                    notes="Findings reported through Open311 (GeoReport v2).")
        session.add(walk)
        session.flush()
    return walk


def create_request(session: Session, key: ApiKey, *, category: Category, building: Building,
                   latitude: float | None, longitude: float | None,
                   description: str) -> Finding:
    data = FindingInput(
        category_id=category.id, building_id=building.id, description=description[:DESCRIPTION_MAX],
        latitude=latitude, longitude=longitude,
    )
    walk = intake_walk(session, building.district)
    finding, _created = insert_finding(session, walk=walk, author=key.service_user, data=data,
                                       finding_uuid=None)
    return finding
