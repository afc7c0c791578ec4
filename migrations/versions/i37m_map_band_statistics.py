"""The planner's count of a box's findings (issue 22): statistics on the latitude band of
ix_findings_map_band (i36m_map_bands), on PostgreSQL.

The index is partial (positions only), and PostgreSQL takes no estimates from a partial
index's expression: a box's bands were each counted as 0.5 % of the findings, whatever
they held. A box over the whole city at a million findings (31 bands, ~70 % of them) was
estimated at ~10,000 findings where it holds ~690,000, so the planner read every one of
them by band and sorted them for the newest 2,000 (170 ms with status=open), where reading
the newest findings until 2,000 lie in the box takes under 1 ms. With these statistics
(and the ANALYZE here, so they hold from the start) it chooses that; a small box is still
read by its bands (3 ms).

Revision ID: i37m_map_band_statistics
Revises: i36m_map_bands
Create Date: 2026-12-07 13:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'i37m_map_band_statistics'
down_revision = 'i36m_map_bands'
branch_labels = None
depends_on = None

NAME = 'st_findings_map_band'


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    # The index's expression, word for word (the statistics serve the same expression).
    op.execute(f'CREATE STATISTICS {NAME} ON ((floor(latitude * 200)::integer)) FROM findings')
    op.execute('ANALYZE findings')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f'DROP STATISTICS IF EXISTS {NAME}')
