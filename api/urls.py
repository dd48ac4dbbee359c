"""The site's :class:`~mlkg.viz.Urls`, read off the app's own routes, for every page it renders.

Nothing here spells a path: each comes from ``app.url_path_for`` by route name, so a route
moved in its module moves every link to it (navigation, entity links, assets).
"""

from __future__ import annotations

from starlette.applications import Starlette

from mlkg.viz import Urls

#: Page key (:data:`mlkg.viz.NAV_PAGES`, plus the footer's) -> the name of the route serving it.
PAGE_ROUTES = {
    "home": "home",
    "graph": "viz_page",
    "counterparts": "viz_counterparts",
    "timeline": "viz_timeline",
    "sparql": "sparql_get",
    "docs": "docs",
    "mappings": "get_sssom",
    "events": "get_timeline",
}
_SLOT = "SLOT"  # a path parameter's stand-in, cut off again to leave the prefix


def site_urls(app: Starlette) -> Urls:
    """The app's URL builder, made once from its routes and kept on ``app.state``."""
    urls: Urls | None = getattr(app.state, "urls", None)
    if urls is None:
        path = app.url_path_for
        urls = Urls(
            pages={key: str(path(route)) for key, route in PAGE_ROUTES.items()},
            entity_base=path("entity_page", name=_SLOT).removesuffix(_SLOT),
            asset_base=path("viz_static", name=_SLOT).removesuffix(_SLOT),
            static_base=path("static", path=_SLOT).removesuffix(_SLOT),
        )
        app.state.urls = urls
    return urls
