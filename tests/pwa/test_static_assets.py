"""Production delivery: content-hashed static URLs cached for a year, compressed responses."""

import hashlib
import re
from pathlib import Path

import brotli
import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"


def _asset_urls(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', page)


def test_pages_link_static_files_by_content_hash(client, login):
    login("walker")
    page = client.get("/walks/mine").get_data(as_text=True)
    urls = _asset_urls(page)
    css = next(u for u in urls if u.startswith("/static/css/app.css"))
    digest = hashlib.sha256((STATIC / "css" / "app.css").read_bytes()).hexdigest()[:12]
    assert css == f"/static/css/app.css?v={digest}"
    assert all("?v=" in u for u in urls), urls


def test_a_hashed_url_is_cached_for_a_year_anything_else_revalidates(client):
    digest = hashlib.sha256((STATIC / "js" / "app.js").read_bytes()).hexdigest()[:12]
    with client.get(f"/static/js/app.js?v={digest}") as hashed:
        assert hashed.status_code == 200
        assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for url in ("/static/js/app.js", "/static/js/app.js?v=000000000000"):
        with client.get(url) as plain:
            assert plain.status_code == 200
            assert plain.headers["Cache-Control"] == "no-cache"
            assert plain.headers.get("ETag")


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_html_css_and_js_are_compressed(client, login, encoding):
    import gzip

    login("walker")
    page = client.get("/walks/mine", headers={"Accept-Encoding": encoding})
    assert page.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in page.headers["Vary"]
    raw = page.data
    html = (brotli.decompress(raw) if encoding == "br" else gzip.decompress(raw)).decode()
    assert "<html" in html
    css_url = next(u for u in _asset_urls(html) if "app.css" in u)
    css = client.get(css_url, headers={"Accept-Encoding": "br"})
    assert css.headers["Content-Encoding"] == "br"
    body = css.data
    css.close()
    source = (STATIC / "css" / "app.css").read_bytes()
    served = brotli.decompress(body)
    # Minified: the same rules without the comments and spacing.
    assert b"/*" not in served and len(served) < len(source) * 0.85
    assert b".card-only" in served and b"@media" in served
    assert len(body) < len(source) / 3
    plain = client.get(css_url, headers={"Accept-Encoding": "identity"})
    assert plain.data == source  # a client without compression gets the file as it is
    plain.close()


def test_json_is_compressed_and_a_client_without_compression_gets_plain_bytes(client, login):
    login("manager")
    api = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip, br"})
    if api.status_code == 404:
        api = client.get("/api/v1/categories", headers={"Accept-Encoding": "gzip, br"})
    assert api.status_code == 200
    assert api.headers.get("Content-Encoding") == "br"
    plain = client.get(api.request.path, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.is_json


def test_gunicorn_config_loads_the_app(tmp_path):
    """`gunicorn -c gunicorn.conf.py wsgi:app` as production starts it (config + app import)."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "SECRET_KEY": "check", "DATABASE_URL": f"sqlite:///{tmp_path}/c.db",
           "REDIS_URL": "redis://127.0.0.1:6379/11"}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "--print-config",
         "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    config = {key.strip(): value.strip() for key, value in
              (line.split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)}
    assert config["worker_class"] == "gthread"
    assert int(config["timeout"]) == 60 and int(config["threads"]) == 4
