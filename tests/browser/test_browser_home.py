"""The home page (issue 18) in headless Chromium at 1440x900 and 390x844: the intro's example
names are links that ask the question, and suggestions name their type as people say it."""

from __future__ import annotations

import re

import pytest
from browser import RecordedPage
from processes import LiveServer

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_intro_examples_are_links(live_server: LiveServer, browser_page: RecordedPage, viewport: str) -> None:
    width, height = VIEWPORTS[viewport]
    page = browser_page.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + "/")
    examples = page.locator(".lede a.example")
    assert examples.all_text_contents() == ["tflite", "torch.hub", "TF Serving", "pytorch lightning"]
    examples.first.click()
    page.wait_for_selector(".card")
    assert "TensorFlow Lite" in page.inner_text(".card")
    assert page.input_value("#tool") == "tflite"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert browser_page.errors() == [] and browser_page.foreign_requests(live_server.url) == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_suggestions_name_readable_types(
    live_server: LiveServer, browser_page: RecordedPage, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    page = browser_page.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + "/")
    page.fill("#tool", "torch")
    page.wait_for_selector("#suggest li")
    kinds = page.locator("#suggest li .kind").all_text_contents()
    assert kinds
    for kind in kinds:
        type_name = kind.split(" · ")[0]
        assert not re.search(r"[a-z][A-Z]", type_name), f"raw class name: {kind}"
        assert type_name[:1].isupper(), kind
    page.fill("#tool", "pytorch li")
    live = page.locator("#suggest li", has_text="PyTorch Live")
    live.wait_for()
    assert live.locator(".kind").text_content().startswith("On-device")
    assert browser_page.errors() == [] and browser_page.foreign_requests(live_server.url) == []
