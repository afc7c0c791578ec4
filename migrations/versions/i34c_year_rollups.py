"""Yearly rollups of findings and fixes (issue 22): finding_year_rollups (year, district_id,
category_id, status, findings) and fix_year_rollups (year, district_id, whole_days, fixed),
the monthly rollups summed per local year (`year`: its first day, 1 January). A year's
dashboard for all districts sums ~4,900 and ~10,500 rows instead of its months' ~39,000
and ~60,000 (PostgreSQL 1 M, 100 districts). Covering indexes as on the monthly tables
(i33a_rollup_covering_indexes): the sums are read from the index alone, a year's rows in
(district, ...) order.

Filled here from the monthly rollups, so an upgraded database is correct at once (if the
facts are marked stale, the dashboard reads neither until `flask rollups-rebuild`, which
rebuilds these too). PostgreSQL 1 M: 120,000 + 175,000 monthly rows, the whole upgrade
3.8 s.

Revision ID: i34c_year_rollups
Revises: i34b_created_map_covering
Create Date: 2026-12-07 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i34c_year_rollups'
down_revision = 'i34b_created_map_covering'
branch_labels = None
depends_on = None

STATUS = sa.Enum('new', 'acknowledged', 'assigned', 'in_progress', 'fixed', 'verified',
                 'wont_fix', 'not_ours', 'duplicate', name='findingstatus', native_enum=False,
                 create_constraint=False, length=20)


def upgrade():
    op.create_table(
        'finding_year_rollups',
        sa.Column('year', sa.Date(), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('findings', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', 'district_id', 'category_id', 'status',
                                name=op.f('pk_finding_year_rollups')),
    )
    op.create_index('ix_finding_year_rollups_covering', 'finding_year_rollups',
                    ['year', 'district_id', 'category_id', 'status', 'findings'])
    op.create_table(
        'fix_year_rollups',
        sa.Column('year', sa.Date(), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('whole_days', sa.Integer(), nullable=False),
        sa.Column('fixed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', 'district_id', 'whole_days',
                                name=op.f('pk_fix_year_rollups')),
    )
    op.create_index('ix_fix_year_rollups_covering', 'fix_year_rollups',
                    ['year', 'district_id', 'whole_days', 'fixed'])
    fill(op.get_bind())


def fill(bind):
    """The yearly rows summed from the monthly ones (tests/reports/test_rollups.py runs it)."""
    # A month's first day is its row's key; its year's first day the new row's.
    if bind.dialect.name == 'postgresql':
        year = "CAST(date_trunc('year', month) AS date)"
    else:  # SQLite keeps dates as 'YYYY-MM-DD'
        year = "substr(month, 1, 4) || '-01-01'"
    bind.execute(sa.text(
        f"INSERT INTO finding_year_rollups (year, district_id, category_id, status, findings)"
        f" SELECT {year}, district_id, category_id, status, sum(findings)"
        f" FROM finding_rollups GROUP BY {year}, district_id, category_id, status"))
    bind.execute(sa.text(
        f"INSERT INTO fix_year_rollups (year, district_id, whole_days, fixed)"
        f" SELECT {year}, district_id, whole_days, sum(fixed)"
        f" FROM fix_rollups GROUP BY {year}, district_id, whole_days"))


def downgrade():
    op.drop_index('ix_fix_year_rollups_covering', table_name='fix_year_rollups')
    op.drop_table('fix_year_rollups')
    op.drop_index('ix_finding_year_rollups_covering', table_name='finding_year_rollups')
    op.drop_table('finding_year_rollups')
