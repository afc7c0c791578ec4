"""One place that decides whether a request wants a fragment or a whole page."""

from flask import Response, make_response, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """htmx asked for part of a page (a boosted link wants the whole page)."""
    return is_htmx() and request.headers.get("HX-Boosted") != "true"


def add_vary(response: Response) -> Response:
    vary = response.headers.get("Vary", "")
    if "HX-Request" not in vary:
        response.headers["Vary"] = f"{vary}, HX-Request" if vary else "HX-Request"
    return response


def hx_redirect(url: str) -> Response:
    """Redirect: htmx follows HX-Redirect, a plain form follows 303."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    response = make_response("", 303)
    response.headers["Location"] = url
    return response
