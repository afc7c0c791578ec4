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


def redirect_whole_page(response: Response) -> Response:
    """A redirect answered to htmx moves the whole page (HX-Redirect), not the fragment: the
    browser would follow a 302 inside the request and put the login page where a list was
    (a walk's live list polled after the session ended)."""
    if is_htmx() and response.status_code in (301, 302, 303) and response.location:
        return Response(status=204, headers={"HX-Redirect": response.location})
    return response
