"""The portal installable on a phone: web app manifest, service worker and offline page."""

from __future__ import annotations

from flask import current_app, render_template, send_from_directory, url_for

from portal.pages import blueprint, t


@blueprint.get("/manifest.webmanifest")
def manifest():  # type: ignore[no-untyped-def]
    """What a phone needs to add the portal to its home screen, in the visitor's language."""
    body = {
        "name": t("ร้องเรียนศูนย์ดำรงธรรม", "Damrongdhamma Center complaints"),
        "short_name": t("ดำรงธรรม", "Damrongdhamma"),
        "description": t(
            "แจ้งเรื่องร้องเรียนและติดตามผลกับศูนย์ดำรงธรรม สายด่วน 1567",
            "File and follow complaints with the Damrongdhamma Center (hotline 1567).",
        ),
        "lang": t("th", "en"),
        "start_url": url_for("portal.home"),
        "scope": "/portal/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4e89",
        "icons": [
            {
                "src": url_for("portal.static", filename="icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any maskable",
            }
        ],
    }
    response = current_app.response_class(
        current_app.json.dumps(body), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "max-age=3600"
    return response


@blueprint.get("/sw.js")
def service_worker():  # type: ignore[no-untyped-def]
    """The service worker, served from /portal/ so that it may control the portal's pages."""
    response = send_from_directory(blueprint.static_folder, "sw.js", max_age=0)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/offline")
def offline():  # type: ignore[no-untyped-def]
    """What the app shows when the phone has no connection."""
    return render_template("portal/offline.html")
