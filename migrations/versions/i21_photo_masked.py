"""photos: how many rectangles were masked by hand (the photo's privacy line says so)

Revision ID: i21_photo_masked
Revises: i11_cache
Create Date: 2026-12-05 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i21_photo_masked'
down_revision = 'i11_cache'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regions_masked', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_column('regions_masked')
