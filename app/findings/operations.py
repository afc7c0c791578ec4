"""Recording findings on a walk: created once per client UUID, edited, deleted."""

import uuid as uuidlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.findings.schemas import FindingInput
from app.models import (
    Building,
    Category,
    Finding,
    PositionSource,
    User,
    Walk,
    utcnow,
)
from app.places.geo import valid_position
from app.policy import may_be_assigned


def new_uuid() -> str:
    return str(uuidlib.uuid4())


def normalise_uuid(value: str | None) -> str:
    if not value:
        return new_uuid()
    try:
        return str(uuidlib.UUID(str(value)))
    except ValueError as error:
        raise DomainError(_l("The finding's id is not a valid UUID."), field="uuid") from error


def _column_values(session: Session, data: FindingInput) -> dict:
    """The model's column values for `data` (already valid by its schema), or DomainError
    naming the field when what it refers to does not exist."""
    category = session.get(Category, data.category_id)
    if category is None or not category.active:
        raise DomainError(_l("Choose a category."), field="category")
    building = None
    if data.building_id:
        building = session.get(Building, data.building_id)
        if building is None:
            raise DomainError(_l("That building does not exist."), field="building")
    # Only the finding's own fields (the API's NewFinding adds uuid and captured_at).
    values = data.model_dump(include=set(FindingInput.model_fields) - {"category_id",
                                                                        "building_id"})
    return {
        **values,
        "category": category,
        "building": building,
        "unsafe_for": [tag.value for tag in data.unsafe_for],
        "position_source": PositionSource.DEVICE if data.latitude is not None else None,
    }


def find_by_uuid(session: Session, finding_uuid: str) -> Finding | None:
    return session.scalar(select(Finding).where(Finding.uuid == finding_uuid))


def replayed_finding(session: Session, finding_uuid: str | None, *, walk: Walk,
                     author: User) -> Finding | None:
    """The finding this UUID already made, when a client sends it again (even after the walk
    closed); a UUID used by someone else or on another walk is refused."""
    if not finding_uuid:
        return None
    existing = find_by_uuid(session, normalise_uuid(finding_uuid))
    return _same_sender(existing, author, walk) if existing is not None else None


def create_finding(
    session: Session, *, walk: Walk, author: User, data: FindingInput, finding_uuid: str | None
) -> tuple[Finding, bool]:
    """(finding, created). The same UUID sent again returns the first finding, never a second.

    The unique key on `uuid` decides races: a duplicate key rolls the transaction back (it
    wrote nothing else) and returns the row the other request created.
    """
    existing = replayed_finding(session, finding_uuid, walk=walk, author=author)
    if existing is not None:
        return existing, False
    return insert_finding(session, walk=walk, author=author, data=data,
                          finding_uuid=finding_uuid)


_LATER_COLUMNS = ("assignee_id", "priority_id", "due_date", "duplicate_of_id", "acknowledged_at",
                  "assigned_at", "fixed_at", "verified_at", "closed_at", "photos_purged_at",
                  "text_purged_at")


def insert_finding(
    session: Session, *, walk: Walk, author: User, data: FindingInput, finding_uuid: str | None
) -> tuple[Finding, bool]:
    """create_finding() without its replay check first: the same UUID again fails the
    insert and comes back as (the first finding, False). The API checks permission before
    it inserts, and looks a replay up only when that is refused."""
    finding_uuid = normalise_uuid(finding_uuid)
    values = _column_values(session, data)
    # A new finding has no photos and none of the later steps' columns yet: saying so spares
    # the queries that would read them back when the answer lists them.
    finding = Finding(uuid=finding_uuid, walk_id=walk.id, author_id=author.id, photos=[],
                      **dict.fromkeys(_LATER_COLUMNS), **values)
    session.add(finding)
    try:
        session.flush()
    except IntegrityError:
        # The same UUID arrived twice at once and the other request's insert came first.
        # Callers write nothing before the finding, so the whole transaction goes (a
        # SAVEPOINT around every insert cost two statements on each of them).
        session.rollback()
        existing = find_by_uuid(session, finding_uuid)
        if existing is None:
            raise
        return _same_sender(existing, author, walk), False
    return finding, True


def _same_sender(finding: Finding, author: User, walk: Walk) -> Finding:
    if finding.author_id != author.id or finding.walk_id != walk.id:
        raise DomainError(_l("That finding id is already used."), field="uuid")
    return finding


def update_finding(session: Session, finding: Finding, data: FindingInput) -> Finding:
    values = _column_values(session, data)
    if (values["latitude"], values["longitude"]) == (finding.latitude, finding.longitude):
        values["position_source"] = finding.position_source  # the same place, the same source
    assignee = finding.assignee
    if assignee is not None and not may_be_assigned(assignee, values["confidential"]):
        raise DomainError(
            _l("%(name)s, who fixes this finding, may not see confidential findings. "
               "Assign it to a manager first.", name=assignee.name),
            field="confidential",
        )
    for name, value in values.items():
        setattr(finding, name, value)
    finding.updated_at = utcnow()
    session.flush()
    return finding


def delete_finding(session: Session, finding: Finding) -> list[str]:
    """Delete the finding; returns the storage keys of its photos to remove after commit.

    A finding that others refer to (as their original, or on a follow-up checklist) stays.
    """
    from app.models import FollowUpItem

    referred = session.scalar(
        select(func.count(Finding.id)).where(Finding.duplicate_of_id == finding.id)
    ) or session.scalar(
        select(func.count(FollowUpItem.id)).where(FollowUpItem.finding_id == finding.id)
    )
    if referred:
        raise DomainError(
            _l("Other findings or a follow-up walk refer to this finding, so it cannot be "
               "deleted. Close it instead.")
        )
    keys = [k for photo in finding.photos for k in (photo.storage_key, photo.thumb_key)]
    session.delete(finding)
    session.flush()
    return keys


# A phone fix worse than this gives way to the position in a photo's EXIF.
POOR_ACCURACY_M = 100


def use_photo_position(finding: Finding, latitude: float | None, longitude: float | None) -> None:
    """A photo's EXIF GPS places the finding when the phone gave no position, or only a poor
    one. A good fix from the phone wins; the first photo with a position wins over later ones.
    """
    if not valid_position(latitude, longitude):
        return
    if finding.position_source == PositionSource.PHOTO:
        return
    poor = finding.accuracy_m is not None and finding.accuracy_m > POOR_ACCURACY_M
    if finding.latitude is None or poor:
        finding.latitude = latitude
        finding.longitude = longitude
        finding.accuracy_m = None
        finding.position_source = PositionSource.PHOTO
