"""Every change to a finding and what hangs off it: recorded once per client UUID, edited
(its timeline kept), deleted; assigned, moved to another status, fixed, commented, changed
in bulk; and the categories and priorities it is filed under.

Each operation takes validated values, changes the session and flushes; it never commits or
rolls back: the view (or command) decides. Storage keys of files an operation wrote come
back, for the caller's `commit_or_discard`. The rules themselves live beside it: workflow.py
(the status handlers), assignment.py, comments.py, timeline.py, bulk.py, photos.py."""

import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.findings import mail
from app.findings.operations.assignment import Assignment, assign
from app.findings.operations.bulk import BulkResult, bulk_apply
from app.findings.operations.comments import add_comment
from app.findings.operations.photos import attach_photo, delete_photo, photo_keys
from app.findings.operations.timeline import record_changes, snapshot
from app.findings.operations.workflow import transition
from app.findings.schemas import FindingInput
from app.media.photos import ProcessedPhoto
from app.models import (
    Building,
    Category,
    Finding,
    FindingStatus,
    FollowUpItem,
    Photo,
    PhotoKind,
    PositionSource,
    Priority,
    User,
    Walk,
    utcnow,
)
from app.policy import Guest, can, is_guest, may_be_assigned
from app.storage import Storage


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
    finding = Finding(uuid=finding_uuid, walk_id=walk.id, photos=[], **_author_columns(author),
                      **dict.fromkeys(_LATER_COLUMNS), **values)
    session.add(finding)
    try:
        session.flush()
    except IntegrityError:
        # The same UUID arrived twice at once and the other request's insert came first.
        # Callers write nothing before the finding, so the caller rolls the whole
        # transaction back and reads the other one (a SAVEPOINT around every insert cost
        # two statements on each of them).
        raise SentTwiceAtOnce(finding_uuid) from None
    return finding, True


class SentTwiceAtOnce(Exception):
    """The same finding UUID was inserted by another request at the same moment, and that
    one came first. The transaction is lost: the caller rolls it back, then
    `replayed_finding` gives the other request's finding."""

    def __init__(self, finding_uuid: str):
        super().__init__(finding_uuid)
        self.finding_uuid = finding_uuid


def _author_columns(author: User | Guest) -> dict:
    """Who added the finding: a user's id, or a guest's participant row (no account)."""
    if is_guest(author):
        return {"author_id": None, "guest_id": author.participant_id}
    return {"author_id": author.id, "guest_id": None}


def uploader_id(uploader: User | Guest) -> int | None:
    """The account a photo was uploaded by; none for a guest (the finding names them)."""
    return None if is_guest(uploader) else uploader.id


def _same_sender(finding: Finding, author: User | Guest, walk: Walk) -> Finding:
    expected = _author_columns(author)
    if ((finding.author_id, finding.guest_id) != (expected["author_id"], expected["guest_id"])
            or finding.walk_id != walk.id):
        raise DomainError(_l("That finding id is already used."), field="uuid")
    return finding


def update_finding(session: Session, finding: Finding, data: FindingInput, *,
                   actor: User | None) -> Finding:
    """Change the finding's own fields; a changed category or building goes on its
    timeline."""
    before = snapshot(finding)
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
    record_changes(session, finding, before, actor=actor)
    return finding


def delete_finding(session: Session, finding: Finding) -> list[str]:
    """Delete the finding; returns the storage keys of its photos to remove after commit.

    A finding that others refer to (as their original, or on a follow-up checklist) stays.
    """
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


# --- with their photos --------------------------------------------------------------------


def _attach_all(session: Session, storage: Storage, finding: Finding,
                photos: list[ProcessedPhoto], *, uploader: User) -> list[str]:
    keys = []
    for processed in photos:
        photo, _created = attach_photo(session, storage, finding, processed,
                                       kind=PhotoKind.FINDING,
                                       uploaded_by_id=uploader_id(uploader))
        keys += photo_keys(photo)
    return keys


def record_finding(session: Session, storage: Storage, *, walk: Walk, author: User,
                   data: FindingInput, finding_uuid: str | None,
                   photos: list[ProcessedPhoto]) -> tuple[Finding, list[str]]:
    """create_finding with the photos sent beside it (a replay stores none again):
    (finding, storage keys written)."""
    finding, created = create_finding(session, walk=walk, author=author, data=data,
                                      finding_uuid=finding_uuid)
    keys = _attach_all(session, storage, finding, photos, uploader=author) if created else []
    return finding, keys


def edit_finding(session: Session, storage: Storage, finding: Finding, data: FindingInput, *,
                 actor: User, photos: list[ProcessedPhoto]) -> list[str]:
    """update_finding, and the photos added on the edit form: the storage keys written."""
    update_finding(session, finding, data, actor=actor)
    return _attach_all(session, storage, finding, photos, uploader=actor)


def _optional_photo(session: Session, storage: Storage, finding: Finding,
                    processed: ProcessedPhoto | None, kind: PhotoKind, *, uploader: User,
                    **extra) -> list[str]:
    if processed is None:
        return []
    photo, _created = attach_photo(session, storage, finding, processed, kind=kind,
                                   uploaded_by_id=uploader_id(uploader), **extra)
    return photo_keys(photo)


