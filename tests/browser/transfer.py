"""What a phone downloads: bytes on the wire for a first and a repeat visit of a page.

Used by tests/browser/test_transfer.py (targets) and scripts/measure_transfer.py (figures for
docs/performance.md). Two views of the same visit:

- the page, as Chromium's DevTools protocol reports it: `Network.loadingFinished`'s
  encodedDataLength (compressed body + headers) per request, and where each response came
  from (network, memory or disk cache, the service worker);
- the server, through a WSGI wrapper that counts the body bytes it sends for every request,
  the service worker's own fetches included (the page's DevTools session does not see them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SHELL_PATHS = re.compile(r"^/(static/|manifest\.webmanifest|offline)")


class ServerLog:
    """WSGI middleware: (path, status, body bytes) for every request, in order."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.entries: list[dict] = []
        self.recording = True

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING")
        record = {"path": environ["PATH_INFO"] + (f"?{query}" if query else ""),
                  "status": 0, "bytes": 0}

        def recording_start_response(status, headers, exc_info=None):
            record["status"] = int(status[:3])
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, recording_start_response)
        try:
            for chunk in body:
                record["bytes"] += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()
            if self.recording:
                self.entries.append(record)


@dataclass
class Visit:
    requests: list[dict] = field(default_factory=list)  # from the page's DevTools session
    server: list[dict] = field(default_factory=list)    # what the server sent meanwhile

    @property
    def transferred(self) -> int:
        return sum(r["encoded"] for r in self.requests)

    @property
    def static_transferred(self) -> int:
        return sum(r["encoded"] for r in self.requests if "/static/" in r["url"])

    @property
    def server_bytes(self) -> int:
        return sum(e["bytes"] for e in self.server)

    def shell_requests(self) -> list[dict]:
        """Requests for the app shell that reached the server (a 304 sends no body)."""
        return [e for e in self.server if SHELL_PATHS.match(e["path"]) and e["status"] != 304]

    def lines(self) -> list[str]:
        rows = [f"  {r['encoded']:>7,} B  {r['source']:<14} {r['status']}  {r['url']}"
                for r in self.requests]
        rows += [f"  server sent {e['bytes']:>7,} B  {e['status']}  {e['path']}"
                 for e in self.server]
        return rows


def visit(page, url: str, server_log: ServerLog) -> Visit:
    """Open `url` in `page` and wait until the network is quiet; what went over the wire."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: dict[str, dict] = {}

    def on_response(event):
        response = event["response"]
        source = ("service worker" if response.get("fromServiceWorker")
                  else "disk cache" if response.get("fromDiskCache")
                  else "network")
        seen.setdefault(event["requestId"], {"url": response["url"], "encoded": 0})
        seen[event["requestId"]].update(status=response["status"], source=source)

    def on_cached(event):
        seen.setdefault(event["requestId"], {"url": "?", "encoded": 0, "status": 200})
        seen[event["requestId"]]["source"] = "memory cache"

    def on_finished(event):
        seen.setdefault(event["requestId"], {"url": "?", "status": 0, "source": "?"})
        seen[event["requestId"]]["encoded"] = int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.requestServedFromCache", on_cached)
    cdp.on("Network.loadingFinished", on_finished)
    start = len(server_log.entries)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    # The worker's install (the shell into its cache) may still be running: let it finish.
    page.evaluate("""async () => {
        if (!('serviceWorker' in navigator)) return;
        await navigator.serviceWorker.ready;
        await new Promise(r => setTimeout(r, 300));
    }""")
    page.wait_for_load_state("networkidle")
    cdp.detach()
    result = Visit(
        requests=[{"url": r.get("url", "?"), "encoded": r.get("encoded", 0),
                   "status": r.get("status", 0), "source": r.get("source", "?")}
                  for r in seen.values()],
        server=server_log.entries[start:],
    )
    return result


def log_in_without_a_page(context, base_url: str, email: str, password: str) -> None:
    """Log in through the context's request API, so no page (and no static file) is loaded:
    the first page the browser opens starts with an empty cache."""
    login = context.request.get(f"{base_url}/login").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    response = context.request.post(f"{base_url}/login", form={
        "csrf_token": token, "email": email, "password": password,
    }, max_redirects=0)
    assert response.status in (302, 303), response.status
