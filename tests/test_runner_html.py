"""index.html: Jinja2 templates with autoescaping, and the page in a real headless browser
(Debian chromium + chromedriver, SPEC §10)."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
XSS = "<script>alert(1)</script>"
REPO = Path(__file__).resolve().parent.parent
#: The width the boards must fit (issue 19: CI column visible without scrolling).
WINDOW = 1280


def _results(tmp_path: Path, evil: str = "") -> dict:
    """A two-corpus benchmark with a hostile system name, corpus name and entity type
    (``evil``: more keys for the hostile system)."""
    from seqeval_suite.config import load_config
    from seqeval_suite.runner import run_benchmark

    (tmp_path / "g.conll").write_text("Ann B-PER\nin O\nRome B-LOC\n\nBo B-ORG\nX B-<i>\n\n")
    (tmp_path / "good.conll").write_text("Ann B-PER\nin O\nRome B-LOC\n\nBo B-ORG\nX B-<i>\n\n")
    (tmp_path / "half.conll").write_text("Ann B-PER\nin O\nRome O\n\nBo B-LOC\nX O\n\n")
    (tmp_path / "none.conll").write_text("Ann O\nin O\nRome O\n\nBo O\nX O\n\n")
    (tmp_path / "bench.yaml").write_text(f"""\
title: "Title with <b>markup</b> & more"
scoring: {{resamples: 200}}
analysis: true
corpora: [{{id: c1, name: "<em>first</em>", path: g.conll}}, {{id: c2, path: g.conll}}]
systems:
  - {{id: good, name: Good system, url: "https://example.org/a?b=1&c=<x>", predictions: {{c1: good.conll, c2: good.conll}}}}
  - {{id: evil, name: "{XSS}", predictions: {{c1: half.conll, c2: [half.conll, good.conll]}}{evil}}}
  - {{id: zero, name: Zero, predictions: {{c1: none.conll, c2: none.conll}}}}
