"""`qcode export html`: the report a supervisor opens by double-clicking, checked in a
real headless Chromium (selenium and chromedriver, from Debian packages in CI).

One export of the demo study, with an interview whose quote, case and codebook hold
HTML and script, is opened once by file:// URL and shared by the tests: it loads with
no console errors and fetches nothing, its numbers are those of `qcode report mentions
--format json`, the filters leave exactly the quotes they should, hostile text shows
as text and runs nothing, and the printed PDF holds every part.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from qcode import api
from qcode.cli.main import cli
from qcode.errors import InputError

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="the HTML report is tested in Chromium: install chromium and chromium-driver "
           "(apt-get install chromium chromium-driver; .ci/run does)")

HOSTILE_TEXT = (
    "Interviewer: What did the notice say?\n\n"
    "IP13: It said <script>window.pwned = 1</script> in big letters. "
    "Then <img src=x onerror=\"window.pwned = 2\"> showed up.\n\n"
    "Interviewer: Odd. Anything else?\n"
)
HOSTILE_QUOTE = "It said <script>window.pwned = 1</script> in big letters."
HOSTILE_CASE = '<b>Ana "&amp;" Co</b>'
HOSTILE_GROUP = "</script><script>window.pwned = 3</script>"
HOSTILE_CODE = "<img src=x onerror=window.pwned=4>"
HOSTILE_SUBDIVISION = "</title><script>window.pwned = 5</script>"


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def _mentions(location: str, *args: str) -> list[dict[str, Any]]:
    """What `qcode report mentions ... --format json` prints."""
    return json.loads(_cli("report", "mentions", location, *args, "--format", "json").stdout)


@pytest.fixture(scope="module")
def study(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo study plus IP13, whose interview, case and codes are made of HTML."""
    folder = tmp_path_factory.mktemp("html-study")
    location = str(shutil.copy(built_demo, folder / "demo.qcode"))
    transcript = folder / "IP13_hostile.txt"
    transcript.write_text(HOSTILE_TEXT, encoding="utf-8")
    participants = folder / "participants.csv"
    participants.write_text(
        "case,name,stakeholder group,file\n"
        f"IP13,\"{HOSTILE_CASE.replace(chr(34), chr(34) * 2)}\",{HOSTILE_GROUP},"
        "IP13_hostile.txt\n", encoding="utf-8")
    with api.open(location) as project:
        api.import_files(project, [transcript], participants=participants)
        start = HOSTILE_TEXT.index(HOSTILE_QUOTE)
        api.code(project, "IP13_hostile", start, start + len(HOSTILE_QUOTE), HOSTILE_CODE,
                 subdivision=HOSTILE_SUBDIVISION, others=["Bureaucracy"],
                 emphasis='"><svg onload=window.pwned=6>', notes="</mark>{{7*7}}<!--")
    return location


