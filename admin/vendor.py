"""The staff web's front-end files from npm: the Thai font and the BPMN viewer (see web/vendor)."""

from __future__ import annotations

from admin.edge import blueprint
from web.vendor import send_vendor_file

ALLOWED: dict[str, frozenset[str]] = {
    "@fontsource/noto-sans-thai": frozenset({".css", ".woff2", ".woff"}),
    "bpmn-js/dist": frozenset({".js", ".css", ".woff", ".woff2", ".ttf", ".svg", ".eot"}),
}


@blueprint.get("/vendor/<path:path>")
def vendor(path: str):  # type: ignore[no-untyped-def]
    """One allow-listed file from node_modules (404 for anything else)."""
    return send_vendor_file(path, ALLOWED)
