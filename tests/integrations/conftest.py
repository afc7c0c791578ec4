import re

import pytest

from app.extensions import db
from app.integrations import operations as ops
from app.models import User


@pytest.fixture
def make_key(app, make):
    """make_key("open311", "findings:read") → the token of a new key, made by a new admin."""

    def do(*scopes: str, name: str = "Fastighetssystem") -> str:
        admin_id = make.user("admin")
        with app.app_context():
            admin = db.session.get(User, admin_id)
            _key, token = ops.create_key(db.session, admin, name=name, scopes=scopes,
                                         hash_method="pbkdf2:sha256:1000")
            db.session.commit()
            db.session.remove()
        return token

    return do


def shown_token(body: str) -> str:
    return re.search(r'id="new-token"[^>]*value="([^"]+)"', body).group(1)
