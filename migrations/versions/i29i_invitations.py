"""before the walk (issue 24): walk invitations (name, role, e-mail or phone, the last mail
sent), users' calendar feed tokens (hashed), and walks.calendar_sequence (iCalendar SEQUENCE)

Revision ID: i29i_invitations
Revises: i26_integrations
Create Date: 2026-12-06 17:36:40.938089

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i29i_invitations'
down_revision = 'i26_integrations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )
    op.create_table('walk_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('staff', 'tenant', 'police', 'municipality', 'other', name='participantrole', native_enum=False, length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('mail_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_walk_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mail_id'], ['outbox_mails.id'], name=op.f('fk_walk_invitations_mail_id_outbox_mails'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['walk_id'], ['walks.id'], name=op.f('fk_walk_invitations_walk_id_walks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_invitations'))
    )
    with op.batch_alter_table('walk_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_invitations_invited_by_id'), ['invited_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_invitations_mail_id'), ['mail_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_invitations_walk_id'), ['walk_id'], unique=False)

    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_sequence', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.drop_column('calendar_sequence')

    with op.batch_alter_table('walk_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_invitations_walk_id'))
        batch_op.drop_index(batch_op.f('ix_walk_invitations_mail_id'))
        batch_op.drop_index(batch_op.f('ix_walk_invitations_invited_by_id'))

    op.drop_table('walk_invitations')
    op.drop_table('calendar_feeds')
