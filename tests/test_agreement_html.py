"""The agreement report as an HTML page (issue 20): Jinja2 with autoescaping, the page
in headless Chromium (Debian chromium + chromedriver, SPEC §10)."""
from __future__ import annotations

import colorsys
import copy
import json
import os
import re
import shutil
from itertools import pairwise
from pathlib import Path

import pytest

from seqeval_suite.agreement import agree
from seqeval_suite.render.agreement_html import LEGEND_STOPS, heat_colour, render_agreement_html

REPO = Path(__file__).parents[1]
FILES = [str(REPO / "corpora" / "agreement" / f"ann{k}.conll") for k in (1, 2, 3)]
NESTED = REPO / "corpora" / "nested"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
WINDOW = 1280
XSS = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
AMP = 'bob & "<b>"'
FILE = "<svg onload=alert(1)>.conll"


# ------------------------------------------------------------------ data
@pytest.fixture(scope="module")
def demo() -> dict:
    """The three demo annotators of corpora/agreement, as ``agree -f json`` gives them."""
    return agree(FILES).to_dict()


def _hostile() -> dict:
    """Four annotators with hostile names and a hostile entity type; one pair shares no
    sentence (undefined F1 and kappas), Fleiss' kappa is undefined (no sentence labelled
    by all four); plus ``quality``, ``consensus`` and ``consensus_vs_gold`` blocks and a
    warning naming a hostile file."""
    data = agree({
        XSS: [["B-PER", "O", f"B-{IMG}"], ["B-LOC", "I-LOC"], None],
        AMP: [["B-PER", "O", f"B-{IMG}"], ["B-ORG", "O"], None],
        "c": [None, None, ["B-PER"]],
        "d": [["O", "O", "O"], None, ["O"]],
    }).to_dict()
    data["warnings"].append(f"{FILE}:3: a hostile file name")
    data["quality"] = {XSS: {"score": 0.75, "f1": 0.5}, AMP: {"score": 0.5, "f1": 1.0}, "c": {"score": None}}
    data["consensus"] = {"method": f"majority {XSS}", "sentences": 2, "ties": 1}
    report = agree({"gold": [["B-PER", "O", f"B-{IMG}"]], "cons": [["B-PER", "O", "O"]]}).pair("gold", "cons")
    data["consensus_vs_gold"] = report.report.to_dict()
    return data


@pytest.fixture(scope="module")
def hostile() -> dict:
    return _hostile()


def _cells(page: str, table_id: str) -> list[list[str]]:
    """The body rows of one table: each row's cells' text (tags stripped, still escaped)."""
    table = re.search(rf'<table id="{table_id}".*?</table>', page, flags=re.DOTALL).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", table, flags=re.DOTALL).group(1)
    return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


# ------------------------------------------------------------------ the text
def test_agreement_html_deterministic_from_report_or_saved_json(demo, tmp_path):
    page = render_agreement_html(demo)
    assert render_agreement_html(copy.deepcopy(demo)) == page
    saved = tmp_path / "agree.json"
    saved.write_text(json.dumps(demo, indent=2), encoding="utf-8")
    assert render_agreement_html(json.loads(saved.read_text(encoding="utf-8"))) == page
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")


def test_agreement_html_self_contained(demo, hostile):
    for page in (render_agreement_html(demo), render_agreement_html(hostile)):
        assert set(re.findall(r"(?:src|href)=\"([^\"]*)\"", page)) == {"data:,"}  # the inline favicon only
        assert "http://" not in page and "https://" not in page and "@import" not in page and "url(" not in page
        assert page.count("<script>") == 1 and page.count("<style>") == 1


def test_agreement_html_escapes_every_user_string(hostile):
    page = render_agreement_html(hostile)
    for raw, escaped in ((XSS, "&lt;script&gt;alert(1)&lt;/script&gt;"), (IMG, "&lt;img src=x onerror=alert(1)&gt;"),
                         (FILE, "&lt;svg onload=alert(1)&gt;.conll"), (AMP, "bob &amp; &#34;&lt;b&gt;&#34;")):
        assert raw not in page and escaped in page, raw
    assert "<img" not in page and "<svg" not in page and "<b>" not in page
    assert f"<title>Annotator agreement: {XSS}".replace("<script>", "&lt;script&gt;") not in page
    assert "<title>Annotator agreement: &lt;script&gt;alert(1)&lt;/script&gt;, bob &amp;" in page


def test_agreement_html_template_autoescape_and_no_safe():
    from seqeval_suite.render import agreement_html

    assert agreement_html._environment().autoescape is True
    source = (REPO / "seqeval_suite" / "render" / "templates" / "agreement.html").read_text(encoding="utf-8")
    assert "|safe" not in source.replace(" ", "") and "Markup" not in source and "autoescape false" not in source