""")
    return run_benchmark(load_config(tmp_path / "bench.yaml"))


def _html_text(tmp_path: Path) -> Path:
    """The benchmark above rendered to site/index.html."""
    from seqeval_suite.render.leaderboard import render_html

    page = tmp_path / "site" / "index.html"
    page.parent.mkdir()
    page.write_text(render_html(_results(tmp_path)), encoding="utf-8")
    return page


def test_html_escapes_every_user_string(tmp_path):
    text = _html_text(tmp_path).read_text()
    assert XSS not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>markup</b>" not in text and "Title with &lt;b&gt;markup&lt;/b&gt; &amp; more" in text
    assert 'href="https://example.org/a?b=1&amp;c=&lt;x&gt;"' in text
    assert "<em>" not in text and "&lt;em&gt;first&lt;/em&gt;" in text
    # the entity type, in the per-type header and the confusion matrix
    assert "<i>" not in text and "&lt;i&gt; F1" in text and "<th scope=\"col\">&lt;i&gt;</th>" in text
    assert "http://" not in text.replace("https://example.org", "") and "src=" not in text  # no network
    assert text.count("<script>") == 1  # the page's own sorting script


def test_html_escapes_names_in_a_footer_of_several_signatures(tmp_path):
    from seqeval_suite.render.leaderboard import render_html

    text = render_html(_results(tmp_path, evil=", types: [PER, LOC]"))
    assert text.count("<p>Signatures differ by system:</p>") == 2
    assert XSS not in text and "</code>: &lt;script&gt;alert(1)&lt;/script&gt;</li>" in text
    assert "Signatures differ by corpus and system: see each corpus board." in text


def test_html_is_rendered_by_jinja2_with_autoescape():
    """The hand-written {{PLACEHOLDER}} engine is gone: Jinja2 templates, autoescape on."""
    from seqeval_suite.render import leaderboard

    env = leaderboard._environment()
    assert env.autoescape is True
    templates = REPO / "seqeval_suite" / "render" / "templates"
    for template in templates.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert not re.search(r"\{\{[A-Z]+\}\}", source), template.name
        assert "|safe" not in source.replace(" ", "") and "Markup" not in source, template.name
    assert "re.sub" not in Path(leaderboard.__file__).read_text(encoding="utf-8").split("def render_html")[1]


def test_html_is_deterministic_and_self_contained(tmp_path):
    from seqeval_suite.render.leaderboard import render_html

    results = _results(tmp_path)
    first = render_html(results)
    assert render_html(results) == first
    assert "<link rel=\"stylesheet\"" not in first and "@import" not in first
    # the inline favicon and the system's own link (once per board) are the only addresses
    assert set(re.findall(r"(?:src|href)=\"([^\"]*)\"", first)) == {"data:,", "https://example.org/a?b=1&amp;c=&lt;x&gt;"}


def test_html_signature_once_per_board_and_per_type_table(tmp_path):
    text = _html_text(tmp_path).read_text()
    boards = text.count('<section class="board"')
    assert boards == 3 and text.count('class="signature"') == boards
    heads = re.findall(r'<table class="sortable ranking".*?</thead>', text, flags=re.DOTALL)
    assert len(heads) == 3 and all(re.findall(r">([^<>]*)</th>", h)[-1] == "Runs" for h in heads)
    assert "Signature</th>" not in text and text.count("Signature: <code>") == boards
    assert text.count('<details class="per-type">') == 2  # the corpus boards, not the overall one


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    if not (os.path.exists(CHROMEDRIVER) and os.path.exists(CHROMIUM)):
        pytest.skip("browser test needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chrome-profile")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", f"--window-size={WINDOW},900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_window_size(WINDOW, 900)
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _column(table, index: int) -> list[str]:
    from selenium.webdriver.common.by import By

    return [row.find_elements(By.TAG_NAME, "td")[index].text for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]


def test_html_page_in_browser(driver, tmp_path):
    from selenium.webdriver.common.by import By

    page = _html_text(tmp_path)
    driver.get(page.as_uri())
    assert _severe(driver) == []
    assert driver.title == "Title with <b>markup</b> & more"
    # The alert never ran: the name is text, so no alert is open and the cell shows it.
    assert driver.execute_script("return document.querySelectorAll('script').length") == 1
    tables = driver.find_elements(By.CSS_SELECTOR, "table.ranking")
    assert [t.get_attribute("data-board") for t in tables] == ["c1", "c2", "overall"]
    first = tables[0]
    assert _column(first, 1) == ["Good system", XSS, "Zero"]
    assert _column(first, 0) == ["1", "2", "3"]
    bars = driver.find_elements(By.CSS_SELECTOR, "#board-0 .chart .bar-label")
    assert [b.text for b in bars][:3] == ["Good system", XSS, "Zero"]

    system_header = first.find_elements(By.CSS_SELECTOR, "thead th")[1]
    system_header.click()
    assert _column(first, 1) == sorted(["Good system", XSS, "Zero"], key=str.lower)
    assert system_header.get_attribute("aria-sort") == "ascending"
    system_header.click()
    assert _column(first, 1) == sorted(["Good system", XSS, "Zero"], key=str.lower, reverse=True)

    f1_header = first.find_elements(By.CSS_SELECTOR, "thead th")[4]
    assert f1_header.text.startswith("micro F1")
    f1_header.click()  # a numeric column sorts best first on the first click
    assert _column(first, 1) == ["Good system", XSS, "Zero"]
    f1_header.click()
    assert _column(first, 1) == ["Zero", XSS, "Good system"]
    assert _severe(driver) == []


_GEOMETRY = """
var out = {viewport: document.documentElement.clientWidth, page: document.documentElement.scrollWidth, boards: []};
document.querySelectorAll('table.ranking').forEach(function (table) {
  var ci = null;
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { if (/ CI$/.test(th.textContent)) ci = th; });
  var wrap = table.parentNode;
  out.boards.push({board: table.getAttribute('data-board'), table: table.getBoundingClientRect().right,
                   ci: ci ? ci.getBoundingClientRect().right : null,
                   overflow: wrap.scrollWidth - wrap.clientWidth});
});
return out;
"""


def _check_fits(driver, *, boards_with_ci: int) -> None:
    geometry = driver.execute_script(_GEOMETRY)
    assert geometry["page"] <= geometry["viewport"], geometry  # no horizontal scroll bar
    with_ci = [b for b in geometry["boards"] if b["ci"] is not None]
    assert len(with_ci) == boards_with_ci, geometry
    for board in geometry["boards"]:
        assert board["overflow"] == 0, board  # the table does not scroll inside its box
        assert board["table"] <= geometry["viewport"], board
        if board["ci"] is not None:
            assert board["ci"] <= geometry["viewport"], board


def test_html_ci_column_visible_at_1280px(driver, tmp_path):
    """Issue 19: every board's CI column ends inside a 1,280 px wide window."""
    driver.get(_html_text(tmp_path).as_uri())
    _check_fits(driver, boards_with_ci=2)
    assert _severe(driver) == []


