"""Where a page links: one small URL builder, made by whoever serves the pages.

The app builds a :class:`Urls` from its own routes (``mlkg.api.urls.site_urls``) and hands it
to every page it renders, so neither viz nor the templates spell a route. A file written by
``mlkg viz`` has no site around it: :data:`FILE_URLS` inlines the static files, links an
entity to its IRI and has no navigation.

>>> urls = Urls(pages={"home": "/", "sparql": "/sparql"}, entity_base="/entity/", asset_base="/viz/static/")
>>> urls.home(tool="TF Serving"), urls.sparql(), urls.entity("https://w3id.org/mlkg/entity/TorchServe")
('/?tool=TF%20Serving', '/sparql', '/entity/TorchServe')
>>> FILE_URLS.entity("TorchServe"), FILE_URLS.standalone
('https://w3id.org/mlkg/entity/TorchServe', True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import quote

from mlkg.ontology import ENT

#: The site's pages in the order the navigation lists them: (key, label). Where each one is
#: served is the app's business (:attr:`Urls.pages`).
NAV_PAGES: tuple[tuple[str, str], ...] = (
    ("home", "Counterparts"),
    ("graph", "Picture"),
    ("counterparts", "Bridge view"),
    ("timeline", "Timeline"),
    ("sparql", "SPARQL"),
    ("docs", "API docs"),
)


def _quote(value: object) -> str:
    # As Jinja's urlencode filter: "/" kept, a space as %20 (the links the templates wrote before).
    return quote(str(value), safe="/")


@dataclass(frozen=True)
class Urls:
    """Every address a page links to.

    ``pages`` maps a key of :data:`NAV_PAGES` to its path (empty: no site, no navigation);
    ``entity_base`` prefixes an entity id (an entity's page, or its IRI in a file);
    ``asset_base`` is where viz's static files are served (``None``: inlined into the page);
    ``static_base`` where the app's own static files are.
    """

    pages: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    entity_base: str = ENT
    asset_base: str | None = None
    static_base: str | None = None

    @property
    def standalone(self) -> bool:
        """True for a page that must work opened from disk: every script and style inlined."""
        return self.asset_base is None

    def nav(self) -> tuple[tuple[str, str, str], ...]:
        """The navigation's links, (key, href, label), for the pages this site has."""
        return tuple((key, self.pages[key], label) for key, label in NAV_PAGES if key in self.pages)

    def page(self, key: str, **params: object) -> str:
        """The path of page ``key`` with the query parameters that are not None."""
        given = {name: value for name, value in params.items() if value not in (None, "")}
        query = "&".join(f"{name}={_quote(value)}" for name, value in given.items())
        return self.pages[key] + ("?" + query if query else "")

    def home(self, *, tool: str | None = None, to: str | None = None) -> str:
        return self.page("home", tool=tool, to=to)

    def sparql(self, *, query: str | None = None) -> str:
        return self.page("sparql", query=query)

    def picture(self, *, focus: str | None = None, module: str | None = None) -> str:
        return self.page("graph", focus=focus, module=module)

    def counterparts(self) -> str:
        return self.page("counterparts")

    def timeline(self) -> str:
        return self.page("timeline")

    def docs(self) -> str:
        return self.page("docs")

    def entity(self, ref: str) -> str:
        """Where entity ``ref`` (an id, or an IRI in the entity namespace) is shown."""
        return self.entity_base + quote(ref.removeprefix(ENT), safe="")

    def asset(self, name: str) -> str:
        """The URL of one of viz's static files (``ASSETS``); a file inlines them instead."""
        if self.asset_base is None:
            raise ValueError(f"{name!r} is inlined in a standalone page, not linked")
        return self.asset_base + name

    def static(self, name: str) -> str:
        """The URL of one of the app's own static files (its stylesheet, scripts, icon)."""
        if self.static_base is None:
            raise ValueError(f"no static files to link {name!r} from")
        return self.static_base + name


#: For files written to disk (``mlkg viz -o``): everything inlined, entities linked by IRI.
FILE_URLS = Urls()
