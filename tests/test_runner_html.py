"""index.html in a real headless browser (Debian chromium + chromedriver, SPEC §10)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
XSS = "<script>alert(1)</script>"


def _html_text(tmp_path: Path) -> Path:
    """A two-corpus benchmark with a hostile system name, rendered to index.html."""
    from seqeval_suite.config import load_config
    from seqeval_suite.render.leaderboard import render_html
    from seqeval_suite.runner import run_benchmark

    (tmp_path / "g.conll").write_text("Ann B-PER\nin O\nRome B-LOC\n\nBo B-ORG\n\n")
    (tmp_path / "good.conll").write_text("Ann B-PER\nin O\nRome B-LOC\n\nBo B-ORG\n\n")
    (tmp_path / "half.conll").write_text("Ann B-PER\nin O\nRome O\n\nBo B-LOC\n\n")
    (tmp_path / "none.conll").write_text("Ann O\nin O\nRome O\n\nBo O\n\n")
    (tmp_path / "bench.yaml").write_text(f"""\
title: "Title with <b>markup</b> & more"
corpora: [{{id: c1, path: g.conll}}, {{id: c2, path: g.conll}}]
systems:
  - {{id: good, name: Good system, url: "https://example.org/a?b=1&c=<x>", predictions: {{c1: good.conll, c2: good.conll}}}}
  - {{id: evil, name: "{XSS}", predictions: {{c1: half.conll, c2: [half.conll, good.conll]}}}}
  - {{id: zero, name: Zero, predictions: {{c1: none.conll, c2: none.conll}}}}
""")
    page = tmp_path / "site" / "index.html"
    page.parent.mkdir()
    page.write_text(render_html(run_benchmark(load_config(tmp_path / "bench.yaml"))), encoding="utf-8")
    return page


def test_html_escapes_every_user_string(tmp_path):
    text = _html_text(tmp_path).read_text()
    assert XSS not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>markup</b>" not in text and "Title with &lt;b&gt;markup&lt;/b&gt; &amp; more" in text
    assert 'href="https://example.org/a?b=1&amp;c=&lt;x&gt;"' in text
    assert "http://" not in text.replace("https://example.org", "") and "src=" not in text  # no network


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
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _column(table, index: int) -> list[str]:
    from selenium.webdriver.common.by import By

    return [row.find_elements(By.TAG_NAME, "td")[index].text for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]


def test_html_page_in_browser(driver, tmp_path):
    from selenium.webdriver.common.by import By

    page = _html_text(tmp_path)
    driver.get(page.as_uri())
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    assert driver.title == "Title with <b>markup</b> & more"
    # The alert never ran: the name is text, so no alert is open and the cell shows it.
    assert driver.execute_script("return document.querySelectorAll('script').length") == 1
    tables = driver.find_elements(By.CSS_SELECTOR, "table.sortable")
    assert [t.get_attribute("data-board") for t in tables] == ["c1", "c2", "overall"]
    first = tables[0]
    assert _column(first, 1) == ["Good system", XSS, "Zero"]
    assert _column(first, 0) == ["1", "2", "3"]
    bars = driver.find_elements(By.CSS_SELECTOR, "#board-0 .bar-label")
    assert [b.text for b in bars] == ["Good system", XSS, "Zero"]

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
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []


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
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        server.shutdown()
        server.server_close()
