"""search at scale: FTS5 trigram index over the findings' text on SQLite

Revision ID: i11_search
Revises: i11a_scale
Create Date: 2026-12-01 18:20:00

On SQLite, `findings_fts` (FTS5, trigram tokenizer, case-insensitive) indexes description,
responsible party and planned action as an external-content table over `findings`;
triggers keep it in step in the same transaction. PostgreSQL already has its pg_trgm GIN
indexes (i11a_scale). The statements are copied here, not imported, as migrations are.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'i11_search'
down_revision = 'i11a_scale'
branch_labels = None
depends_on = None

COLUMNS = "description, responsible_party, planned_action"
NEW = "new.id, new.description, new.responsible_party, new.planned_action"
OLD = "'delete', old.id, old.description, old.responsible_party, old.planned_action"


def upgrade():
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
    if op.get_context().dialect.name != 'sqlite':
        return
    for name in ('findings_fts_au', 'findings_fts_ad', 'findings_fts_ai'):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS findings_fts")
