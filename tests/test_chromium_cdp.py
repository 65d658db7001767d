"""The browser driver the page tests use: real clicks, typing and text sizes through the DevTools Protocol."""
import pytest

pytestmark = pytest.mark.browser

PHONE_PAGE = """<html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><p style="font-size:14px">fourteen</p><button id="b" style="font-size:16px" onclick="document.body.dataset.clicked='yes'">go</button>
<input id="i"></body></html>"""
DESKTOP_ONLY_PAGE = "<html><body><p style='font-size:16px'>no viewport</p></body></html>"


def test_click_type_and_text_size(browser, tmp_path):
    good, bad = tmp_path / "good.html", tmp_path / "bad.html"
    good.write_text(PHONE_PAGE)
    bad.write_text(DESKTOP_ONLY_PAGE)
    page = browser.new_page(390, 844, mobile=True)
    page.goto(good.as_uri())
    page.click("#b")
    assert page.evaluate("document.body.dataset.clicked") == "yes"
    page.type("#i", "0.25")
    assert page.evaluate("document.querySelector('#i').value") == "0.25"
    assert page.smallest_text_px()[:2] == [14, "fourteen"]
    # Without a viewport a phone lays the page out at 980 px and shrinks it: 16 px text shows at ~6.4 px.
    page.goto(bad.as_uri())
    size, text, _ = page.smallest_text_px()
    assert text == "no viewport" and 6 < size < 7
    assert page.errors == []
