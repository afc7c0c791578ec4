"""The facts carry the finding's texts (`doc`: description, responsible party and planned
action joined by DOC_SEPARATOR), and on PostgreSQL one GIN index holds the district and
their trigrams (btree_gin with pg_trgm): a search within a district finds its matches in
that index, where it read each of the district's ~10,000 findings and matched their three
texts (17 ms for a rare word at a million findings, 49 ms when the word also names a
category; app.findings.fact_list). SQLite searches its FTS5 table: its index is empty.

The texts are copied in the migration (~30 s at a million findings on PostgreSQL); until
autovacuum has passed, the dashboard's index-only reads of the facts visit the table.

Revision ID: i35a_facts_search_text
Revises: i34c_year_rollups
Create Date: 2026-12-07 05:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'i35a_facts_search_text'
down_revision = 'i34c_year_rollups'
branch_labels = None
depends_on = None

SEPARATOR = '\x1f'  # app.models.rollups.DOC_SEPARATOR
TEXTS = ("coalesce(f.description, '') || :sep || coalesce(f.responsible_party, '') || :sep"
         " || coalesce(f.planned_action, '')")


def upgrade():
    op.add_column('finding_facts', sa.Column('doc', sa.Text(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.text(f"UPDATE finding_facts SET doc = {TEXTS} FROM findings f "
                           "WHERE f.id = finding_facts.finding_id").bindparams(sep=SEPARATOR))
        op.execute('CREATE EXTENSION IF NOT EXISTS btree_gin')
    else:
        op.execute(sa.text(f"UPDATE finding_facts SET doc = (SELECT {TEXTS} FROM findings f "
                           "WHERE f.id = finding_facts.finding_id)").bindparams(sep=SEPARATOR))
    op.create_index('ix_finding_facts_district_doc', 'finding_facts', ['district_id', 'doc'],
                    postgresql_using='gin', postgresql_ops={'doc': 'gin_trgm_ops'},
                    sqlite_where=sa.text('0'))


def downgrade():
    op.drop_index('ix_finding_facts_district_doc', table_name='finding_facts')
    op.drop_column('finding_facts', 'doc')
