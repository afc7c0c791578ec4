"""The tenant pages under /t/: no account, in five languages (issue 25).

/t/<building code> is the page a building's QR code opens; /t/tillganglighet the
accessibility statement every tenant page links to.
"""

from flask import Blueprint

from app.i18n import remember_tenant_language

bp = Blueprint("tenants", __name__, url_prefix="/t")
bp.before_request(remember_tenant_language)

from app.tenants import news, routes  # noqa: E402, F401  (news: the mail on status changes)
