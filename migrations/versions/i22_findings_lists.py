"""findings lists at a million: an index per filter that also gives the newest-first order,
the map's box from an index, buildings searched by trigrams on SQLite

Revision ID: i22_findings_lists
Revises: i21_photo_masked
Create Date: 2026-12-06 02:30:00

The list sorts newest first (created_at, id). A filter on status, category, assignee or
walk (the district filter is the district's walks) read the filter's index and then sorted
every matching row: (filter, created_at, id) reads a page of them in order, or counts them,
from the index alone. These replace the single-column indexes they start with. The map asks
for the newest findings in a box: (latitude, longitude, created_at, id) answers which ones
without reading the table.

On SQLite `buildings_fts` (FTS5, trigram, case-insensitive) indexes the buildings' address
and code as `findings_fts` does the findings' texts (i11_search): the search matched 50,000
buildings by a Python case fold per row, 0.1-0.7 s per new word. PostgreSQL has its
trigram GIN indexes on buildings already (i11_search). The statements are copied here, not
imported, as migrations are.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'i22_findings_lists'
down_revision = 'i21_photo_masked'
branch_labels = None
depends_on = None

REPLACED = {  # new index: (columns, the single-column index it replaces)
    'ix_findings_status_created': (['status', 'created_at', 'id'], 'ix_findings_status'),
    'ix_findings_category_created': (['category_id', 'created_at', 'id'],
                                     'ix_findings_category_id'),
    'ix_findings_assignee_created': (['assignee_id', 'created_at', 'id'],
                                     'ix_findings_assignee_id'),
    'ix_findings_walk_created': (['walk_id', 'created_at', 'id'], 'ix_findings_walk_id'),
}
POSITION = ['latitude', 'longitude', 'created_at', 'id']

COLUMNS = "address, code"
NEW = "new.id, new.address, new.code"
OLD = "'delete', old.id, old.address, old.code"


def upgrade():
    for name, (columns, old) in REPLACED.items():
        op.create_index(name, 'findings', columns)
        op.drop_index(old, table_name='findings')
    op.create_index('ix_findings_position_created', 'findings', POSITION)
    if op.get_context().dialect.name != 'sqlite':
        return
    op.execute(
        f"CREATE VIRTUAL TABLE buildings_fts USING fts5({COLUMNS}, content='buildings', "
        "content_rowid='id', tokenize='trigram case_sensitive 0')")
    op.execute(
        "CREATE TRIGGER buildings_fts_ai AFTER INSERT ON buildings BEGIN "
        f"INSERT INTO buildings_fts(rowid, {COLUMNS}) VALUES ({NEW}); END")
    op.execute(
        "CREATE TRIGGER buildings_fts_ad AFTER DELETE ON buildings BEGIN "
        f"INSERT INTO buildings_fts(buildings_fts, rowid, {COLUMNS}) VALUES ({OLD}); END")
    op.execute(
        f"CREATE TRIGGER buildings_fts_au AFTER UPDATE OF {COLUMNS} ON buildings BEGIN "
        f"INSERT INTO buildings_fts(buildings_fts, rowid, {COLUMNS}) VALUES ({OLD}); "
        f"INSERT INTO buildings_fts(rowid, {COLUMNS}) VALUES ({NEW}); END")
    op.execute("INSERT INTO buildings_fts(buildings_fts) VALUES ('rebuild')")
    # SQLite's planner has no figures for the new indexes until it is told (PostgreSQL's
    # are the columns' own).
    op.execute("ANALYZE findings")


def downgrade():
    if op.get_context().dialect.name == 'sqlite':
        for name in ('buildings_fts_au', 'buildings_fts_ad', 'buildings_fts_ai'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS buildings_fts")
    op.drop_index('ix_findings_position_created', table_name='findings')
    for name, (columns, old) in REPLACED.items():
        op.create_index(old, 'findings', columns[:1])
        op.drop_index(name, table_name='findings')
