"""search at scale: FTS5 trigram index over the findings' text on SQLite; indexes for the
district filter and the walks' finding counts

Revision ID: i11_search
Revises: i11a_scale
Create Date: 2026-12-01 18:20:00

On SQLite, `findings_fts` (FTS5, trigram tokenizer, case-insensitive) indexes description,
responsible party and planned action as an external-content table over `findings`;
triggers keep it in step in the same transaction. PostgreSQL already has its pg_trgm GIN
indexes (i11a_scale). The statements are copied here, not imported, as migrations are.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i11_search'
down_revision = 'i11a_scale'
branch_labels = None
depends_on = None

COLUMNS = "description, responsible_party, planned_action"
NEW = "new.id, new.description, new.responsible_party, new.planned_action"
OLD = "'delete', old.id, old.description, old.responsible_party, old.planned_action"


OPEN = sa.text("status IN ('new', 'acknowledged', 'assigned', 'in_progress')")


def upgrade():
    # The district filter is a join through the district's walks; per walk, its open
    # findings (of a category) straight from this index.
    op.create_index('ix_findings_open_walk_category', 'findings', ['walk_id', 'category_id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    # Visible findings per walk (confidential ones only to their author), counted from the
    # index alone (SQLite indexes carry the rowid, the id, already).
    op.create_index('ix_findings_walk_visible', 'findings',
                    ['walk_id', 'confidential', 'author_id'], postgresql_include=['id'])
    # Search matches buildings by address or code: trigram GIN on PostgreSQL (50,000
    # buildings were a sequential scan per search), plain indexes on SQLite.
    for name in ('address', 'code'):
        op.create_index(f'ix_buildings_{name}_trgm', 'buildings', [name],
                        postgresql_using='gin', postgresql_ops={name: 'gin_trgm_ops'})
    if op.get_context().dialect.name != 'sqlite':
        return
    op.execute(
        f"CREATE VIRTUAL TABLE findings_fts USING fts5({COLUMNS}, content='findings', "
        "content_rowid='id', tokenize='trigram case_sensitive 0')")
    op.execute(
        "CREATE TRIGGER findings_fts_ai AFTER INSERT ON findings BEGIN "
        f"INSERT INTO findings_fts(rowid, {COLUMNS}) VALUES ({NEW}); END")
    op.execute(
        "CREATE TRIGGER findings_fts_ad AFTER DELETE ON findings BEGIN "
        f"INSERT INTO findings_fts(findings_fts, rowid, {COLUMNS}) VALUES ({OLD}); END")
    op.execute(
        f"CREATE TRIGGER findings_fts_au AFTER UPDATE OF {COLUMNS} ON findings BEGIN "
        f"INSERT INTO findings_fts(findings_fts, rowid, {COLUMNS}) VALUES ({OLD}); "
        f"INSERT INTO findings_fts(rowid, {COLUMNS}) VALUES ({NEW}); END")
    # Index the findings already there.
    op.execute("INSERT INTO findings_fts(findings_fts) VALUES ('rebuild')")


def downgrade():
    if op.get_context().dialect.name == 'sqlite':
        for name in ('findings_fts_au', 'findings_fts_ad', 'findings_fts_ai'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS findings_fts")
    for name in ('address', 'code'):
        op.drop_index(f'ix_buildings_{name}_trgm', table_name='buildings')
    op.drop_index('ix_findings_walk_visible', table_name='findings')
    op.drop_index('ix_findings_open_walk_category', table_name='findings')