@pytest.fixture(scope="module")
def report(study: str) -> Path:
    """The report, written through the real command."""
    folder = Path(study).parent / "report"
    page = Path(_cli("export", "html", study, str(folder)).stdout.strip())
    assert page == folder / "index.html"
    return page


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless Chromium for the module. Without these flags Chromium waits on
    network connections the test machine does not have."""
    assert CHROMIUM and CHROMEDRIVER
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(1280, 900)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def opened(browser: WebDriver, report: Path) -> dict[str, Any]:
    """The page as first loaded: what the console said, and what was fetched."""
    browser.get(report.as_uri())
    return {"log": browser.get_log("browser"),
            "fetched": browser.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)")}


@pytest.fixture
def page(browser: WebDriver, opened: dict[str, Any]) -> Iterator[WebDriver]:
    """The loaded page with its filters cleared before and after each test."""
    browser.find_element(By.ID, "r-clear").click()
    yield browser
    browser.find_element(By.ID, "r-clear").click()


def _visible_quotes(driver: WebDriver) -> list[str]:
    """The text of each quote element a reader can see."""
    return list(driver.execute_script(
        "return Array.from(document.querySelectorAll('article.quote'))"
        ".filter(q => q.getClientRects().length > 0).map(q => q.innerText)"))


def _rows(driver: WebDriver, table: str) -> list[list[str]]:
    """A table's body and foot rows as the cells' texts."""
    return list(driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr, ' + "
        "arguments[0] + ' tfoot tr')).map(r => Array.from(r.cells).map(c => c.innerText))",
        table))


def _number(text: str) -> int:
    return int(text.split("\n")[0].replace(",", ""))


def _percent(text: str) -> float:
    return float(text.split("\n")[-1].rstrip("%"))


def test_the_page_loads_offline_with_no_console_errors(opened: dict[str, Any], report: Path,
                                                      browser: WebDriver) -> None:
    assert opened["log"] == []
    assert opened["fetched"] == []  # figures inlined, no fonts, no scripts from anywhere
    shown = browser.execute_script("return document.querySelectorAll('figure svg').length")
    files = sorted(p.name for p in (report.parent / "figures").glob("*.svg"))
    assert "overview.svg" in files and "by-stakeholder-group.svg" in files
    assert shown == len(files)  # every figure of the folder is on the page
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert headings == ["Mentions by group", "Mentions by subdivision", "By stakeholder group",
                        "Codebook", "Quotes"]


def test_the_counts_are_those_of_the_mentions_report(page: WebDriver, study: str) -> None:
    by_group = _mentions(study, "--by", "group")
    rows = _rows(page, "#r-by-group")
    assert [(r[0], _number(r[1]), _percent(r[2])) for r in rows[:-1]] == [
        (g["group"], g["mentions"], g["percent"]) for g in by_group]
    assert _number(rows[-1][1]) == sum(g["mentions"] for g in by_group)

    of_all = {r["subdivision"]: r for r in _mentions(study, "--by", "subdivision")}
    tables = page.find_elements(By.CSS_SELECTOR, "table[data-group]")
    assert {t.get_attribute("data-group") for t in tables} == {
        g["group"] for g in by_group if g["group"] != "(no subdivision)"}
    for table in tables:
        group = table.get_attribute("data-group")
        inside = _mentions(study, "--subtree", group, "--by", "subdivision")
        factors = _mentions(study, "--subtree", group, "--by", "group")
        rows = _rows(page, f"#{table.get_attribute('id')}")
        classes = page.execute_script(
            "return Array.from(arguments[0].tBodies[0].rows).map(r => r.className)", table)
        subdivisions = [r for r, kind in zip(rows, classes, strict=False) if "sub" in kind]
        assert sorted((r[0], _number(r[1]), _percent(r[2]), _percent(r[3]))
                      for r in subdivisions) == sorted(
            (s["subdivision"], s["mentions"], s["percent"], of_all[s["subdivision"]]["percent"])
            for s in inside), group
        shown_factors = [(r[0], _number(r[1]), _percent(r[2]))
                         for r, kind in zip(rows, classes, strict=False) if kind == "fg"]
        if shown_factors:  # "Inclusion criteria": social 45, user-centric 38
            assert shown_factors == [(f["group"], f["mentions"], f["percent"]) for f in factors]

    crossed = _mentions(study, "--by", "group", "--across", "attribute:stakeholder group")
    header = page.execute_script(
        "return Array.from(document.querySelectorAll('#r-crosstab-table thead th'))"
        ".map(c => c.innerText)")
    table = {r[0]: dict(zip(header[1:], r[1:], strict=True))
             for r in _rows(page, "#r-crosstab-table")}
    for cell in crossed:
        shown = table[cell["row"]][cell["column"]]
        assert (_number(shown), _percent(shown)) == (cell["count"], cell["percent"]), cell

    # Under each subdivision, one quote per mention.
    listed = dict(page.execute_script(
        "return Array.from(document.querySelectorAll('section.qsub')).map(s => "
        "[s.querySelector('h4 .name').textContent, s.querySelectorAll('article.quote').length])"))
    assert listed == {name: row["mentions"] for name, row in of_all.items() if row["mentions"]}


def test_filtering_by_a_case_leaves_only_its_quotes(page: WebDriver, study: str) -> None:
    per_case = {r["case"]: r["mentions"] for r in _mentions(study, "--by", "case")}
    choose = Select(page.find_element(By.ID, "r-case"))
    choose.select_by_visible_text("IP3 \u2013 Tom\u00e1s Herrera")
    quotes = _visible_quotes(page)
    assert len(quotes) == per_case["IP3"]
    assert all("IP3 Tom\u00e1s Herrera" in q for q in quotes)
    status = page.find_element(By.ID, "r-status").text
    assert status == f"{per_case['IP3']} of {sum(per_case.values())} quotes"

    per_group = {next(iter(r.values())): r["mentions"]
                 for r in _mentions(study, "--by", "attribute:stakeholder group")}
    choose.select_by_index(0)
    Select(page.find_element(By.ID, "r-group-filter")).select_by_visible_text("NGO")
    assert len(_visible_quotes(page)) == per_group["NGO"]
    hidden = page.execute_script(
        "return Array.from(document.querySelectorAll('section.qsub'))"
        ".filter(s => s.getClientRects().length === 0).length")
    assert hidden > 0  # subdivisions without an NGO quote are hidden, not left empty


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c)).lower()


def test_typing_words_filters_the_quotes(page: WebDriver, study: str) -> None:
    with api.open(study) as project:
        codings = api.codings(project)
        names = {c["case"]: c["name"] or "" for _, c in api.cases(project).iterrows()}
    expected = 0
    for _, row in codings.iterrows():
        fields = [row["text"], row["code"], row["emphasis"], row["notes"], row["as_written"],
                  row["source"], *row["cases"], *(names[c] for c in row["cases"])]
        known = _fold(" ".join(str(f) for f in fields if isinstance(f, str)))
        for under in [row["subdivision"], *row["other_subdivisions"]] or ["(no subdivision)"]:
            if all(word in known + " " + _fold(str(under)) for word in ("credit", "famil")):
                expected += 1
    assert expected > 3
    page.find_element(By.ID, "r-text").send_keys("CREDIT famil")
    quotes = _visible_quotes(page)
    assert len(quotes) == expected
    page.find_element(By.ID, "r-text").send_keys(" construcci\u00f3n xyzzy")
    assert _visible_quotes(page) == []
    assert "0 of" in page.find_element(By.ID, "r-status").text


def test_html_and_script_in_the_project_show_as_text_and_run_nothing(
        page: WebDriver) -> None:
    assert page.execute_script("return typeof window.pwned") == "undefined"
    assert page.execute_script("return document.scripts.length") == 1  # the page's own
    Select(page.find_element(By.ID, "r-case")).select_by_visible_text(
        f"IP13 \u2013 {HOSTILE_CASE}")
    quotes = _visible_quotes(page)
    assert len(quotes) == 2  # filed under two subdivisions
    assert all(HOSTILE_QUOTE in q and HOSTILE_CASE in q and HOSTILE_GROUP in q
               for q in quotes)
    marks = page.execute_script(
        "return Array.from(document.querySelectorAll('article.quote mark'))"
        ".filter(m => m.getClientRects().length > 0).map(m => m.innerText)")
    assert marks == [HOSTILE_QUOTE, HOSTILE_QUOTE]
    # Around the quote, its turn and the turns before and after it, as text too.
    before, after = page.execute_script(
        "const q = Array.from(document.querySelectorAll('article.quote'))"
        ".find(q => q.getClientRects().length > 0);"
        "return Array.from(q.querySelectorAll('.q-text .ctx')).map(c => c.textContent)")
    assert before == "Interviewer: What did the notice say?\nIP13: "
    assert after == (' Then <img src=x onerror="window.pwned = 2"> showed up.\n'
                     "Interviewer: Odd. Anything else?")
    text = page.execute_script("return document.body.innerText")
    for hostile in (HOSTILE_CODE, HOSTILE_SUBDIVISION, '"><svg onload=window.pwned=6>',
                    "</mark>{{7*7}}<!--"):
        assert hostile in text
    assert page.find_elements(By.CSS_SELECTOR, "article.quote img, article.quote svg") == []
    page.find_element(By.ID, "r-text").send_keys("pwned")
    assert len(_visible_quotes(page)) == 2
    assert page.execute_script("return typeof window.pwned") == "undefined"


def test_the_printed_page_holds_every_part_without_the_controls(page: WebDriver) -> None:
    Select(page.find_element(By.ID, "r-case")).select_by_visible_text(
        "IP3 \u2013 Tom\u00e1s Herrera")
    printed = page.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    pdf = PdfReader(io.BytesIO(base64.b64decode(printed["data"])))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    for heading in ("Mentions by group", "Mentions by subdivision", "By stakeholder group",
                    "Codebook", "Quotes", "Interview partners", "Inclusion criteria"):
        assert heading in text
    assert "Show all" not in text and "Find" not in text  # no filter controls on paper
    assert "Quotes shown: case IP3" in text  # but the printout says what it holds
    assert len(pdf.pages) > 8


def test_bad_folders_are_one_line_errors(report: Path, study: str) -> None:
    for args, said in (
            ([str(report)], "is a file"),
            ([str(report.parent / "summary.html")], "give a folder for the report"),
            ([str(report.parent / "again"), "--across", "region"],
             "no case attribute 'region'")):
        result = CliRunner().invoke(cli, ["export", "html", study, *args])
        assert result.exit_code != 0
        assert said in result.output and len(result.output.strip().splitlines()) == 1, (
            result.output)
    with api.open(study) as project, pytest.raises(InputError, match="is a file; give a folder"):
        api.export_html(project, report)


def test_a_project_without_codings_or_stakeholder_groups_opens_and_says_so(
        browser: WebDriver, tmp_path: Path) -> None:
    with api.init(tmp_path / "new.qcode", name="Pilot <study>") as project:
        page = api.export_html(project, tmp_path / "report")
    browser.get(page.as_uri())
    try:
        assert browser.get_log("browser") == []
        assert browser.title == "Pilot <study>: coded interviews"
        text = browser.execute_script("return document.body.innerText")
        assert "No codings yet." in text
        assert "The cases have no attribute 'stakeholder group'" in text
        assert browser.find_elements(By.ID, "r-group-filter") == []  # only the case filter
        assert browser.find_element(By.ID, "r-status").text == "0 quotes"
    finally:
        browser.back()  # the shared page again, for the tests after this one

