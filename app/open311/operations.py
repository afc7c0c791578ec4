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

from sqlalchemy.orm import Session

from app.findings.operations import insert_finding
from app.findings.schemas import DESCRIPTION_MAX, FindingInput
from app.models import (
    ApiKey,
    Building,
    Category,
    District,
    Finding,
    Walk,
)
from app.walks import operations as walks_operations

INTAKE_ROUTE = "open311:intake"
INTAKE_TITLE = "Open311"


def intake_walk(session: Session, district: District) -> Walk:
    return walks_operations.intake_walk(
        session, district, route=INTAKE_ROUTE, title=INTAKE_TITLE,
        notes="Findings reported through Open311 (GeoReport v2).")


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
