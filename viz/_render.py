"""Rendering: our own Jinja templates (autoescape on), safe JSON, and the bundled static files."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

#: Files served under the viz static route and inlined into single-file exports.
ASSETS: dict[str, str] = {
    "vis-network.min.js": "text/javascript; charset=utf-8",
    "vis-network.css": "text/css; charset=utf-8",
    "mlkg-viz.js": "text/javascript; charset=utf-8",
    "mlkg-viz.css": "text/css; charset=utf-8",
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


#: Every page of the site, in the order the navigation lists them: (key, path, label).
SITE_LINKS: tuple[tuple[str, str, str], ...] = (
    ("home", "/", "Counterparts"),
    ("graph", "/viz", "Picture"),
    ("counterparts", "/viz/counterparts", "Bridge view"),
    ("timeline", "/viz/timeline", "Timeline"),
    ("sparql", "/sparql", "SPARQL"),
    ("docs", "/docs", "API docs"),
)


def site_nav(current: str | None = None) -> Markup:
    """The site's navigation, the same on every page; ``current`` (a key of
    :data:`SITE_LINKS`) is marked for assistive technology and styling.

    >>> "aria-current" in site_nav("sparql")
    True
    """
    marked = ' aria-current="page"'
    links = "".join(
        f'<a href="{path}"{marked if key == current else ""}>{label}</a>' for key, path, label in SITE_LINKS
    )
    return Markup(f'<nav class="site-nav" aria-label="site">{links}</nav>')


@cache
def environment() -> jinja2.Environment:
    """The template environment: our templates only, autoescape always on."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mlkg.viz", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_json"] = lambda value: Markup(safe_json(value))
    env.globals["inline_script"] = lambda name: Markup(_inline_script(name))
    env.globals["inline_style"] = lambda name: Markup(_inline_style(name))
    env.globals["site_nav"] = site_nav
    return env


def render(template: str, **context: Any) -> str:
    """Render one of our templates."""
    return environment().get_template(template).render(**context)
