"""A walk can be cancelled: walks.cancelled_at, cancelled_by_id and cancel_reason, and the
status value 'cancelled' (issue 24, before the walk)

walks.status is a VARCHAR(19) on both databases (str_enum: native_enum=False, no CHECK
constraint; 0001_initial_schema), so 'cancelled' needs no change of type. A PostgreSQL
database made some other way with a native enum type named walkstatus gets the value added.

Revision ID: i31x_walk_cancelled
Revises: i31f_tenant_news
Create Date: 2026-12-06 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i31x_walk_cancelled'
down_revision = 'i31f_tenant_news'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.scalar(
            sa.text("SELECT 1 FROM pg_type WHERE typname = 'walkstatus' AND typtype = 'e'")):
        with op.get_context().autocommit_block():
            op.execute("ALTER TYPE walkstatus ADD VALUE IF NOT EXISTS 'cancelled'")
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_walks_cancelled_by_id'), ['cancelled_by_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_walks_cancelled_by_id_users'), 'users',
                                    ['cancelled_by_id'], ['id'])


def downgrade():
    op.execute("UPDATE walks SET status = 'planned' WHERE status = 'cancelled'")
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_walks_cancelled_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_walks_cancelled_by_id'))
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_by_id')
        batch_op.drop_column('cancelled_at')
