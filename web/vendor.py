"""Front-end files from npm (node_modules, pinned by package-lock.json), served locally.

Only an allow-list of packages and file types is reachable: node_modules also holds files no
browser should read (package metadata, build scripts).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from flask import Response, send_from_directory
from werkzeug.exceptions import NotFound

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"


def allowed(path: str, packages: Mapping[str, frozenset[str]]) -> bool:
    """Whether a path under node_modules is in one of the packages, with an allowed suffix."""
    parts = PurePosixPath(path)
    if ".." in parts.parts or path.startswith("/") or "\\" in path:
        return False
    return any(
        path.startswith(package + "/") and parts.suffix in suffixes
        for package, suffixes in packages.items()
    )


def send_vendor_file(path: str, packages: Mapping[str, frozenset[str]]) -> Response:
    """One allow-listed file from node_modules (404 for anything else)."""
    if not allowed(path, packages) or not NODE_MODULES.is_dir():
        raise NotFound()
    return send_from_directory(NODE_MODULES, path, max_age=86400)