def test_agreement_html_heat_map_is_the_f1_matrix(demo):
    page = render_agreement_html(demo)
    names = demo["annotators"]
    rows = _cells(page, "heat-map")
    assert [r[0] for r in rows] == names
    for a, row in zip(names, rows):
        expected = ["\u2014" if a == b else f"{demo['f1_matrix'][a][b]:.4f}" for b in names]
        assert row[1:] == expected
    assert _cells(render_agreement_html(demo, digits=2), "heat-map")[0][1:] == ["\u2014", "0.89", "0.73"]


def test_agreement_html_sections(demo):
    page = render_agreement_html(demo)
    assert ('<p class="summary" id="summary">3 annotators (ann1, ann2, ann3) on 40 sentences, 427 tokens; '
            "mode lenient") in page
    assert f"<span>{demo['signature'].split('|')[0]}</span>" in page
    assert [r[:3] for r in _cells(page, "pairs")] == [["ann1", "ann2", "40"], ["ann1", "ann3", "37"],
                                                      ["ann2", "ann3", "37"]]
    assert _cells(page, "pairs")[0][4:] == ["0.9091", "0.8696", "0.8889", "0.9178", "0.8511"]
    per_type = _cells(page, "per-type")
    assert [r[0] for r in per_type] == list(demo["per_type_f1"])
    loc = demo["per_type_f1"]["LOC"]
    assert per_type[0][1:] == [f"{v:.4f}" for v in loc.values()] + [f"{sum(loc.values()) / 3:.4f}"]
    means = demo["mean_pairwise_f1"]["per_annotator"]
    assert _cells(page, "annotators") == [[n, f"{means[n]:.4f}", str(demo["labelled_sentences"][n])] for n in means]
    assert "0.8458</dd><dd>over 37 sentences (395 tokens) labelled by all 3 annotators" in page
    assert "0.8442</dd><dd>over 427 tokens labelled by two or more annotators" in page
    assert "quality" not in page and "Consensus" not in page and "Nested entities" not in page  # absent keys


def test_agreement_html_undefined_shows_reason(hostile):
    page = render_agreement_html(hostile)
    pair = next(r for r in _cells(page, "pairs") if r[1] == "c")
    assert pair[2:] == ["0", "0", "undefined", "undefined", "undefined", "undefined", "undefined"]
    assert 'class="undef" data-sort="" title="no sentence labelled by both">undefined</td>' in page
    assert 'title="the two share no labelled sentence">undefined</td>' in page
    assert 'title="no item labelled by every annotator">undefined</dd>' in page  # Fleiss' kappa
    heat = {r[0]: r[1:] for r in _cells(page, "heat-map")}
    assert heat["c"] == ["undefined", "undefined", "\u2014", "0.0000"]


def test_agreement_html_quality_and_consensus_when_present(hostile):
    page = render_agreement_html(hostile)
    head = re.search(r'<table id="annotators".*?</thead>', page, flags=re.DOTALL).group(0)
    assert re.findall(r">([^<>]*)</th>", head)[-2:] == ["quality score", "quality f1"]
    rows = {r[0]: r[3:] for r in _cells(page, "annotators")}
    assert rows["d"] == ["-", "-"] and rows["c"] == ["-", "-"] and rows["bob &amp; &#34;&lt;b&gt;&#34;"] == ["0.5000",
                                                                                                    "1.0000"]
    assert '<h2>Consensus</h2>' in page and "majority &lt;script&gt;" in page
    assert '<h2>Consensus against gold</h2>' in page
    types = _cells(page, "block-consensus-against-gold-types")
    assert [r[0] for r in types] == ["&lt;img src=x onerror=alert(1)&gt;", "PER"]


def test_agreement_html_quality_as_a_list_or_not_per_annotator(demo):
    data = dict(demo, quality=[{"annotator": "ann2", "score": 0.9}, {"annotator": "ann1", "score": 0.8}])
    assert [r[3:] for r in _cells(render_agreement_html(data), "annotators")] == [["0.8000"], ["0.9000"], ["-"]]
    data = dict(demo, quality={"method": "MACE", "iterations": 50})
    page = render_agreement_html(data)
    assert "<h2>Annotator quality</h2>" in page and "<dt>method</dt><dd class=\"text\">MACE</dd>" in page


@pytest.mark.parametrize("extra", [
    {},
    {"quality": {"a": [1, 2], "b": "good"}},
    {"quality": 0.5, "consensus": [1, 2, 3]},
    {"consensus": {"method": "vote", "per_type": {"LOC": {"f1": 0.5}, "PER": {"f1": None}}},
     "consensus_vs_gold": {"deep": {"a": {"b": {"c": 1}}}, "rows": [{"q": 1}, {"q": 2.5}]}},
])
def test_agreement_html_tolerates_minimal_and_unknown_shapes(extra):
    """An older or hand-written JSON (only the annotators) and blocks of shapes this
    page does not know still render."""
    page = render_agreement_html({"annotators": ["a", "b"], **extra})
    assert _cells(page, "heat-map") == [["a", "\u2014", "undefined"], ["b", "undefined", "\u2014"]]


