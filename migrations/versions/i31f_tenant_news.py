"""tenant_reports.asked_fixed_at, told_declined_at, mail_token_hash: the tenant's mail when their report is fixed ("Is it fixed?") or declined, once per event, with a link of its own (issue 25)

Revision ID: i31f_tenant_news
Revises: i29t_tenant_position
Create Date: 2026-12-06 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i31f_tenant_news'
down_revision = 'i29t_tenant_position'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenant_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asked_fixed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('told_declined_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('mail_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_tenant_reports_mail_token_hash'),
                                          ['mail_token_hash'])


def downgrade():
    with op.batch_alter_table('tenant_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_tenant_reports_mail_token_hash'), type_='unique')
        batch_op.drop_column('mail_token_hash')
        batch_op.drop_column('told_declined_at')
        batch_op.drop_column('asked_fixed_at')