def test_html_committed_demo_board_fits_1280px(driver):
    """The committed demo (leaderboard/demo-ner/index.html): four metric columns with
    standard deviations, the CI and the marks, all inside the window."""
    driver.get((REPO / "leaderboard" / "demo-ner" / "index.html").as_uri())
    _check_fits(driver, boards_with_ci=2)
    assert _severe(driver) == []


def test_html_ci_whiskers_on_the_bars(driver, tmp_path):
    from selenium.webdriver.common.by import By

    from seqeval_suite.render.leaderboard import boards

    results = _results(tmp_path)
    page = tmp_path / "index.html"
    from seqeval_suite.render.leaderboard import render_html

    page.write_text(render_html(results), encoding="utf-8")
    driver.get(page.as_uri())
    board = boards(results)[0]
    rows = driver.find_elements(By.CSS_SELECTOR, "#board-0 .chart .bar-row")[:len(board.rows)]
    for row, ranked in zip(rows, board.rows):
        track = row.find_element(By.CSS_SELECTOR, ".bar-track").rect
        whisker = row.find_element(By.CSS_SELECTOR, ".whisker")
        low, high = ranked.ci
        # the whisker spans the interval on the same scale as the bar
        assert whisker.rect["x"] - track["x"] == pytest.approx(low * track["width"], abs=2)
        assert whisker.rect["width"] == pytest.approx(max((high - low) * track["width"], 2), abs=2)
        assert whisker.get_attribute("title").startswith("95% CI ")
    assert driver.find_elements(By.CSS_SELECTOR, "#board-2 .whisker") == []  # the overall board has no CI


def test_html_per_type_f1_reachable(driver, tmp_path):
    from selenium.webdriver.common.by import By

    driver.get(_html_text(tmp_path).as_uri())
    details = driver.find_element(By.CSS_SELECTOR, "#board-0 details.per-type")
    table = details.find_element(By.CSS_SELECTOR, "table.per-type")
    assert not table.is_displayed()  # collapsed: the board stays narrow
    details.find_element(By.TAG_NAME, "summary").click()
    assert table.is_displayed()
    headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    assert headers == ["Rank", "System", "<i> F1", "LOC F1", "ORG F1", "PER F1"]
    assert _column(table, 1) == ["Good system", XSS, "Zero"]
    assert _column(table, 3) == ["100.00", "0.00", "0.00"]  # LOC: the half system misses Rome
    # sortable like the ranking
    table.find_elements(By.CSS_SELECTOR, "thead th")[5].click()
    assert _column(table, 1)[0] == "Good system"
    _check_fits(driver, boards_with_ci=2)
    assert _severe(driver) == []


def test_html_page_over_http(driver, tmp_path):
    """Served by a local http.server: no request fails (no favicon 404, nothing external)."""
    import functools
    import http.server
    import threading

    page = _html_text(tmp_path)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output clean
            pass

    handler = functools.partial(Quiet, directory=str(page.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        assert driver.find_element("css selector", "h1").text == "Title with <b>markup</b> & more"
        assert _severe(driver) == []
    finally:
        server.shutdown()
        server.server_close()
