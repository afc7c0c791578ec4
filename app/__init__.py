"""Trygg: safety walks for housing companies."""

import os
from pathlib import Path

from flask import Flask

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
    configure_extensions(app)
    configure_blueprints(app)
    configure_templates(app)
    configure_security_headers(app)
    configure_static(app)

    from app import cli, errors

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

    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing or os.environ.get("TRYGG_DEV") == "1":
            app.config["SECRET_KEY"] = "dev-only-not-secret"
        else:
            raise RuntimeError(
                "SECRET_KEY is not set. Set it in the environment "
                "(python -c 'import secrets; print(secrets.token_hex(32))')."
            )


def configure_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (register the tables with the metadata)
    from app.extensions import babel, csrf, db, login_manager, migrate
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

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"  # "strong" logs out phones switching networks

    from app import jobs, sqlite_tuning

    sqlite_tuning.init_app(app)
    jobs.init_app(app)


def configure_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.exports import bp as exports_bp
    from app.findings import bp as findings_bp
    from app.photos import bp as photos_bp
    from app.pwa import bp as pwa_bp
    from app.remediation import bp as remediation_bp
    from app.reports import bp as reports_bp
    from app.walks import bp as walks_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(walks_bp)
    app.register_blueprint(findings_bp)
    app.register_blueprint(photos_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(remediation_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(pwa_bp)


def configure_templates(app: Flask) -> None:
    from app import template_helpers

    template_helpers.init_app(app)


def configure_static(app: Flask) -> None:
    from app import static_assets

    static_assets.init_app(app)


def configure_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # Walkers need GPS and the camera; geolocation=() would silently switch GPS off.
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self)")
        return response
