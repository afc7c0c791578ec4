import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from app.search import include_name


@pytest.mark.committed  # compares on its own connection
def test_migrations_build_the_same_schema_as_the_models(app):
    """`flask db upgrade` (run by the app fixture) leaves nothing for autogenerate to add."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_upgrade_seeds_the_default_categories(app, ctx):
    from app.models import Category

    slugs = set(db.session.scalars(db.select(Category.slug)))
    assert {"lighting", "vegetation", "graffiti", "doors_locks", "fire_safety"} <= slugs
