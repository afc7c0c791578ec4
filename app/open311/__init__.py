"""Open311 GeoReport v2 under /open311/v2/ (https://wiki.open311.org/GeoReport_v2/).

- services.{json,xml}: the categories (public, as in the spec); services/{code}: a service
  definition (Trygg asks no extra attributes: metadata false, attributes []).
- requests.{json,xml} GET: findings as service requests (an API key with the scopes
  open311 + findings:read); POST: a new request (open311 + findings:create), which becomes
  a finding with status "new", in the managers' New inbox (triage).
- requests/{id}.{json,xml}, tokens/{token}.{json,xml} (the token is the finding's UUID).

Confidential findings are never listed, and no personal data goes out: no names, e-mail
addresses or phone numbers (not the walker's, not the assignee's); the contact fields a
requester may send (email, first_name, last_name, phone, device_id, account_id) are not
stored either. Errors are the spec's `[{"code": 400, "description": "…"}]` (XML:
`<errors><error>…`).
"""

from flask import Blueprint

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

from app.open311 import routes  # noqa: E402, F401
