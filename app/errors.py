"""Error pages: HTML for people, JSON for the API, a short fragment for htmx."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError

from app.extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    def render(status: int, title: str, message: str):
        if _wants_json():
            return jsonify(error=title, message=message), status
        return render_template("errors/error.html", title=title, message=message), status

    @app.errorhandler(400)
    def bad_request(error):
        return render(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render(
            400,
            _("The form has expired"),
            _("Please go back, reload the page and send it again. Nothing was saved."),
        )

    @app.errorhandler(403)
    def forbidden(error):
        return render(403, _("Not allowed"), _("You do not have permission to do that."))

    @app.errorhandler(404)
    def not_found(error):
        return render(404, _("Not found"), _("There is nothing here, or you may not see it."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return render(405, _("Not allowed"), _("That action is not possible here."))

    @app.errorhandler(413)
    def too_large(error):
        return render(
            413,
            _("Too large"),
            _("What you sent is too large. Send fewer or smaller photos at a time."),
        )

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(error):
        # A crafted id beyond 64 bits or a date past year 9999 is bad input, not a crash.
        db.session.rollback()
        return render(
            400, _("Bad request"), _("A number or a date in the request is out of range.")
        )

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render(500, _("Something went wrong"), _("Please try again in a moment."))