def remove_photo(session: Session, photo: Photo) -> list[str]:
    """The photo's row gone: its files, for the caller to delete after commit."""
    return delete_photo(session, photo)


# --- remediation --------------------------------------------------------------------------


@dataclass
class AssignmentInput:
    """What the assign forms (one finding, or the selected ones) send, by id."""

    assignee_id: int | None
    priority_id: int | None = None
    due_date: date | None = None
    responsible_party: str | None = None
    planned_action: str | None = None
    note: str = ""


def _assignment(session: Session, data: AssignmentInput) -> Assignment:
    return Assignment(
        assignee=session.get(User, data.assignee_id) if data.assignee_id else None,
        priority=session.get(Priority, data.priority_id) if data.priority_id else None,
        due_date=data.due_date, responsible_party=data.responsible_party,
        planned_action=data.planned_action, note=data.note)


def assign_finding(session: Session, finding: Finding, data: AssignmentInput, *, actor: User,
                   expected_version: int | str | None, config: Mapping) -> bool:
    """assignment.assign, and a mail to a new assignee queued in the outbox. True when the
    assignee changed."""
    changed = assign(session, finding, actor=actor, expected_version=expected_version,
                     assignment=_assignment(session, data))
    if changed:
        mail.notify_assignment(session, finding, actor=actor, config=config)
    return changed


def change_status(session: Session, finding: Finding, *, actor: User, to: str, note: str = "",
                  reason: str = "", referred_to: str = "", duplicate_of_id: int | None = None,
                  expected_version: int | str | None = None) -> Finding:
    """workflow.transition; the original of a duplicate given by its number, which the actor
    must be able to see."""
    duplicate_of = None
    if duplicate_of_id:
        duplicate_of = session.get(Finding, duplicate_of_id)
        if duplicate_of is None or not can(actor, "view_finding", duplicate_of):
            raise DomainError(_l("There is no finding with that number."),
                              field="duplicate_of_id")
    return transition(session, finding, actor=actor, to=to, note=note, reason=reason,
                      referred_to=referred_to, duplicate_of=duplicate_of,
                      expected_version=expected_version)


def mark_fixed(session: Session, storage: Storage, finding: Finding, *, actor: User,
               note: str, expected_version: int | str | None,
               photo: ProcessedPhoto | None) -> list[str]:
    """Fixed, with the optional photo after the fix: the storage keys written."""
    transition(session, finding, actor=actor, to=FindingStatus.FIXED, note=note,
               expected_version=expected_version)
    return _optional_photo(session, storage, finding, photo, PhotoKind.AFTER, uploader=actor)


def comment_finding(session: Session, storage: Storage, finding: Finding, *, author: User,
                    body: str, photo: ProcessedPhoto | None) -> list[str]:
    """A comment, with its optional photo: the storage keys written."""
    item = add_comment(session, finding, author=author, body=body)
    return _optional_photo(session, storage, finding, photo, PhotoKind.COMMENT,
                           uploader=author, comment_id=item.id)


def bulk_change(session: Session, ids: list[int], versions: dict[int, str | None], *,
                actor: User, action: str, assignment: AssignmentInput, to: str,
                config: Mapping) -> BulkResult:
    """Assign the findings (`action` "assign") or move them to status `to` ("status"), each
    under the same rules as one at a time; new assignees get their mail."""
    findings = session.scalars(
        select(Finding).where(Finding.id.in_(ids)).order_by(Finding.id)).all()
    notify: set[int] = set()
    if action == "assign":
        chosen = _assignment(session, assignment)
        if chosen.assignee is None:
            raise DomainError(_l("Choose whom to assign the findings to."), field="assignee_id")

        def act(finding: Finding, version: str | None) -> None:
            if assign(session, finding, actor=actor, expected_version=version,
                      assignment=chosen):
                notify.add(finding.id)
    elif action == "status" and to:
        def act(finding: Finding, version: str | None) -> None:
            transition(session, finding, actor=actor, to=to, reason=assignment.note,
                       expected_version=version)
    else:
        raise DomainError(_l("Choose a new status."), field="to")
    result = bulk_apply(session, findings, versions, act)
    for finding in findings:
        if finding.id in notify:
            mail.notify_assignment(session, finding, actor=actor, config=config)
    return result


# --- what findings are filed under (the admin pages) --------------------------------------


def save_category(session: Session, category: Category, values: Mapping) -> Category:
    """A new or edited category; its code unique."""
    clash = session.scalar(select(Category).where(Category.slug == values["slug"]))
    if clash is not None and clash is not category:
        raise DomainError(_l("Another category has that code."), field="slug")
    return _save(session, category, values)


def save_priority(session: Session, priority: Priority, values: Mapping) -> Priority:
    return _save(session, priority, values)


def _save(session: Session, item, values: Mapping):
    for name, value in values.items():
        setattr(item, name, value)
    session.add(item)
    session.flush()
    return item
