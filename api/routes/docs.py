"""/docs: Swagger UI served from this app (the assets ship in fastapi-offline), CSP-clean."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

from mlkg.viz import site_nav

router = APIRouter(include_in_schema=False)

_ASSETS = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mlkg API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/docs/assets/favicon.png">
<link rel="stylesheet" href="/static/nav.css">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><header class="site"><a class="brand" href="/">mlkg</a>NAV</header><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs-init.js"></script>
</body></html>
"""

_DOCS_PAGE = _PAGE.replace("NAV", str(site_nav("docs")))

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
def docs() -> HTMLResponse:
    return HTMLResponse(_DOCS_PAGE)


@router.get("/docs/assets/{name}")
def docs_asset(name: str) -> Response:
    if name == "docs-init.js":
        return Response(_INIT, media_type="text/javascript")
    if name not in _ASSETS:
        raise HTTPException(404, f"no docs asset {name!r}")
    return FileResponse(_asset_dir() / name)
