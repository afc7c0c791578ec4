"""What walkers find, the photos of it, and what happens to it afterwards."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.personal import Kind, person
from app.models.places import Building
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.users import User
from app.models.walks import Walk, WalkParticipant


class PlaceType(StrEnum):
    ENTRANCE = "entrance"
    STAIRWELL = "stairwell"
    BASEMENT = "basement"
    STORAGE = "storage"
    LAUNDRY = "laundry"
    GARAGE = "garage"
    COURTYARD = "courtyard"
    PLAYGROUND = "playground"
    PATH = "path"
    PARKING = "parking"
    OTHER = "other"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class UnsafeFor(StrEnum):
    CHILDREN = "children"
    ELDERLY = "elderly"
    WOMEN = "women"
    DISABILITIES = "disabilities"
    EVERYONE = "everyone"


class PositionSource(StrEnum):
    DEVICE = "device"
    PHOTO = "photo"


class FindingStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    FIXED = "fixed"
    VERIFIED = "verified"
    WONT_FIX = "wont_fix"
    NOT_OURS = "not_ours"
    DUPLICATE = "duplicate"


# A finding in one of these needs no more work (until reopened).
DONE_STATUSES = frozenset(
    {
        FindingStatus.FIXED,
        FindingStatus.VERIFIED,
        FindingStatus.WONT_FIX,
        FindingStatus.NOT_OURS,
        FindingStatus.DUPLICATE,
    }
)


# The same statuses in a fixed order, for SQL (partial indexes must be written alike).
OPEN_STATUSES = tuple(s for s in FindingStatus if s not in DONE_STATUSES)
_OPEN_SQL = text("status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES)))


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_sv: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    icon: Mapped[str] = mapped_column(String(16), default="•")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str) -> str:
        return self.name_sv if locale.startswith("sv") else self.name_en


class Priority(db.Model):
    """How soon a fix is due; sets the default due date on assignment."""

    __tablename__ = "priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_sv: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    days: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, locale: str) -> str:
        return self.name_sv if locale.startswith("sv") else self.name_en


class Finding(db.Model):
    __tablename__ = "findings"
    __table_args__ = (
        # Lists sort by newest first, with the id as tie-breaker; a filter on status,
        # category, assignee or walk (the district filter is its walks) reads its page in
        # that order, and counts, from its index alone.
        # On PostgreSQL it carries the map's marker columns (i34b_created_map_covering): the
        # newest findings in a box are found walking it newest first, from the index alone.
        Index("ix_findings_created_at_id", "created_at", "id",
              postgresql_include=["latitude", "longitude", "status", "category_id",
                                  "due_date"]),
        *(Index(f"ix_findings_{name}_created", column, "created_at", "id")
          for name, column in (("status", "status"), ("category", "category_id"),
                               ("assignee", "assignee_id"), ("walk", "walk_id"))),
        # The map: the newest findings in a box, chosen from the index; on PostgreSQL read
        # from it too (its markers' other columns included; i32m_map_covering_index). A box
        # that crosses at most 64 bands of latitude reads PostgreSQL's ix_findings_map_band
        # instead, which only its migration declares (i36m_map_bands, an expression index).
        Index("ix_findings_position_created", "latitude", "longitude", "created_at", "id",
              postgresql_include=["status", "category_id", "due_date"]),
        # Overdue counts and the possible-duplicates check only look at open findings
        # (about a tenth of them at scale).
        Index("ix_findings_open_due_date", "due_date",
              postgresql_where=_OPEN_SQL, sqlite_where=_OPEN_SQL),
        Index("ix_findings_open_position", "category_id", "latitude", "longitude",
              postgresql_where=_OPEN_SQL, sqlite_where=_OPEN_SQL),
        # Recurring findings: an earlier fix at the same building and category.
        Index("ix_findings_building_category_fixed", "building_id", "category_id",
              "fixed_at"),
        # The district filter goes through the district's walks: open findings of a walk
        # (and category) without touching the table.
        Index("ix_findings_open_walk_category", "walk_id", "category_id",
              postgresql_where=_OPEN_SQL, sqlite_where=_OPEN_SQL),
        # Findings a user may see per walk (/api/v1/walks counts), from the index alone.
        Index("ix_findings_walk_visible", "walk_id", "confidential", "author_id",
              postgresql_include=["id"]),
        # Search is ILIKE on PostgreSQL, served by trigram indexes (pg_trgm); on SQLite
        # these are plain indexes (kept so both databases have the same schema).
        *(
            Index(f"ix_findings_{name}_trgm", name, postgresql_using="gin",
                  postgresql_ops={name: "gin_trgm_ops"})
            for name in ("description", "responsible_party", "planned_action")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Generated by the client: a retried submission finds the finding it already made.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walks.id"))  # indexed above
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    place_type: Mapped[PlaceType] = mapped_column(str_enum(PlaceType), default=PlaceType.OTHER)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    # Where latitude/longitude came from: the phone's location, or a photo's EXIF GPS.
    position_source: Mapped[PositionSource | None] = mapped_column(str_enum(PositionSource))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))  # indexed above
    severity: Mapped[Severity] = mapped_column(str_enum(Severity), default=Severity.MEDIUM)
    unsafe_rating: Mapped[int] = mapped_column(Integer, default=2)
    unsafe_for: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # A guest's finding (joined by code, app/guests) has no account behind it: author_id is
    # empty and guest_id names the walk participant who added it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                  info=person(Kind.USER))
    guest_id: Mapped[int | None] = mapped_column(
        ForeignKey("walk_participants.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    status: Mapped[FindingStatus] = mapped_column(
        str_enum(FindingStatus), default=FindingStatus.NEW  # indexed above
    )

    # Remediation
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"),  # indexed above
                                                    info=person(Kind.USER))
    responsible_party: Mapped[str] = mapped_column(String(120), default="",
                                                   info=person(Kind.NAME))
    planned_action: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priorities.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id"), index=True)
    close_reason: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: two managers saving at once get a conflict, not an overwrite.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Retention (flask purge-expired): when the photos, or a confidential finding's free
    # text, were deleted by the retention rule. The finding itself stays for the reports.
    photos_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    walk: Mapped[Walk] = relationship(back_populates="findings")
    building: Mapped[Building | None] = relationship()
    category: Mapped[Category] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    guest: Mapped[WalkParticipant | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    priority: Mapped[Priority | None] = relationship()
    duplicate_of: Mapped[Finding | None] = relationship(remote_side=[id])
    photos: Mapped[list[Photo]] = relationship(
        back_populates="finding", order_by="Photo.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[FindingEvent]] = relationship(
        back_populates="finding", order_by="FindingEvent.id", cascade="all, delete-orphan"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="finding", order_by="Comment.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    @property
    def public_photos(self) -> list[Photo]:
        """Photos of the finding and of its fix; comment photos are internal."""
        return [p for p in self.photos if p.kind != PhotoKind.COMMENT]

    @property
    def reported_photos(self) -> list[Photo]:
        """The photos taken when the finding was reported."""
        return [p for p in self.photos if p.kind == PhotoKind.FINDING]

    def __repr__(self) -> str:
        return f"<Finding {self.id} {self.status}>"


class PhotoKind(StrEnum):
    FINDING = "finding"
    AFTER = "after"
    COMMENT = "comment"


class Photo(db.Model):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[PhotoKind] = mapped_column(str_enum(PhotoKind), default=PhotoKind.FINDING)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    # Set by the offline outbox so a photo re-sent after a dropped connection is stored once.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gps_latitude: Mapped[float | None] = mapped_column(Float)
    gps_longitude: Mapped[float | None] = mapped_column(Float)
    gps_direction: Mapped[float | None] = mapped_column(Float)  # degrees, 0 = north
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"),
                                                       info=person(Kind.USER))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Faces blurred automatically when stored; None when blurring was switched off.
    faces_blurred: Mapped[int | None] = mapped_column(Integer)
    # Rectangles masked by hand (all redactions together); None when never masked.
    regions_masked: Mapped[int | None] = mapped_column(Integer)
    # Someone who can see the photo says it is not blurred well enough; cleared by a
    # manager (clear_photo_flag), also by their redaction.
    blur_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    blur_flagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                           info=person(Kind.USER))

    finding: Mapped[Finding] = relationship(back_populates="photos")


class FindingEvent(db.Model):
    """An immutable line in a finding's timeline."""

    __tablename__ = "finding_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                 info=person(Kind.USER))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    field: Mapped[str] = mapped_column(String(40))
    from_value: Mapped[str | None] = mapped_column(
        String(200), info=person(Kind.USER, only_if=("field", ("assignee",))))
    to_value: Mapped[str | None] = mapped_column(
        String(200), info=person(Kind.USER, only_if=("field", ("assignee",))))
    note: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))

    finding: Mapped[Finding] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True,
                                           info=person(Kind.USER))
    body: Mapped[str] = mapped_column(Text, info=person(Kind.TEXT))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    finding: Mapped[Finding] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
    photos: Mapped[list[Photo]] = relationship(foreign_keys=[Photo.comment_id])
