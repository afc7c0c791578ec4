"""Districts and the buildings in them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

if TYPE_CHECKING:
    from app.models.walks import Walk


class District(db.Model):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)

    buildings: Mapped[list[Building]] = relationship(back_populates="district")
    walks: Mapped[list[Walk]] = relationship(back_populates="district")

    def __repr__(self) -> str:
        return f"<District {self.code}>"


class Building(db.Model):
    __tablename__ = "buildings"
    # The nearest-building query narrows by a latitude/longitude box first.
    __table_args__ = (
        Index("ix_buildings_latitude_longitude", "latitude", "longitude"),
        # Search (app/search.py) matches address and code with ILIKE '%…%' on PostgreSQL.
        *(Index(f"ix_buildings_{name}_trgm", name, postgresql_using="gin",
                postgresql_ops={name: "gin_trgm_ops"}) for name in ("address", "code")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    address: Mapped[str] = mapped_column(String(200))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)

    district: Mapped[District] = relationship(back_populates="buildings")

    @property
    def label(self) -> str:
        return self.label_of(self.address, self.code)

    @staticmethod
    def label_of(address: str, code: str) -> str:
        """The label from the two columns alone (lists that read columns, not objects)."""
        return f"{address} ({code})"

    def __repr__(self) -> str:
        return f"<Building {self.code}>"
