"""tenant_reports.latitude, longitude: the phone's position when a tenant taps "Use my position" (issue 25)

Revision ID: i29t_tenant_position
Revises: i29g_join_by_code
Create Date: 2026-12-06 18:29:21.979884

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i29t_tenant_position'
down_revision = 'i29g_join_by_code'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenant_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))



def downgrade():
    with op.batch_alter_table('tenant_reports', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')

