"""users: last login (retention of unused accounts) and when the account was anonymised

Revision ID: i27_person_rights
Revises: i24b_after_walk
Create Date: 2026-12-06 06:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i27_person_rights'
down_revision = 'i24b_after_walk'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
    # An account's last login so far: its newest login session, if any is kept.
    op.execute("UPDATE users SET last_login_at = (SELECT max(user_sessions.last_seen_at) "
               "FROM user_sessions WHERE user_sessions.user_id = users.id)")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('last_login_at')
