"""The map's covering index (issue 22): on PostgreSQL ix_findings_position_created
(latitude, longitude, created_at, id) also carries status, category_id and due_date
(INCLUDE), so the map's answer reads its 2,000 markers from the index alone instead of
choosing their ids there and re-reading each row of findings by id.

SQLite has no INCLUDE: a key of seven columns would widen the index every list and map
filter by box shares, and SQLite's map reads its markers the old way (ids chosen from
this index, rows read by id; app/findings/listing.py), so on SQLite nothing changes.

Revision ID: i32m_map_covering_index
Revises: i31x_walk_cancelled
Create Date: 2026-12-06 22:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'i32m_map_covering_index'
down_revision = 'i31x_walk_cancelled'
branch_labels = None
depends_on = None

NAME = 'ix_findings_position_created'
KEY = ['latitude', 'longitude', 'created_at', 'id']
INCLUDE = ['status', 'category_id', 'due_date']


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index(NAME, table_name='findings')
    op.create_index(NAME, 'findings', KEY, postgresql_include=INCLUDE)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index(NAME, table_name='findings')
    op.create_index(NAME, 'findings', KEY)
