"""Bundle the ES modules of static/js/outbox/ and static/js/capture/ into the scripts pages load.

    .venv/bin/python scripts/bundle_js.py          # writes static/js/build/*.js

The modules are the source (one job each, read and edited there); a page loads one bundle per
screen part instead of 17 modules: over HTTP/1.1 each module cost ~900 B of headers, and the
capture page's first visit went from ~58 to 75 KB (its budget is 60 KB,
tests/browser/test_transfer.py). tests/test_js_bundles.py fails when a bundle is not what
this script makes from the modules.

The modules keep to what this needs: `import { a, b } from "./x.js";` lines, `export function`
or `export var` (an object or a value never reassigned once the module has run: the bundle
copies it, where an ES module would share a live binding), no import cycles. Each module
becomes a function scope in the bundle, run once, in import order. Any other import or export
line, or a name imported that its module does not export, stops the script: the bundle would
otherwise be a syntax error in every browser, or a silent `undefined`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

JS = Path(__file__).resolve().parents[1] / "static" / "js"
IMPORT = re.compile(r'^import \{ ([\w, ]+) \} from "\./([\w-]+)\.js";\n', re.M)
EXPORT = re.compile(r"^export (function|var) (\w+)", re.M)
LEFTOVER = re.compile(r"^[ \t]*(import|export)\b.*", re.M)  # what the two above did not take

# bundle → (entry module, global name for the entry's exports or None)
BUNDLES = {
    "build/outbox.js": ("outbox/index.js", None),
    "build/outbox-worker.js": ("outbox/send.js", "TryggOutboxWorker"),
    "build/capture.js": ("capture/index.js", None),
}


def _order(entry: Path) -> list[Path]:
    """The entry's modules, each after those it imports."""
    done: list[Path] = []
    visiting: set[Path] = set()

    def visit(path: Path) -> None:
        if path in done:
            return
        if path in visiting:
            raise ValueError(f"import cycle through {path.name}")
        visiting.add(path)
        for _, name in IMPORT.findall(path.read_text()):
            visit(path.parent / f"{name}.js")
        visiting.discard(path)
        done.append(path)

    visit(entry)
    return done


def _scope(name: str) -> str:
    return "__" + re.sub(r"\W", "_", name)


def bundle(entry: str, expose: str | None) -> str:
    path = JS / entry
    parts = [
        f"// Built by scripts/bundle_js.py from static/js/{path.parent.name}/ (edit those"
        " modules, then run it).",
        "(function () {",
        '"use strict";',
    ]
    for module in _order(path):
        source = module.read_text()
        names = [name for _, name in EXPORT.findall(source)]
        where = f"{module.parent.name}/{module.name}"
        body = EXPORT.sub(r"\1 \2", IMPORT.sub("", source)).strip("\n")
        left = LEFTOVER.search(body)
        if left:
            raise ValueError(f"{where}: cannot bundle {left.group(0)!r}")
        parts.append(f"// --- {where}")
        parts.append(f"var {_scope(module.stem)} = (function () {{")
        for imported, dep in IMPORT.findall(source):
            exported = {n for _, n in EXPORT.findall((module.parent / f"{dep}.js").read_text())}
            for name in imported.split(", "):
                if name not in exported:
                    raise ValueError(f"{where}: {dep}.js exports no {name}")
                parts.append(f"var {name} = {_scope(dep)}.{name};")
        parts.append(body)
        parts.append("return { " + ", ".join(f"{n}: {n}" for n in names) + " };")
        parts.append("})();")
    if expose:
        parts.append(f"self.{expose} = {_scope(path.stem)};")
    parts.append("})();")
    return "\n".join(parts) + "\n"


def main() -> int:
    # All built before any is written: a module that cannot be bundled leaves none changed.
    built = {target: bundle(entry, expose) for target, (entry, expose) in BUNDLES.items()}
    for target, text in built.items():
        out = JS / target
        out.parent.mkdir(exist_ok=True)
        out.write_text(text)
        print(f"{out.relative_to(JS.parent.parent)}: {out.stat().st_size:,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
