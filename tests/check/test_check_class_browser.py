"""The class check's HTML page in a real browser (headless Chromium over the DevTools Protocol): at desktop and
phone widths its table is there, row by row, each file's link opens that file's full report, no text is under
12 px on a phone, nothing is fetched, and a learner's hostile output is shown, never run."""
import json
import shutil
from pathlib import Path

import pytest

from chainrule.check.class_html import render_class_html
from chainrule.check.classroom import check_class

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"
FILES = {"ada.py": "correct.py", "alan.py": "mistake_dropped_mean.py", "donald.py": "no_network.py",
         "ken.py": "crashes.py"}

ROWS = """[...document.querySelectorAll('#submissions tbody tr')].map(tr =>
  [...tr.querySelectorAll('td')].map(td => td.textContent.trim()))"""


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    for name, fixture in FILES.items():
        shutil.copy(FIXTURES / fixture, folder / name)
    (folder / "mallory.py").write_text(       # a learner whose output is markup: it must stay text
        (FIXTURES / "correct.py").read_text() + '\nprint("<script>document.title = \'owned\'</script><b>hi</b>")\n')
    checked = check_class([str(folder)], jobs=2, whole_file=True)
    page = folder / "class.html"
    page.write_text(render_class_html(checked))
    return page.as_uri()


@pytest.mark.parametrize("width, mobile", [(1280, False), (390, True)])
def test_the_table_and_its_links_at_desktop_and_phone_widths(browser, page_url, width, mobile):
    page = browser.new_page(width, 844, mobile=mobile)
    page.goto(page_url)
    rows = page.evaluate(ROWS)
    assert [r[:3] for r in rows] == [["ada.py", "passed", "–"], ["alan.py", "failed", "backward"],
                                     ["donald.py", "no class", "–"], ["ken.py", "crashed", "backward"],
                                     ["mallory.py", "passed", "–"]]
    assert rows[1][3] == "dropped_mean" and rows[1][4].endswith(" s")
    assert page.evaluate("document.querySelectorAll('details[open]').length") == 0
    page.click('#submissions a[href="#report-2"]')                        # alan.py's link in the table
    page.wait_for("document.querySelector('#report-2').open")
    assert page.evaluate("location.hash") == "#report-2"
    top = page.evaluate("document.querySelector('#report-2').getBoundingClientRect().top")
    assert 0 <= top < 844                                                     # scrolled to it
    report = page.evaluate("document.querySelector('#report-2 pre').textContent")
    assert report.startswith("chainrule check alan.py: class Network") and "[dropped_mean]" in report
    assert "Fix:" in report                                                   # the teacher's: everything
    page.click('#submissions a[href="#report-4"]')                         # ken.py's, from the same table
    page.wait_for("document.querySelector('#report-4').open")
    assert "Process ended" in page.evaluate("document.querySelector('#report-4 pre').textContent")
    if mobile:
        assert page.evaluate("document.documentElement.scrollWidth") <= width      # no sideways page scroll
        page.evaluate("window.scrollTo(0, 0)")
        smallest = page.smallest_text_px()
        assert smallest[0] >= 12, smallest
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert page.smallest_text_px()[0] >= 12
    assert page.errors == []


def test_the_page_is_self_contained_and_shows_hostile_output_as_text(browser, page_url):
    page = browser.new_page(1280, 900)
    page.goto(page_url)
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0         # nothing fetched
    assert page.evaluate("document.querySelectorAll('link, img, iframe, [src]').length") == 0
    assert page.evaluate("document.querySelector('meta[name=viewport]').content") == \
        "width=device-width, initial-scale=1"
    assert page.evaluate("document.title") != "owned"
    text = page.evaluate("document.querySelector('#report-5 pre').textContent")
    assert "<script>document.title = 'owned'</script><b>hi</b>" in text
    assert page.evaluate("document.querySelectorAll('script').length") == 1            # only the page's own
    summary = page.evaluate("[...document.querySelectorAll('.counts li')].map(li => li.textContent)")
    assert summary == ["2 passed", "1 failed", "1 crashed", "1 no class"]
    assert json.loads(page.evaluate("JSON.stringify([...document.querySelectorAll('.mistakes li')]"
                                    ".map(li => li.textContent))"))[0].startswith("1 × dropped_mean")