def test_agreement_html_gold_ranking(demo):
    data = agree(FILES, gold="ann2").to_dict()
    page = render_agreement_html(data)
    assert [r[1] for r in _cells(page, "gold")] == [row["annotator"] for row in data["leaderboard"]]
    assert "gold ann2" in page


@pytest.mark.parametrize("form", ["layers", "spans"])
def test_agreement_html_nested(form):
    if form == "layers":
        data = agree([str(NESTED / "gold.conll"), str(NESTED / "pred.conll")], layers="1,2,3").to_dict()
    else:
        data = agree([str(NESTED / "gold.jsonl"), str(NESTED / "pred.jsonl")], nested=True).to_dict()
    page = render_agreement_html(data)
    nested = data["pairs"][0]["nested"]
    combined = _cells(page, "nested-pairs")[0]
    assert combined[2:] == [f"{nested['combined']['micro']['f1']:.4f}",
                            *(f"{nested['buckets'][b]['f1']:.4f}" for b in ("flat", "nested", "outer", "inner"))]
    assert "kappa_entity" not in page  # nested input has no single-alphabet kappa per pair
    if form == "layers":
        assert "nested input: layered CoNLL, layers 1, 2, 3" in page
        layers = _cells(page, "nested-layers")[0]
        assert layers[2:4] == [f"{nested['layers']['1']['micro']['f1']:.4f}",
                               f"{data['pairs'][0]['kappa_layers']['1']['kappa']['value']:.4f}"]
        assert [r[0] for r in _cells(page, "chance-layers")] == ["1", "2", "3"]
    else:
        assert "nested input: jsonl spans" in page and 'id="chance-layers"' not in page
        assert "(nested input: entities, not one tag a token)" in page


