"""Background work a user started and waits for: exports."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.personal import Kind, OnErase, person
from app.models.types import UTCDateTime, str_enum, utcnow


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportJob(db.Model):
    """One export a user asked for: its filters, its progress, and the finished file.

    The file lives in EXPORT_FOLDER under `token` (random, never the id), and only its owner
    downloads it. `include_confidential` records what the file holds, so a user who has since
    lost the right to see confidential findings cannot fetch a file that has them.
    """

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True,
                                       info=person(Kind.SECRET, OnErase.KEEP))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True,
                                         info=person(Kind.USER))
    kind: Mapped[str] = mapped_column(String(16))  # findings | walks
    file_format: Mapped[str] = mapped_column(String(8))  # csv | xlsx
    params: Mapped[str] = mapped_column(Text, default="{}")  # the filter arguments, JSON
    locale: Mapped[str] = mapped_column(String(5), default="sv")
    include_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ExportStatus] = mapped_column(str_enum(ExportStatus),
                                                 default=ExportStatus.QUEUED)
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    row_count: Mapped[int | None] = mapped_column(Integer)
    file_size: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_done / self.rows_total))

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} {self.kind}.{self.file_format} {self.status}>"
