"""One place that decides whether a request wants a fragment or a whole page."""

from flask import Response, request


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
