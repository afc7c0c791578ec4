"""The tenants' yearly safety survey."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.places import District


class SurveyResult(db.Model):
    """The tenants' yearly safety survey, per district."""

    __tablename__ = "survey_results"
    __table_args__ = (UniqueConstraint("district_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    respondents: Mapped[int] = mapped_column(Integer)
    safe_share: Mapped[float] = mapped_column(Float)  # percent, 0–100
    evening_safe_share: Mapped[float | None] = mapped_column(Float)
    stairwell_safe_share: Mapped[float | None] = mapped_column(Float)
    outdoor_safe_share: Mapped[float | None] = mapped_column(Float)

    district: Mapped[District] = relationship()
