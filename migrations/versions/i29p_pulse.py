"""pulse_answers: the tenants' anonymous safety pulse (issue 25)

Revision ID: i29p_pulse
Revises: i29i_meeting_point
Create Date: 2026-12-06 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i29p_pulse'
down_revision = 'i29i_meeting_point'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pulse_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.SmallInteger(), nullable=False),
        sa.Column('time_of_day', sa.Enum('day', 'evening', 'night', name='timeofday',
                                         native_enum=False, length=15), nullable=False),
        sa.Column('answered_on', sa.Date(), nullable=False),
        sa.Column('week', sa.String(length=8), nullable=False),
        sa.Column('once_digest', sa.String(length=64), nullable=False),
        sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_pulse_answers_score_range')),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'],
                                name=op.f('fk_pulse_answers_building_id_buildings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_answers')),
        sa.UniqueConstraint('once_digest', name=op.f('uq_pulse_answers_once_digest')),
    )
    with op.batch_alter_table('pulse_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_answers_building_id'), ['building_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_pulse_answers_answered_on'), ['answered_on'],
                              unique=False)


def downgrade():
    op.drop_table('pulse_answers')
