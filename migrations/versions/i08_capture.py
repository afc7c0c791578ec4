"""capture: where a finding's position came from; a photo's compass direction

Revision ID: i08_capture
Revises: 0001
Create Date: 2026-12-01 15:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "i08_capture"
down_revision = 'i11b_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position_source", sa.Enum("device", "photo", name="positionsource", native_enum=False, length=14), nullable=True))
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gps_direction", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_column("gps_direction")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_column("position_source")
