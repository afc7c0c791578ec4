"""walks joined by code: walk_join_codes, guests among the participants, a guest's findings

Revision ID: i29g_join_by_code
Revises: i29t_tenant_reports
Create Date: 2026-12-06 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i29g_join_by_code'
down_revision = 'i29t_tenant_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'walk_join_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('walk_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=6), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_walk_join_codes_created_by_id_users')),
        sa.ForeignKeyConstraint(['walk_id'], ['walks.id'], ondelete='CASCADE',
                                name=op.f('fk_walk_join_codes_walk_id_walks')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_join_codes')),
        sa.UniqueConstraint('code', name=op.f('uq_walk_join_codes_code')),
        sa.UniqueConstraint('walk_id', name=op.f('uq_walk_join_codes_walk_id')),
    )
    with op.batch_alter_table('walk_join_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_join_codes_created_by_id'), ['created_by_id'],
                              unique=False)

    with op.batch_alter_table('walk_participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guest', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('joined_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('session_hash', sa.String(length=64), nullable=True))

    # SQLite cannot drop a NOT NULL: the batch copies the table, which loses its triggers
    # (the search index's, i11_search) and may rewrite partial indexes; both are put back
    # exactly as they were.
    kept = _sqlite_schema_of('findings')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.alter_column('author_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('guest_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_findings_guest_id'), ['guest_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_findings_guest_id_walk_participants'),
                                    'walk_participants', ['guest_id'], ['id'],
                                    ondelete='SET NULL')
    _restore_sqlite_schema('findings', kept)


def _sqlite_schema_of(table: str) -> dict[str, tuple[str, str]]:
    """The table's indexes and triggers as SQLite stores them: {name: (type, sql)}."""
    if op.get_context().dialect.name != 'sqlite':
        return {}
    rows = op.get_bind().execute(sa.text(
        "SELECT name, type, sql FROM sqlite_master WHERE tbl_name = :table "
        "AND type IN ('index', 'trigger') AND sql IS NOT NULL"), {"table": table})
    return {name: (kind, sql) for name, kind, sql in rows}


def _restore_sqlite_schema(table: str, kept: dict[str, tuple[str, str]]) -> None:
    now = _sqlite_schema_of(table)
    for name, (kind, sql) in kept.items():
        if now.get(name) == (kind, sql):
            continue
        if name in now:
            op.execute(f'DROP {kind.upper()} "{name}"')
        op.execute(sql)


def downgrade():
    kept = _sqlite_schema_of('findings')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_findings_guest_id_walk_participants'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_findings_guest_id'))
        batch_op.drop_column('guest_id')
        batch_op.alter_column('author_id', existing_type=sa.Integer(), nullable=False)
    _restore_sqlite_schema('findings', {name: spec for name, spec in kept.items()
                                        if name != 'ix_findings_guest_id'})

    with op.batch_alter_table('walk_participants', schema=None) as batch_op:
        batch_op.drop_column('session_hash')
        batch_op.drop_column('joined_at')
        batch_op.drop_column('guest')

    with op.batch_alter_table('walk_join_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_join_codes_created_by_id'))

    op.drop_table('walk_join_codes')
