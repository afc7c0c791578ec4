"""The safety programme beyond walks: measure types, measures done, and yearly plans."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.personal import Kind, person
from app.models.places import District
from app.models.types import UTCDateTime, utcnow
from app.models.users import User


class MeasureType(db.Model):
    """A kind of safety measure (guard hours, courtyards opened …) and the unit it counts in.

    `counts_walks` marks the one type whose numbers come from completed walks, not from
    measures recorded by hand.
    """

    __tablename__ = "measure_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_sv: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    unit_sv: Mapped[str] = mapped_column(String(40))
    unit_en: Mapped[str] = mapped_column(String(40))
    counts_walks: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str) -> str:
        return self.name_sv if locale.startswith("sv") else self.name_en

    def unit(self, locale: str) -> str:
        return self.unit_sv if locale.startswith("sv") else self.unit_en


class Measure(db.Model):
    """One measure done in a district: a training held, 40 guard hours in March …"""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_type_id: Mapped[int] = mapped_column(ForeignKey("measure_types.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    done_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="", info=person(Kind.TEXT))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                       info=person(Kind.USER))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    measure_type: Mapped[MeasureType] = relationship()
    district: Mapped[District] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class DistrictPlan(db.Model):
    """A district's plan for a year: the survey goal and a target per measure type.

    The walk target stays in `walk_targets` (the dashboard and its admin page use it); the
    plan reads and writes it there for the walk measure type.
    """

    __tablename__ = "district_plans"
    __table_args__ = (UniqueConstraint("district_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    survey_goal: Mapped[float | None] = mapped_column(Float)

    district: Mapped[District] = relationship()
    targets: Mapped[list[PlanTarget]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )


class PlanTarget(db.Model):
    __tablename__ = "plan_targets"
    __table_args__ = (UniqueConstraint("plan_id", "measure_type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("district_plans.id", ondelete="CASCADE"), index=True
    )
    measure_type_id: Mapped[int] = mapped_column(ForeignKey("measure_types.id"), index=True)
    target: Mapped[float] = mapped_column(Float)

    plan: Mapped[DistrictPlan] = relationship(back_populates="targets")
    measure_type: Mapped[MeasureType] = relationship()
