"""Entity pages (issue 18) in headless Chromium at 1440x900 and 390x844: property names read both
ways from the ontology, one row per property with its values together, external IRIs as links,
and no page wider than a phone's screen."""

from __future__ import annotations

import pytest
from browser import RecordedPage
from processes import LiveServer

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_pytorch_facts_read_well(live_server: LiveServer, browser_page: RecordedPage, viewport: str) -> None:
    width, height = VIEWPORTS[viewport]
    page = browser_page.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + "/entity/PyTorch")
    names = page.locator("table.facts th[scope=row]").all_text_contents()
    assert names, "no facts"
    assert len(names) == len(set(names)), names  # one row per property as it reads here
    for name in names:
        assert not (name.startswith("is ") and name.endswith(" of")), name
        assert name == name.lower() or name[0].isupper(), name
        assert not any(c.isupper() for c in name[1:]), f"raw property name: {name}"
    assert {"has release", "ecosystem of", "code repository", "same as", "homepage", "date created"} <= set(
        names
    )
    # The 17+ tools in PyTorch's ecosystem are one row, folded past the first few per layer.
    ecosystem = page.locator("table.facts tr", has=page.locator("th", has_text="ecosystem of"))
    assert ecosystem.count() == 1
    assert ecosystem.locator("a[href^='/entity/']").count() > 17
    assert ecosystem.locator("details.more").count() >= 1
    # External IRIs are links with readable text; nothing is cut to its last segment.
    homepage = page.locator("table.facts tr", has=page.locator("th", has_text="homepage")).locator("a")
    assert homepage.get_attribute("href") == "https://pytorch.org/"
    assert homepage.text_content().strip() == "pytorch.org"
    wikidata = page.locator("table.facts a[href^='http://www.wikidata.org/entity/']")
    assert wikidata.count() == 1 and "Q47509047" in wikidata.text_content()
    repo = page.locator("table.facts a[href='https://github.com/pytorch/pytorch']")
    assert repo.text_content().strip() == "github.com/pytorch/pytorch"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert browser_page.errors() == [], browser_page.errors()
    assert browser_page.foreign_requests(live_server.url) == []


def test_inverse_names_come_from_the_ontology(live_server: LiveServer, browser_page: RecordedPage) -> None:
    page = browser_page.page
    page.goto(live_server.url + "/entity/Keras")
    names = page.locator("table.facts th[scope=row]").all_text_contents()
    assert not [n for n in names if n.endswith(" of of") or n.startswith("is ")], names
    page.goto(live_server.url + "/entity/PyTorch1_10")
    names = page.locator("table.facts th[scope=row]").all_text_contents()
    assert "release of" in names, names  # hasRelease seen from the release
