"""walk participants may be linked to an account (walk ownership, issue 10)

Revision ID: i10b_hardening
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = "i10b_hardening"
down_revision = 'i13_privacy'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("walk_participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_walk_participants_user_id"), ["user_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_walk_participants_user_id_users"), "users", ["user_id"], ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("walk_participants", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_walk_participants_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_walk_participants_user_id"))
        batch_op.drop_column("user_id")
