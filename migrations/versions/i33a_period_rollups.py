"""Monthly and quarterly rollups of buildings and came-back pairs, all districts (issue 22):
a month's or quarter's hotspots and recurring findings on the all-districts dashboard are
read from an index instead of counted from ~80,000 facts per request.

On a database that already has findings the new tables start empty: the facts are marked
stale, so the dashboard computes the same numbers live until `flask rollups-rebuild`.

Revision ID: i33a_period_rollups
Revises: i32m_map_covering_index
Create Date: 2026-12-06 23:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i33a_period_rollups'
down_revision = 'i32m_map_covering_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'building_period_rollups',
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('findings', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('months', 'start', 'building_id',
                                name=op.f('pk_building_period_rollups')),
    )
    op.create_index('ix_building_period_rollups_period_findings', 'building_period_rollups',
                    ['months', 'start', 'findings'])
    op.create_table(
        'recurring_period_rollups',
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('findings', sa.Integer(), nullable=False),
        sa.Column('last_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('months', 'start', 'building_id', 'category_id',
                                name=op.f('pk_recurring_period_rollups')),
    )
    op.create_index('ix_recurring_period_rollups_period_findings',
                    'recurring_period_rollups', ['months', 'start', 'findings', 'last_at'])
    bind = op.get_bind()
    if bind.execute(sa.text('SELECT 1 FROM findings LIMIT 1')).first():
        bind.execute(sa.text(
            "DELETE FROM rollup_state WHERE name = 'finding_facts'"))
        bind.execute(sa.text(
            "INSERT INTO rollup_state (name, stale) VALUES ('finding_facts', :stale)"
        ), {'stale': True})


def downgrade():
    op.drop_index('ix_recurring_period_rollups_period_findings',
                  table_name='recurring_period_rollups')
    op.drop_table('recurring_period_rollups')
    op.drop_index('ix_building_period_rollups_period_findings',
                  table_name='building_period_rollups')
    op.drop_table('building_period_rollups')
