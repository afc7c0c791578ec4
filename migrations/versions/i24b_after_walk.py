"""after the walk (issue 24): owners, the answer to each point, the finished after-meeting
and its re-walk, a walk's public links (protocol, residents' pin page), residents' pins, and
mail attachments (a point's photo sent to its owner)

Revision ID: i24b_after_walk
Revises: i22_findings_lists
Create Date: 2026-12-06 06:18:38.533473

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i24b_after_walk'
down_revision = 'i22_findings_lists'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('ours', 'municipality', 'transit', 'landlord', 'police', 'other', name='ownerkind', native_enum=False, length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owners'))
    )
    op.create_table('after_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=False),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('rewalk_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_after_meetings_completed_by_id_users')),
    sa.ForeignKeyConstraint(['rewalk_id'], ['walks.id'], name=op.f('fk_after_meetings_rewalk_id_walks')),
    sa.ForeignKeyConstraint(['walk_id'], ['walks.id'], name=op.f('fk_after_meetings_walk_id_walks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_after_meetings')),
    sa.UniqueConstraint('walk_id', name=op.f('uq_after_meetings_walk_id'))
    )
    with op.batch_alter_table('after_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_after_meetings_completed_by_id'), ['completed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_after_meetings_rewalk_id'), ['rewalk_id'], unique=False)

    op.create_table('mail_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mail_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['mail_id'], ['outbox_mails.id'], name=op.f('fk_mail_attachments_mail_id_outbox_mails'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_attachments'))
    )
    with op.batch_alter_table('mail_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_attachments_mail_id'), ['mail_id'], unique=False)

    op.create_table('public_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('protocol', 'pins', name='linkkind', native_enum=False, length=16), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_public_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['walk_id'], ['walks.id'], name=op.f('fk_public_links_walk_id_walks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_links')),
    sa.UniqueConstraint('token', name=op.f('uq_public_links_token')),
    sa.UniqueConstraint('walk_id', 'kind', name=op.f('uq_public_links_walk_id_kind'))
    )
    with op.batch_alter_table('public_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_links_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_links_walk_id'), ['walk_id'], unique=False)

    op.create_table('resident_pins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('time_of_day', sa.Enum('day', 'evening', 'night', name='timeofday', native_enum=False, length=15), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='pinstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('moderated_at', sa.DateTime(), nullable=True),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_resident_pins_building_id_buildings')),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['users.id'], name=op.f('fk_resident_pins_moderated_by_id_users')),
    sa.ForeignKeyConstraint(['walk_id'], ['walks.id'], name=op.f('fk_resident_pins_walk_id_walks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_pins'))
    )
    with op.batch_alter_table('resident_pins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_pins_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_pins_moderated_by_id'), ['moderated_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_pins_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_pins_walk_id'), ['walk_id'], unique=False)

    op.create_table('finding_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('no_action', sa.Boolean(), nullable=False),
    sa.Column('no_action_reason', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('mail_id', sa.Integer(), nullable=True),
    sa.Column('owner_reply', sa.Text(), nullable=False),
    sa.Column('owner_replied_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_finding_answers_answered_by_id_users')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_finding_answers_finding_id_findings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mail_id'], ['outbox_mails.id'], name=op.f('fk_finding_answers_mail_id_outbox_mails')),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_finding_answers_owner_id_owners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_answers')),
    sa.UniqueConstraint('finding_id', name=op.f('uq_finding_answers_finding_id'))
    )
    with op.batch_alter_table('finding_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_answers_answered_by_id'), ['answered_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_answers_mail_id'), ['mail_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_answers_owner_id'), ['owner_id'], unique=False)



def downgrade():
    with op.batch_alter_table('finding_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_answers_owner_id'))
        batch_op.drop_index(batch_op.f('ix_finding_answers_mail_id'))
        batch_op.drop_index(batch_op.f('ix_finding_answers_answered_by_id'))

    op.drop_table('finding_answers')
    with op.batch_alter_table('resident_pins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_pins_walk_id'))
        batch_op.drop_index(batch_op.f('ix_resident_pins_status'))
        batch_op.drop_index(batch_op.f('ix_resident_pins_moderated_by_id'))
        batch_op.drop_index(batch_op.f('ix_resident_pins_building_id'))

    op.drop_table('resident_pins')
    with op.batch_alter_table('public_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_links_walk_id'))
        batch_op.drop_index(batch_op.f('ix_public_links_created_by_id'))

    op.drop_table('public_links')
    with op.batch_alter_table('mail_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_attachments_mail_id'))

    op.drop_table('mail_attachments')
    with op.batch_alter_table('after_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_after_meetings_rewalk_id'))
        batch_op.drop_index(batch_op.f('ix_after_meetings_completed_by_id'))

    op.drop_table('after_meetings')
    op.drop_table('owners')