def _luminance(css: str) -> float:
    """WCAG 2 relative luminance of an ``hsl(h,s%,l%)`` colour."""
    h, s, lightness = (float(x) for x in re.search(r"hsl\(([\d.]+),([\d.]+)%,([\d.]+)%\)", css).groups())
    rgb = colorsys.hls_to_rgb(h / 360, lightness / 100, s / 100)
    return sum(w * (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
               for w, c in zip((0.2126, 0.7152, 0.0722), rgb))


def test_agreement_html_heat_scale_greyscale_and_contrast():
    """Darker means higher in greyscale too, and the dark text (#1d2330) stays readable."""
    values = [k / 100 for k in range(101)]
    luminance = [_luminance(heat_colour(v)) for v in values]
    assert all(a > b for a, b in pairwise(luminance))
    text = _luminance("hsl(221,25%,15.1%)")  # #1d2330
    assert min((y + 0.05) / (text + 0.05) for y in luminance) >= 4.5
    assert heat_colour(-1) == heat_colour(0) and heat_colour(2) == heat_colour(1)
    assert len(LEGEND_STOPS) >= 5


# ------------------------------------------------------------------ the browser
@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    if not (os.path.exists(CHROMEDRIVER) and os.path.exists(CHROMIUM)):
        pytest.skip("browser test needs Debian's chromium and chromium-driver "
                    "(apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chrome-profile-agreement")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", f"--window-size={WINDOW},900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An alert must not be dismissed silently: it stays open and the test sees it.
    options.set_capability("unhandledPromptBehavior", "ignore")
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_window_size(WINDOW, 900)
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _open(driver, tmp_path: Path, data: dict, name: str = "agreement.html") -> None:
    page = tmp_path / name
    page.write_text(render_agreement_html(data), encoding="utf-8")
    driver.get(page.as_uri())


def _severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _no_alert(driver) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert.dismiss()
    except NoAlertPresentException:
        return True
    return False


_GEOMETRY = """
var out = {viewport: document.documentElement.clientWidth, page: document.documentElement.scrollWidth, tables: []};
document.querySelectorAll('main table').forEach(function (table) {
  var wrap = table.parentNode;
  out.tables.push({id: table.id, right: table.getBoundingClientRect().right,
                   overflow: wrap.scrollWidth - wrap.clientWidth});
});
return out;
"""


def _check_fits(driver, tables: set[str]) -> None:
    geometry = driver.execute_script(_GEOMETRY)
    assert geometry["page"] <= geometry["viewport"] <= WINDOW, geometry  # no horizontal scroll bar
    assert tables <= {t["id"] for t in geometry["tables"]}, geometry
    for table in geometry["tables"]:
        assert table["overflow"] == 0, table  # nothing scrolls inside its box either
        assert table["right"] <= geometry["viewport"], table


def _texts(elements) -> list[str]:
    return [e.text for e in elements]


def test_agreement_html_in_browser(driver, demo, tmp_path):
    from selenium.webdriver.common.by import By

    _open(driver, tmp_path, demo)
    assert _severe(driver) == []
    names = demo["annotators"]
    assert driver.title == "Annotator agreement: " + ", ".join(names)
    heat = driver.find_element(By.ID, "heat-map")
    assert _texts(heat.find_elements(By.CSS_SELECTOR, "thead th"))[1:] == names
    rows = heat.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(names)
    for a, row in zip(names, rows):
        assert row.find_element(By.TAG_NAME, "th").text == a
        cells = row.find_elements(By.TAG_NAME, "td")
        assert len(cells) == len(names)
        assert _texts(cells) == ["\u2014" if a == b else f"{demo['f1_matrix'][a][b]:.4f}" for b in names]
        for b, cell in zip(names, cells):
            if a != b:  # coloured by value: a background, not the page's white
                assert cell.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    legend = driver.find_elements(By.CSS_SELECTOR, ".legend span.stop")
    assert _texts(legend) == [f"{v:.1f}" for v in LEGEND_STOPS]
    _check_fits(driver, {"heat-map", "per-type", "pairs", "annotators"})
    assert _severe(driver) == []


def test_agreement_html_sorts_pairs_by_f1(driver, demo, tmp_path):
    from selenium.webdriver.common.by import By

    _open(driver, tmp_path, demo)
    table = driver.find_element(By.ID, "pairs")
    f1 = table.find_elements(By.CSS_SELECTOR, "thead th")[6]
    assert f1.text == "F1"
    by_f1 = sorted(demo["pairs"], key=lambda p: p["f1"])
    f1.click()  # a number column sorts best first
    assert [r.find_elements(By.TAG_NAME, "td")[4].text for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")] \
        == [f"{p['f1']:.4f}" for p in reversed(by_f1)]
    f1.click()
    assert [r.find_elements(By.TAG_NAME, "td")[4].text for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")] \
        == [f"{p['f1']:.4f}" for p in by_f1]
    assert _severe(driver) == []


def test_agreement_html_hostile_names_are_text_in_browser(driver, hostile, tmp_path):
    from selenium.webdriver.common.by import By

    _open(driver, tmp_path, hostile, "hostile.html")
    assert _no_alert(driver)
    assert _severe(driver) == []
    assert driver.execute_script("return document.querySelectorAll('script').length") == 1
    assert driver.execute_script("return document.querySelectorAll('img, svg, b').length") == 0
    assert driver.title.startswith(f"Annotator agreement: {XSS}, {AMP}")
    heat = driver.find_element(By.ID, "heat-map")
    assert _texts(heat.find_elements(By.CSS_SELECTOR, "thead th"))[1:] == [XSS, AMP, "c", "d"]
    assert _texts(heat.find_elements(By.CSS_SELECTOR, "tbody th")) == [XSS, AMP, "c", "d"]
    assert _texts(driver.find_elements(By.CSS_SELECTOR, "#per-type tbody th"))[0] == IMG
    undefined = driver.find_elements(By.CSS_SELECTOR, "#pairs td.undef")
    assert undefined and all(e.text == "undefined" and e.get_attribute("title") for e in undefined)
    assert any(FILE in li.text for li in driver.find_elements(By.CSS_SELECTOR, "ul.warnings li"))
    _check_fits(driver, {"heat-map", "per-type", "pairs", "annotators"})
    assert _no_alert(driver)


def test_agreement_html_nested_fits_in_browser(driver, tmp_path):
    data = agree([str(NESTED / "gold.conll"), str(NESTED / "pred.conll"), str(NESTED / "gold.conll")],
                 layers="1,2,3", names="gold,pred,again").to_dict()
    _open(driver, tmp_path, data, "nested.html")
    assert _severe(driver) == []
    _check_fits(driver, {"heat-map", "pairs", "annotators", "nested-pairs", "nested-layers", "chance-layers"})


def test_agree_cli_writes_the_html_page(tmp_path):
    from click.testing import CliRunner

    from seqeval_suite.cli import main
    from seqeval_suite.render.agreement_html import render_agreement_html

    root = Path(__file__).resolve().parents[1] / "corpora" / "agreement"
    files = [str(root / f"ann{k}.conll") for k in (1, 2, 3)]
    out = tmp_path / "a.html"
    result = CliRunner().invoke(main, ["agree", *files, "-f", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    from seqeval_suite.agreement import agree as run_agree

    assert out.read_text(encoding="utf-8") == render_agreement_html(run_agree(files).to_dict())
