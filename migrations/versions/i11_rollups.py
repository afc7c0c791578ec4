"""finding facts, monthly finding and days-to-fix rollups for the dashboard, their state

Revision ID: i11_rollups
Revises: i11_search
Create Date: 2026-12-01 18:30:00

The table starts empty. On a database that already has findings the migration marks it
stale, so the dashboard computes the same numbers live until `flask rollups-rebuild`.
"""
from alembic import op
import sqlalchemy as sa


revision = 'i11_rollups'
down_revision = 'i11_search'
branch_labels = None
depends_on = None


STATUS = sa.Enum('new', 'acknowledged', 'assigned', 'in_progress', 'fixed', 'verified',
                 'wont_fix', 'not_ours', 'duplicate', name='findingstatus', native_enum=False,
                 create_constraint=False, length=20)


def upgrade():
    op.create_table(
        'finding_facts',
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=True),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('fix_days', sa.Float(), nullable=True),
        sa.Column('came_back', sa.Boolean(), nullable=False),
        sa.Column('open_due', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'],
                                name=op.f('fk_finding_facts_finding_id_findings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('finding_id', name=op.f('pk_finding_facts')),
    )
    op.create_index('ix_finding_facts_created_at', 'finding_facts', ['created_at'])
    op.create_index('ix_finding_facts_district_created', 'finding_facts',
                    ['district_id', 'created_at'])
    op.create_index('ix_finding_facts_open_due', 'finding_facts', ['open_due', 'district_id'])
    op.create_index('ix_finding_facts_building_category', 'finding_facts',
                    ['building_id', 'category_id', 'created_at'])
    op.create_index('ix_finding_facts_building_created', 'finding_facts',
                    ['building_id', 'created_at'])
    op.create_table(
        'finding_rollups',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('findings', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'district_id', 'category_id', 'status',
                                name=op.f('pk_finding_rollups')),
    )
    op.create_index('ix_finding_facts_district_fix_days', 'finding_facts',
                    ['district_id', 'fix_days', 'created_at'])
    op.create_index('ix_finding_facts_fix_days', 'finding_facts', ['fix_days', 'created_at'])
    op.create_table(
        'fix_rollups',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('whole_days', sa.Integer(), nullable=False),
        sa.Column('fixed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'district_id', 'whole_days',
                                name=op.f('pk_fix_rollups')),
    )
    op.create_table(
        'building_rollups',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('findings', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', 'building_id', name=op.f('pk_building_rollups')),
    )
    op.create_index('ix_building_rollups_year_findings', 'building_rollups',
                    ['year', 'findings'])
    op.create_table(
        'recurring_rollups',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('findings', sa.Integer(), nullable=False),
        sa.Column('last_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('year', 'building_id', 'category_id',
                                name=op.f('pk_recurring_rollups')),
    )
    op.create_index('ix_recurring_rollups_year_findings', 'recurring_rollups',
                    ['year', 'findings', 'last_at'])
    state = op.create_table(
        'rollup_state',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('stale', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_rollup_state')),
    )
    if op.get_bind().execute(sa.text('SELECT 1 FROM findings LIMIT 1')).first():
        op.bulk_insert(state, [{'name': 'finding_facts', 'stale': True}])


def downgrade():
    op.drop_table('rollup_state')
    op.drop_table('recurring_rollups')
    op.drop_table('building_rollups')
    op.drop_table('fix_rollups')
    op.drop_table('finding_rollups')
    op.drop_index('ix_finding_facts_fix_days', table_name='finding_facts')
    op.drop_index('ix_finding_facts_district_fix_days', table_name='finding_facts')
    op.drop_index('ix_finding_facts_building_created', table_name='finding_facts')
    op.drop_index('ix_finding_facts_building_category', table_name='finding_facts')
    op.drop_index('ix_finding_facts_open_due', table_name='finding_facts')
    op.drop_index('ix_finding_facts_district_created', table_name='finding_facts')
    op.drop_index('ix_finding_facts_created_at', table_name='finding_facts')
    op.drop_table('finding_facts')
