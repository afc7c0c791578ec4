from flask import Blueprint, jsonify, request
from flask_login import current_user

bp = Blueprint("auth", __name__)

# Everything else needs a logged-in user.
PUBLIC_ENDPOINTS = {"auth.login", "auth.set_language", "static"}
PUBLIC_PATHS = {
    "/favicon.ico", "/sw.js", "/manifest.webmanifest", "/offline", "/api/v1/openapi.json",
}


@bp.before_app_request
def require_login():
    if request.endpoint in PUBLIC_ENDPOINTS or request.path in PUBLIC_PATHS:
        return None
    if request.endpoint is None:  # 404 / 405 pages
        return None
    if current_user.is_authenticated:
        return None
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message="Log in first."), 401
    from app.extensions import login_manager

    return login_manager.unauthorized()


from app.auth import routes  # noqa: E402, F401
