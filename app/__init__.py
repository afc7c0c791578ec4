"""Trygg: safety walks for housing companies."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from app.config import Config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    configure_settings(app, test_config)
    configure_face_detector(app)
    configure_url_converters(app)
    configure_extensions(app)
    configure_monitoring(app)
    configure_blueprints(app)
    configure_templates(app)
    configure_static(app)

    from app import cli, errors, security

    security.init_app(app)  # after the blueprints: its CSRF check runs after the login check
    cli.init_app(app)
    errors.init_app(app)
    return app


def configure_settings(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "trygg.db"
        )
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://") or uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")
    if not app.config.get("EXPORT_FOLDER"):
        app.config["EXPORT_FOLDER"] = os.path.join(app.instance_path, "exports")

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing or os.environ.get("TRYGG_DEV") == "1":
            app.config["SECRET_KEY"] = "dev-only-not-secret"
        else:
            raise RuntimeError(
                "SECRET_KEY is not set. Set it in the environment "
                "(python -c 'import secrets; print(secrets.token_hex(32))')."
            )


def configure_face_detector(app: Flask) -> None:
    from app.media import detector

    detector.init_app(app)  # refuses to start when faces should be blurred but cannot be


class IdConverter(IntegerConverter):
    """`<int:…>` in a URL matches 1 … 2³¹-1 only: every id column is a 32-bit integer on
    PostgreSQL, so a larger id is the same plain 404 on both databases (not a driver error)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def configure_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter


def configure_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (register the tables with the metadata)
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(PROJECT_ROOT / "app" / "translations"),
    )

    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"  # "strong" logs out phones switching networks

    from app import jobs, sqlite_tuning
    from app.accounts import sso

    sso.init_app(app)

    sqlite_tuning.init_app(app)
    jobs.init_app(app)


def configure_monitoring(app: Flask) -> None:
    from app import monitoring

    monitoring.init_app(app)  # before the blueprints: the request id is set first


def configure_blueprints(app: Flask) -> None:
    from app.accounts import bp as accounts_bp
    from app.accounts.auth import bp as auth_bp
    from app.afterwalk import bp as afterwalk_bp
    from app.api import bp as api_bp
    from app.exports import bp as exports_bp
    from app.findings import bp as findings_bp
    from app.findings.serving import bp as photos_bp
    from app.guests import bp as guests_bp
    from app.integrations import bp as integrations_bp
    from app.invitations import bp as invitations_bp
    from app.open311 import bp as open311_bp
    from app.privacy import bp as privacy_bp
    from app.programme import bp as programme_bp
    from app.pwa import bp as pwa_bp
    from app.reports import bp as reports_bp
    from app.tenants import bp as tenants_bp
    from app.tenants.pulse import routes as _pulse  # noqa: F401  (its URLs join /t/ first)
    from app.triage import bp as triage_bp
    from app.walks import bp as walks_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(walks_bp)
    app.register_blueprint(afterwalk_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(guests_bp)
    app.register_blueprint(findings_bp)
    app.register_blueprint(photos_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(pwa_bp)
    app.register_blueprint(integrations_bp)
    app.register_blueprint(open311_bp)
    app.register_blueprint(tenants_bp)
    app.register_blueprint(triage_bp)


def configure_templates(app: Flask) -> None:
    from app import template_helpers

    template_helpers.init_app(app)


def configure_static(app: Flask) -> None:
    from app import static_assets

    static_assets.init_app(app)

