"""/docs: Swagger UI served from this app (the assets ship in fastapi-offline), CSP-clean."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from ..deps import URLS
from .pages import page_html

router = APIRouter(include_in_schema=False)

_ASSETS = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"}

# Started from a file, not inline, so the page works under script-src 'self'.
_INIT = """window.ui = SwaggerUIBundle({
  url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"
});
"""


def _asset_dir() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request, urls: URLS) -> HTMLResponse:
    """Swagger UI in the site's layout."""

    def docs_asset(name: str) -> str:
        return str(request.app.url_path_for("docs_asset", name=name))

    return HTMLResponse(page_html(urls, "docs.html", docs_asset=docs_asset))


@router.get("/docs/assets/{name}")
def docs_asset(name: str) -> Response:
    if name == "docs-init.js":
        return Response(_INIT, media_type="text/javascript")
    if name not in _ASSETS:
        raise HTTPException(404, f"no docs asset {name!r}")
    return FileResponse(_asset_dir() / name)
