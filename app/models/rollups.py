"""What the dashboard reads instead of recomputing history: one narrow row per finding.

A fact holds what the reports need about a finding, with the walk's district copied onto it
and the two expensive answers computed once: days to fix, and whether the finding came back
after an earlier one at the same building and category was fixed, and the finding's texts
for a search within a district (app.findings.fact_list). `app.reports.rollups` keeps the rows
in step with the findings in the same transaction, and rebuilds them all.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.findings import FindingStatus
from app.models.types import UTCDateTime, str_enum


class FindingFact(db.Model):
    __tablename__ = "finding_facts"
    __table_args__ = (
        Index("ix_finding_facts_created_at", "created_at"),
        # A district's hotspots and came-back findings of a period, and the findings list's
        # ids in a district newest (oldest) first, read from the index alone on PostgreSQL
        # (i33a_facts_district_covering, i34a_facts_list_indexes; app.findings.fact_list).
        Index("ix_finding_facts_district_created", "district_id", "created_at", "finding_id",
              postgresql_include=["building_id", "category_id", "came_back", "status",
                                  "open_due"]),
        # The list's ids of a category (with a status) without a district.
        Index("ix_finding_facts_category_created", "category_id", "created_at", "finding_id",
              postgresql_include=["status", "district_id", "building_id", "open_due"]),
        Index("ix_finding_facts_status_category", "status", "category_id", "created_at",
              "finding_id"),
        Index("ix_finding_facts_open_due", "open_due", "district_id"),
        # Recounting one building's year (and its categories') reads only its own facts.
        Index("ix_finding_facts_building_category", "building_id", "category_id",
              "created_at"),
        Index("ix_finding_facts_building_created", "building_id", "created_at"),
        # With created_at, the period is checked in the index (else PostgreSQL ANDs bitmaps).
        Index("ix_finding_facts_district_fix_days", "district_id", "fix_days", "created_at"),
        Index("ix_finding_facts_fix_days", "fix_days", "created_at"),
        # A search within a district on PostgreSQL: the district and the finding's texts in
        # one GIN index (btree_gin and pg_trgm; i35a_facts_search_text, app.findings.fact_list).
        # Empty on SQLite, which searches its FTS5 table.
        Index("ix_finding_facts_district_doc", "district_id", "doc", postgresql_using="gin",
              postgresql_ops={"doc": "gin_trgm_ops"}, sqlite_where=text("0")),
    )

    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer)
    category_id: Mapped[int] = mapped_column(Integer)
    building_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[FindingStatus] = mapped_column(str_enum(FindingStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Days from found to fixed while the status is fixed or verified, else NULL.
    fix_days: Mapped[float | None] = mapped_column(Float)
    # Found again after an earlier finding at the same building and category was fixed.
    came_back: Mapped[bool] = mapped_column(Boolean, default=False)
    # The due date while the finding is open (not done), else NULL: overdue is open_due < today.
    open_due: Mapped[date | None] = mapped_column(Date)
    # The finding's description, responsible party and planned action, joined by DOC_SEPARATOR
    # (which a search's text never holds): a word in one of them is a substring of this.
    doc: Mapped[str | None] = mapped_column(Text)


DOC_SEPARATOR = "\x1f"  # ASCII's unit separator


class FindingRollup(db.Model):
    """Findings per local month of finding, district, category and status: the dashboard's
    counts for whole months (year, quarter, month) without reading the findings."""

    __tablename__ = "finding_rollups"
    # The dashboard's sums read from the index alone (i33a_rollup_covering_indexes).
    __table_args__ = (
        Index("ix_finding_rollups_covering", "month", "district_id", "category_id", "status",
              "findings"),
    )

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first local day
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[FindingStatus] = mapped_column(str_enum(FindingStatus), primary_key=True)
    findings: Mapped[int] = mapped_column(Integer, default=0)


class FixRollup(db.Model):
    """Fixed findings per local month of finding, district and whole days to fix: where the
    median and 90th percentile lie, so only that day's few facts are read for the exact
    value."""

    __tablename__ = "fix_rollups"
    __table_args__ = (
        Index("ix_fix_rollups_covering", "month", "district_id", "whole_days", "fixed"),
    )

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    whole_days: Mapped[int] = mapped_column(Integer, primary_key=True)  # floor(fix_days)
    fixed: Mapped[int] = mapped_column(Integer, default=0)


class FindingYearRollup(db.Model):
    """FindingRollup's rows summed per local year: a year's counts for all districts read
    from ~4,900 rows instead of its months' ~39,000 (PostgreSQL 1 M, 100 districts)."""

    __tablename__ = "finding_year_rollups"
    __table_args__ = (
        Index("ix_finding_year_rollups_covering", "year", "district_id", "category_id",
              "status", "findings"),
    )

    year: Mapped[date] = mapped_column(Date, primary_key=True)  # its first local day, 1 Jan
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[FindingStatus] = mapped_column(str_enum(FindingStatus), primary_key=True)
    findings: Mapped[int] = mapped_column(Integer, default=0)


class FixYearRollup(db.Model):
    """FixRollup's rows summed per local year: a year's days-to-fix histogram for all
    districts from ~10,500 rows instead of its months' ~60,000 (PostgreSQL 1 M)."""

    __tablename__ = "fix_year_rollups"
    __table_args__ = (
        Index("ix_fix_year_rollups_covering", "year", "district_id", "whole_days", "fixed"),
    )

    year: Mapped[date] = mapped_column(Date, primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    whole_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    fixed: Mapped[int] = mapped_column(Integer, default=0)


class BuildingRollup(db.Model):
    """Findings per local year of finding and building, all districts: the year's hotspots."""

    __tablename__ = "building_rollups"
    __table_args__ = (Index("ix_building_rollups_year_findings", "year", "findings"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    building_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    findings: Mapped[int] = mapped_column(Integer, default=0)


class RecurringRollup(db.Model):
    """Findings that came back, per local year, building and category, all districts."""

    __tablename__ = "recurring_rollups"
    __table_args__ = (
        Index("ix_recurring_rollups_year_findings", "year", "findings", "last_at"),
    )

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    building_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BuildingPeriodRollup(db.Model):
    """Findings per building in each local month (`months` 1) and quarter (3), all
    districts: a month's or quarter's hotspots read from an index, not counted from ~80,000
    facts per dashboard."""

    __tablename__ = "building_period_rollups"
    __table_args__ = (
        Index("ix_building_period_rollups_period_findings", "months", "start", "findings"),
    )

    months: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[date] = mapped_column(Date, primary_key=True)  # the period's first local day
    building_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    findings: Mapped[int] = mapped_column(Integer, default=0)


class RecurringPeriodRollup(db.Model):
    """Findings that came back, per local month (`months` 1) and quarter (3), building and
    category, all districts."""

    __tablename__ = "recurring_period_rollups"
    __table_args__ = (
        Index("ix_recurring_period_rollups_period_findings", "months", "start", "findings",
              "last_at"),
    )

    months: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[date] = mapped_column(Date, primary_key=True)
    building_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RollupState(db.Model):
    """A row here says the facts are not (yet) complete: the dashboard reads the findings."""

    __tablename__ = "rollup_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    stale: Mapped[bool] = mapped_column(Boolean, default=True)


class DataVersion(db.Model):
    """A token that changes with every commit that changes what a cached page reads
    (app/reports/cache.py): computed numbers are kept per token."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
