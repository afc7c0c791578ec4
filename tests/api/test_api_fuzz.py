"""schemathesis against /api/v1/openapi.json, valid and invalid input, logged in: no server
error, every answer's status, content type and body as documented, and input the document
calls invalid refused (a short run; the
script runs longer: `python scripts/api_fuzz.py 500`)."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "api_fuzz.py"


@pytest.fixture
def fuzz_module():
    pytest.importorskip("schemathesis")
    spec = importlib.util.spec_from_file_location("api_fuzz", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_schemathesis_finds_no_failed_check(fuzz_module, app, tmp_path, monkeypatch, capsys):
    if app.config["DB_KIND"] != "sqlite":
        pytest.skip("the fuzz run uses its own SQLite database")
    monkeypatch.setattr("sys.argv", ["api_fuzz.py", "30"])
    assert fuzz_module.main() == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "0 failed checks, 0 server errors" in out
    assert "GET /walks: " in out and "×200" in out  # logged in: not all 401
