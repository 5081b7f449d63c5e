"""Front-end files from npm (node_modules, pinned by package-lock.json), served locally.

Only an allow-list of packages and file types is reachable: node_modules also holds files no
browser should read (package metadata, build scripts).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from flask import send_from_directory
from werkzeug.exceptions import NotFound

from admin.edge import blueprint

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
ALLOWED: dict[str, frozenset[str]] = {
    "@fontsource/noto-sans-thai": frozenset({".css", ".woff2", ".woff"}),
    "bpmn-js/dist": frozenset({".js", ".css", ".woff", ".woff2", ".ttf", ".svg", ".eot"}),
}


def allowed(path: str) -> bool:
    """Whether a path under node_modules is on the allow-list."""
    parts = PurePosixPath(path)
    if ".." in parts.parts or path.startswith("/") or "\\" in path:
        return False
    return any(
        path.startswith(package + "/") and parts.suffix in suffixes
        for package, suffixes in ALLOWED.items()
    )


@blueprint.get("/vendor/<path:path>")
def vendor(path: str):  # type: ignore[no-untyped-def]
    """One allow-listed file from node_modules (404 for anything else)."""
    if not allowed(path) or not NODE_MODULES.is_dir():
        raise NotFound()
    return send_from_directory(NODE_MODULES, path, max_age=86400)
