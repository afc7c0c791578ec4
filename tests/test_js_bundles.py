"""The scripts pages load are the modules of static/js/outbox/ and capture/, bundled by
scripts/bundle_js.py: a module changed without running it would never reach a phone."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bundle_js.py"
spec = importlib.util.spec_from_file_location("bundle_js", SCRIPT)
bundle_js = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bundle_js)


@pytest.mark.parametrize("target", sorted(bundle_js.BUNDLES))
def test_each_bundle_is_what_its_modules_make(target):
    entry, expose = bundle_js.BUNDLES[target]
    built = (bundle_js.JS / target).read_text()
    assert built == bundle_js.bundle(entry, expose), (
        f"static/js/{target} is stale: run .venv/bin/python scripts/bundle_js.py")


def test_the_worker_bundle_has_no_page_module():
    modules = [path.name for path in bundle_js._order(bundle_js.JS / "outbox" / "send.js")]
    assert "send.js" in modules and "store.js" in modules
    assert not {"index.js", "panel.js", "form.js", "rows.js", "ui.js"} & set(modules)
