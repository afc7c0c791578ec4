"""privacy: faces blurred per photo, blur flags, retention marks

Revision ID: i13_privacy
Revises: 0001
Create Date: 2026-12-01 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i13_privacy'
down_revision = 'i10a_accounts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('faces_blurred', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('blur_flagged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('blur_flagged_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_photos_blur_flagged_at'), ['blur_flagged_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_blur_flagged_by_id'), ['blur_flagged_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_photos_blur_flagged_by_id_users'), 'users', ['blur_flagged_by_id'], ['id'])

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photos_purged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('text_purged_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('text_purged_at')
        batch_op.drop_column('photos_purged_at')

    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_photos_blur_flagged_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_photos_blur_flagged_by_id'))
        batch_op.drop_index(batch_op.f('ix_photos_blur_flagged_at'))
        batch_op.drop_column('blur_flagged_by_id')
        batch_op.drop_column('blur_flagged_at')
        batch_op.drop_column('faces_blurred')
