"""the safety programme: measure types, measures, yearly plans; survey questions

Revision ID: i14_programme
Revises: 0001
Create Date: 2026-12-01 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i14_programme'
down_revision = 'i10b_hardening'
branch_labels = None
depends_on = None


DEFAULT_MEASURE_TYPES = [
    # slug, Swedish, English, unit sv, unit en, counts walks
    ("safety_walk", "Trygghetsvandring", "Safety walk", "vandringar", "walks", True),
    ("guard_hours", "Ordningsvakter i centrum", "Security guard hours", "timmar", "hours", False),
    ("courtyard", "Gård öppnad för gemenskap", "Courtyard opened", "gårdar", "courtyards", False),
    ("fire_training", "Brandskyddsutbildning", "Fire-safety training held", "utbildningar",
     "trainings", False),
    ("neighbourhood_watch", "Grannsamverkan startad", "Neighbourhood-watch group started",
     "grupper", "groups", False),
    ("subletting", "Ärende om olovlig andrahandsuthyrning avslutat", "Subletting case closed",
     "ärenden", "cases", False),
    ("meeting_place", "Mötesplats/aktivitet", "Meeting place / activity", "aktiviteter",
     "activities", False),
]


def upgrade():
    measure_types = op.create_table('measure_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name_sv', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('unit_sv', sa.String(length=40), nullable=False),
    sa.Column('unit_en', sa.String(length=40), nullable=False),
    sa.Column('counts_walks', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_types')),
    sa.UniqueConstraint('slug', name=op.f('uq_measure_types_slug'))
    )
    op.create_table('district_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('survey_goal', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_district_plans_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_plans')),
    sa.UniqueConstraint('district_id', 'year', name=op.f('uq_district_plans_district_id_year'))
    )
    with op.batch_alter_table('district_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_plans_district_id'), ['district_id'], unique=False)

    op.create_table('measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_type_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_measures_district_id_districts')),
    sa.ForeignKeyConstraint(['measure_type_id'], ['measure_types.id'], name=op.f('fk_measures_measure_type_id_measure_types')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_measures_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measures'))
    )
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measures_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measures_done_on'), ['done_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_measures_measure_type_id'), ['measure_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measures_recorded_by_id'), ['recorded_by_id'], unique=False)

    op.create_table('plan_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('measure_type_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['measure_type_id'], ['measure_types.id'], name=op.f('fk_plan_targets_measure_type_id_measure_types')),
    sa.ForeignKeyConstraint(['plan_id'], ['district_plans.id'], name=op.f('fk_plan_targets_plan_id_district_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_targets')),
    sa.UniqueConstraint('plan_id', 'measure_type_id', name=op.f('uq_plan_targets_plan_id_measure_type_id'))
    )
    with op.batch_alter_table('plan_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_targets_measure_type_id'), ['measure_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_targets_plan_id'), ['plan_id'], unique=False)

    with op.batch_alter_table('survey_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stairwell_safe_share', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('outdoor_safe_share', sa.Float(), nullable=True))

    op.bulk_insert(measure_types, [
        {"slug": slug, "name_sv": sv, "name_en": en, "unit_sv": usv, "unit_en": uen,
         "counts_walks": walks, "position": position, "active": True}
        for position, (slug, sv, en, usv, uen, walks) in enumerate(DEFAULT_MEASURE_TYPES)
    ])


def downgrade():
    with op.batch_alter_table('survey_results', schema=None) as batch_op:
        batch_op.drop_column('outdoor_safe_share')
        batch_op.drop_column('stairwell_safe_share')

    with op.batch_alter_table('plan_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_targets_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_targets_measure_type_id'))

    op.drop_table('plan_targets')
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measures_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_measures_measure_type_id'))
        batch_op.drop_index(batch_op.f('ix_measures_done_on'))
        batch_op.drop_index(batch_op.f('ix_measures_district_id'))

    op.drop_table('measures')
    with op.batch_alter_table('district_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_district_plans_district_id'))

    op.drop_table('district_plans')
    op.drop_table('measure_types')
