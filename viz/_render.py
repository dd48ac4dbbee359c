"""Rendering: the one template factory (autoescape on), safe JSON, the site's navigation, and
the bundled static files."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ._urls import Urls

#: Files served under the viz static route and inlined into single-file exports.
ASSETS: dict[str, str] = {
    "vis-network.min.js": "text/javascript; charset=utf-8",
    "vis-network.css": "text/css; charset=utf-8",
    "mlkg-viz.js": "text/javascript; charset=utf-8",
    "mlkg-viz.css": "text/css; charset=utf-8",
    "nav.css": "text/css; charset=utf-8",
}

_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def safe_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: ``<``, ``>`` and ``&`` become ``\\u003c``...

    >>> safe_json({"label": "</script><img src=x onerror=alert(1)>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    return json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES)


def asset_text(name: str) -> str:
    """The text of one bundled static file; ``KeyError`` for a name outside :data:`ASSETS`."""
    if name not in ASSETS:
        raise KeyError(name)
    return _read_asset(name)


@cache
def _read_asset(name: str) -> str:
    return resources.files("mlkg.viz").joinpath("static", name).read_text(encoding="utf-8")


def _inline_script(name: str) -> str:
    # A script element ends at the first "</script"; none of ours contain one, but make sure.
    return asset_text(name).replace("</script", "<\\/script")


def _inline_style(name: str) -> str:
    return asset_text(name).replace("</style", "<\\/style")


def safe_url(value: object) -> str | None:
    """``value`` when it is an http(s) URL, else None: data never chooses a link's scheme.

    >>> safe_url("javascript:alert(1)") is None, safe_url("https://pytorch.org/")
    (True, 'https://pytorch.org/')
    """
    text = str(value or "")
    return text if text.startswith(("https://", "http://")) else None


def site_nav(urls: Urls, current: str | None = None) -> Markup:
    """The site's navigation, the same on every page; ``current`` (a key of
    :data:`~mlkg.viz._urls.NAV_PAGES`) is marked for assistive technology and styling. A page
    without a site around it (a file) has none.

    >>> "aria-current" in site_nav(Urls(pages={"sparql": "/sparql"}), "sparql")
    True
    """
    if not urls.pages:
        return Markup("")
    marked = ' aria-current="page"'
    links = "".join(
        f'<a href="{escape(path)}"{marked if key == current else ""}>{escape(label)}</a>'
        for key, path, label in urls.nav()
    )
    return Markup(f'<nav class="site-nav" aria-label="site">{links}</nav>')


def template_environment(
    *packages: str,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    globals: Mapping[str, Any] | None = None,
) -> jinja2.Environment:
    """The one way to build a template environment: viz's templates (the site's layout,
    ``base.html``, among them) then those of ``packages``, autoescape always on, undefined
    names an error, the same filters and globals everywhere plus ``filters`` and ``globals``.

    Every template is rendered with ``urls`` (a :class:`Urls`) in its context.
    """
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader(package, "templates") for package in ("mlkg.viz", *packages)]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_json"] = lambda value: Markup(safe_json(value))
    env.filters["safe_url"] = safe_url
    env.globals["inline_script"] = lambda name: Markup(_inline_script(name))
    env.globals["inline_style"] = lambda name: Markup(_inline_style(name))
    env.globals["site_nav"] = site_nav
    env.filters.update(filters or {})
    env.globals.update(globals or {})
    return env


@cache
def environment() -> jinja2.Environment:
    """viz's own environment (its templates only)."""
    return template_environment()


def render(template: str, urls: Urls, **context: Any) -> str:
    """Render one of viz's templates, linking through ``urls``."""
    return environment().get_template(template).render(urls=urls, **context)
