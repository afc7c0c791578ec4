"""walks.meeting_point: where the group meets, the LOCATION of the walk's calendar event
(issue 24, before the walk)

Revision ID: i29i_meeting_point
Revises: i29i_invitations
Create Date: 2026-12-06 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i29i_meeting_point'
down_revision = 'i29i_invitations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_point', sa.String(length=200), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.drop_column('meeting_point')
