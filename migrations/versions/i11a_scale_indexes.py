"""indexes for a million findings: newest first, open findings, search (pg_trgm)

Revision ID: i11a_scale
Revises: 0001
Create Date: 2026-12-01 15:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i11a_scale'
down_revision = 'i08_capture'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('new', 'acknowledged', 'assigned', 'in_progress')")
TRGM = ("description", "responsible_party", "planned_action")


def upgrade():
    op.create_index('ix_findings_created_at_id', 'findings', ['created_at', 'id'])
    op.create_index('ix_findings_open_due_date', 'findings', ['due_date'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_findings_open_position', 'findings',
                    ['category_id', 'latitude', 'longitude'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_findings_building_category_fixed', 'findings',
                    ['building_id', 'category_id', 'fixed_at'])
    if op.get_context().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    # Trigram GIN indexes for ILIKE '%…%' on PostgreSQL; plain indexes on SQLite, where
    # they serve nothing much but keep the schema the same as the models'.
    for name in TRGM:
        op.create_index(f'ix_findings_{name}_trgm', 'findings', [name],
                        postgresql_using='gin', postgresql_ops={name: 'gin_trgm_ops'})


def downgrade():
    for name in TRGM:
        op.drop_index(f'ix_findings_{name}_trgm', table_name='findings')
    op.drop_index('ix_findings_building_category_fixed', table_name='findings')
    op.drop_index('ix_findings_open_position', table_name='findings')
    op.drop_index('ix_findings_open_due_date', table_name='findings')
    op.drop_index('ix_findings_created_at_id', table_name='findings')
