"""data versions: a token that changes with every commit that changes what the dashboard reads

Revision ID: i11_cache
Revises: i11_rollups
Create Date: 2026-12-01 22:30:00

The dashboard's computed numbers are kept per token (app/reports/cache.py); no row means
"no token yet", and the first change writes one.
"""
from alembic import op
import sqlalchemy as sa


revision = 'i11_cache'
down_revision = 'i11_rollups'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions')),
    )


def downgrade():
    op.drop_table('data_versions')
