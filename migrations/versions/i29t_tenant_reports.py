"""tenant_reports: what tenants report from a building's QR page, and its triage (issue 25)

Revision ID: i29t_tenant_reports
Revises: i29p_pulse
Create Date: 2026-12-06 17:42:15.552848

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i29t_tenant_reports'
down_revision = 'i29p_pulse'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tenant_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.Enum('entrance', 'stairwell', 'basement', 'courtyard', 'outside', name='tenantplace', native_enum=False, length=17), nullable=False),
    sa.Column('time_of_day', sa.Enum('day', 'evening', 'night', name='timeofday', native_enum=False, length=15), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('photo', sa.JSON(), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('purged_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.Enum('new', 'accepted', 'merged', 'declined', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('decline_reason', sa.Enum('not_ours', 'fault_report', 'already_fixed', 'unclear', 'inappropriate', 'wont_fix', name='declinereason', native_enum=False, length=21), nullable=True),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('triaged_by_id', sa.Integer(), nullable=True),
    sa.Column('triaged_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('reopened_at', sa.DateTime(), nullable=True),
    sa.Column('reopen_note', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_tenant_reports_building_id_buildings')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_tenant_reports_category_id_categories')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_tenant_reports_finding_id_findings')),
    sa.ForeignKeyConstraint(['triaged_by_id'], ['users.id'], name=op.f('fk_tenant_reports_triaged_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_reports')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_tenant_reports_token_hash'))
    )
    with op.batch_alter_table('tenant_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_reports_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_reports_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_reports_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_reports_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index('ix_tenant_reports_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_reports_triaged_by_id'), ['triaged_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('tenant_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_reports_triaged_by_id'))
        batch_op.drop_index('ix_tenant_reports_status_created')
        batch_op.drop_index(batch_op.f('ix_tenant_reports_finding_id'))
        batch_op.drop_index(batch_op.f('ix_tenant_reports_closed_at'))
        batch_op.drop_index(batch_op.f('ix_tenant_reports_category_id'))
        batch_op.drop_index(batch_op.f('ix_tenant_reports_building_id'))

    op.drop_table('tenant_reports')
