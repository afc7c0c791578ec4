"""Trygg and the systems around it: API keys for integrations (/admin/integrations), signed
webhooks, and the GeoJSON feeds (/integrations/…). Open311 lives in app/open311/, the
single sign-on login in app/accounts/sso.py.

- keys.py: how a request authenticates with a key (`Authorization: Bearer …`), its scopes,
  the per-key rate limit and the audit line per use.
- webhooks.py: the events caught as the session flushes, the signature, the sending job
  with its back-off, and the SSRF check.
- operations.py: every write (keys, endpoints, deliveries); queries.py: the reads.
"""

from flask import Blueprint

bp = Blueprint("integrations", __name__)

from app.integrations import routes, webhooks  # noqa: E402, F401  (webhooks: its listeners)
