"""Importing REFI-QDA projects (.qdpx) and codebooks (.qdc) from other programs."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHARED
from sqlalchemy import func, select

from qcode.cli.main import cli
from qcode.errors import ConstraintError, InputError
from qcode.interop import refi_read
from qcode.interop.qdc_import import import_qdc
from qcode.interop.qdpx_import import import_qdpx
from qcode.services.codebook import list_codes, list_subdivisions
from qcode.services.coding import CodingRequest, code_span, list_codings
from qcode.services.memos import list_memos
from qcode.services.project import Project, init_project
from qcode.services.sets import list_sets
from qcode.services.sources import list_sources, source_text
from qcode.store.models import Code, Quote, Source, Subdivision

NS = "urn:QDA-XML:project:1.0"
USER = "{9E0C2F4A-1B2C-4D5E-8F90-A1B2C3D4E5F6}"  # braced, upper case, as NVivo writes
CODE = "c0de0000-0000-4000-8000-000000000001"


def refi_sample(name: str) -> Path:
    """A sample under ../shared/refi-qda/samples, or skip: a plain clone has none."""
    path = SHARED / "refi-qda" / "samples" / name
    if not path.exists():
        pytest.skip(f"{path} is not here (shared/ sits beside the checkout in CI)")
    return path


def qdpx(tmp_path: Path, qde: str | bytes, files: dict[str, bytes] | None = None,
         qde_name: str = "project.qde") -> Path:
    path = tmp_path / "crafted.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde)
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


def project_xml(sources: str, codes: str | None = None, extra: str = "") -> str:
    codes = codes or f'<Code guid="{CODE}" name="Affordability" isCodable="true"/>'
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="x">'
            f'<Users><User guid="{USER}" name="ana"/></Users>'
            f"<CodeBook><Codes>{codes}</Codes></CodeBook>"
            f"<Sources>{sources}</Sources>{extra}</Project>")


def selection(start: int, end: int, guid: str, code: str = CODE.upper()) -> str:
    return (f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="{guid[:-1]}f" creatingUser="{USER.lower().strip("{}")}">'
            f'<CodeRef targetGUID="{{{code}}}"/></Coding></PlainTextSelection>')


def counts(project: Project) -> tuple[int, int, int, int]:
    with project.transaction() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Source, Code, Subdivision, Quote)
        )


# --- the real samples ------------------------------------------------------------------


def test_qc_demo_imports_every_code_selection_and_coding(project: Project) -> None:
    summary = import_qdpx(project, refi_sample("qc-1.3.2-demo.qdpx"))
    assert summary.counts["codebook entries"] == 262
    assert summary.counts["sources"] == 2
    assert summary.counts["quotes"] == 158
    assert summary.counts["codings"] == 205
    assert summary.skipped == []
    # 252 distinct names: the 10 names met again in another branch ("programming"
    # under competencies and under framings / cs_as_programming) stay codes of their
    # own, named with their parents, so 262 entries read give 262 codes, and the
    # summary says where each one sits.
    assert summary.counts["codes"] == 262
    assert summary.counts["codes named with their parent path"] == 10
    assert len(list_codes(project)) == 262
    assert ("code 'programming' under rq1_definition / framings / cs_as_programming is its "
            "own code 'cs_as_programming / programming': 'programming' is the code under "
            "rq1_definition / competencies; `qcode merge-codes` joins them if they are one "
            "code") in summary.notes
    renamed = [n for n in summary.notes if n.startswith("code ")]
    assert len(renamed) == 10
    # qc codes each name once and its codings point at the first place a name is
    # listed: they all keep the plain name, and the renamed copies hold none.
    by_name = {c.name: c.codings for c in list_codes(project)}
    assert by_name["programming"] == 3 and by_name["cs_as_programming / programming"] == 0
    assert by_name["graduation_requirement"] == 10
    depth = max(node.path.count(" / ") + 1 for node in list_subdivisions(project))
    assert depth == 6  # 7 levels of codes: six levels of parents, leaves as codes
    codings = list_codings(project)
    assert len(codings) == 205 and {c.coder for c in codings} == {"cp"}
    texts = {s.name: source_text(project, s.name)[1] for s in list_sources(project)}
    for coding in codings:
        assert coding.anchor == "exact"
        assert coding.source is not None and coding.start is not None
        assert texts[coding.source][coding.start:coding.end] == coding.text
    assert all(c.subdivision for c in codings if c.code != "rq1_definition")


def test_nvivo_mac_export_keeps_its_empty_texts_once_each(project: Project) -> None:
    summary = import_qdpx(project, refi_sample("nvivo-mac-15.qdpx"))
    assert summary.counts["codebook entries"] == 262
    # This sample's .txt files are 1 byte and its .docx files hold one empty paragraph:
    # both documents are kept as empty sources with their GUIDs, and the summary says so.
    assert summary.counts["sources"] == 2 and not summary.skipped
    assert sum("holds no text either" in note for note in summary.notes) == 2
    with project.reading() as session:
        assert sorted((s.guid, s.length) for s in session.scalars(select(Source))) == [
            ("d097e6fd-7671-4d95-a8b6-7795fa4a72e1", 0),
            ("e65f5ee2-9a55-47f1-bb0b-4921d8ce15c4", 0)]
    # Importing the file again finds them by GUID (they share their empty text).
    assert import_qdpx(project, refi_sample("nvivo-mac-15.qdpx")).counts.get("sources", 0) == 0
    assert len(list_sources(project)) == 2
    with pytest.raises(ConstraintError, match="is empty .* no text to code"):
        code_span(project, CodingRequest(source=list_sources(project)[0].name, start=0,
                                         end=1, code="x"))


def test_nvivo_mac_text_comes_from_the_docx_when_the_txt_is_one_byte(
        project: Project, tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Self-management made the houses affordable.")
    buffer = io.BytesIO()
    document.save(buffer)
    guid = "d097e6fd-7671-4d95-a8b6-7795fa4a72e1"
    source = (f'<TextSource guid="{guid}" name="IP1" plainTextPath="internal://{guid}.txt" '
              f'richTextPath="internal://{guid}.docx"/>')
    path = qdpx(tmp_path, project_xml(source), {f"sources/{guid}.txt": b"\n",
                                                f"sources/{guid}.docx": buffer.getvalue(),
                                                "sources/.root": b""})
    import_qdpx(project, path)
    assert source_text(project, "IP1")[1] == "Self-management made the houses affordable."


def test_atlasti_codebook_gives_codes_and_keeps_the_set(project: Project) -> None:
    summary = import_qdc(project, refi_sample("atlasti-23.4-codebook.qdc"))
    [code] = list_codes(project)
    assert (code.name, code.description, code.color) == ("code1", "description", "#46aa00")
    assert summary.skipped == [] and summary.counts["sets"] == 1
    [kept] = list_sets(project)  # ATLAS.ti's code group is a set of qcode's
    assert (kept.name, kept.codes, kept.description) == ("code group 1", ["code1"],
                                                         "kategorie 1")


# --- vendor quirks -----------------------------------------------------------------------


def test_nvivo_windows_utf16_crlf_offsets_are_converted(project: Project,
                                                        tmp_path: Path) -> None:
    raw = "IP1: Rent 😀 was high\r\nInterviewer: why 😀😀?\r\nIP1: the subsidy came late"
    stored = raw.replace("\r\n", "\n")

    def utf16(text: str, word: str) -> tuple[int, int]:
        at = raw.index(word)
        units = len(raw[:at].encode("utf-16-le")) // 2
        return units, units + len(word.encode("utf-16-le")) // 2

    spans = [utf16(raw, w) for w in ("was high", "why", "subsidy came late")]
    sels = "".join(selection(a, b, f"00000000-0000-4000-8000-00000000000{n}")
                   for n, (a, b) in enumerate(spans, 1))
    source = f'<TextSource guid="{{ABCDEF00-0000-4000-8000-000000000000}}" name="IP1" ' \
             f'plainTextPath="IP1.TXT">{sels}</TextSource>'
    body = b"\xef\xbb\xbf" + raw.encode("utf-8")
    summary = import_qdpx(project, qdpx(tmp_path, project_xml(source),
                                        {"Sources/ip1.txt": body}, "Any Name.QDE"))
    assert any("UTF-16 code units with CRLF as two" in n for n in summary.notes)
    assert source_text(project, "IP1")[1] == stored
    assert [c.text for c in list_codings(project)] == ["was high", "why",
                                                      "subsidy came late"]
    assert {c.coder for c in list_codings(project)} == {"ana"}


def test_a_selection_inside_a_character_stays_as_an_unanchored_coding(
        project: Project, tmp_path: Path) -> None:
    # Code points counting CRLF as two fit three selections; the fourth starts
    # between CR and LF, where no character starts.
    raw = "ab\r\ncd efg hij"
    sels = "".join(selection(a, b, f"00000000-0000-4000-8000-00000000000{n}")
                   for n, (a, b) in enumerate([(0, 2), (4, 6), (7, 10), (3, 6)], 1))
    source = f'<TextSource guid="{CODE[:-1]}9" name="S" plainTextPath="internal://s.txt">' \
             f"{sels}</TextSource>"
    summary = import_qdpx(project, qdpx(tmp_path, project_xml(source),
                                        {"sources/s.txt": raw.encode()}))
    assert sorted((c.anchor, c.text) for c in list_codings(project)) == [
        ("exact", "ab"), ("exact", "cd"), ("exact", "efg"), ("unanchored", "\ncd")]
    assert summary.counts["unanchored quotes"] == 1
    again = import_qdpx(project, qdpx(tmp_path, project_xml(source),
                                      {"sources/s.txt": raw.encode()}))
    assert len(list_codings(project)) == 4 and "unanchored quotes" not in again.counts


def test_comments_notes_cases_variables_and_links(project: Project, tmp_path: Path) -> None:
    other = "c0de0000-0000-4000-8000-000000000002"
    folder = "c0de0000-0000-4000-8000-000000000003"
    codes = (f'<Code guid="{folder}" name="Instruments" isCodable="false">'
             f'<Code guid="{CODE}" name="Affordability" isCodable="true" color="#112233">'
             f"<Description>Costs</Description></Code></Code>"
             f'<Code guid="{other}" name="Participation" isCodable="true"/>')
    note = "a0000000-0000-4000-8000-000000000001"
    var = "b0000000-0000-4000-8000-000000000001"
    src = "e0000000-0000-4000-8000-000000000001"
    sels = (selection(0, 4, "00000000-0000-4000-8000-000000000001").replace(
        "</Coding>", f'<NoteRef targetGUID="{note}"/></Coding>')
        + '<PlainTextSelection guid="00000000-0000-4000-8000-000000000002" '
          'startPosition="5" endPosition="9"><Description>check this</Description>'
          "</PlainTextSelection>")
    source = f'<TextSource guid="{src}" name="IP2" plainTextPath="ip2.txt">{sels}</TextSource>'
    extra = (f'<Notes><Note guid="{note}" name="n"><PlainTextContent>stressed twice'
             f"</PlainTextContent></Note></Notes>"
             f'<Links><Link guid="f0000000-0000-4000-8000-000000000001" name="cause" '
             f'direction="OneWay" originGUID="{CODE}" targetGUID="{other}"/></Links>')
    cases = (f'<Variables><Variable guid="{var}" name="Age" typeOfVariable="Integer"/>'
             f'</Variables><Cases><Case guid="d0000000-0000-4000-8000-000000000001">'
             f'<VariableValue><VariableRef targetGUID="{var}"/><IntegerValue>41'
             f'</IntegerValue></VariableValue><SourceRef targetGUID="{src}"/></Case></Cases>')
    xml = project_xml(source, codes, extra).replace("<Sources>", cases + "<Sources>")
    summary = import_qdpx(project, qdpx(tmp_path, xml, {"sources/ip2.txt": b"Rent was high"}))
    [coding] = list_codings(project)
    assert (coding.text, coding.notes, coding.subdivision) == ("Rent", "stressed twice",
                                                              "Instruments")
    assert summary.counts["comments as memos"] == 1 and summary.counts["links"] == 1
    from qcode.services.cases import list_cases

    [case] = list_cases(project)
    assert (case.key, case.sources, case.attributes) == ("IP2", ["IP2"], {"Age": 41.0})
    with project.transaction() as session:
        assert [m.body for m in list_memos(session)] == ["check this\n\n> was "]


def test_non_text_sources_are_listed_not_dropped(project: Project, tmp_path: Path) -> None:
    source = ('<PictureSource guid="e0000000-0000-4000-8000-000000000009" name="photo" '
              'path="internal://p.png"/><TextSource guid="e0000000-0000-4000-8000-00000000000a"'
              ' name="far" plainTextPath="absolute:///home/x/far.txt"/>')
    summary = import_qdpx(project, qdpx(tmp_path, project_xml(source)))
    reasons = {s.name: s.reason for s in summary.skipped}
    assert "picture" in reasons["photo"] and "outside the archive" in reasons["far"]


# --- hostile files -----------------------------------------------------------------------


def _refused(project: Project, path: Path, words: str) -> None:
    before = counts(project)
    with pytest.raises(InputError) as refused:
        import_qdpx(project, path)
    message = str(refused.value)
    assert "\n" not in message and words in message
    assert counts(project) == before


def test_path_traversal_entry_is_refused(project: Project, tmp_path: Path) -> None:
    path = qdpx(tmp_path, project_xml(""), {"../../evil.txt": b"x"})
    _refused(project, path, "path traversal")


def test_absolute_entry_is_refused(project: Project, tmp_path: Path) -> None:
    _refused(project, qdpx(tmp_path, project_xml(""), {"/etc/cron.d/x": b"x"}),
             "path traversal")


def test_symlink_entry_is_refused(project: Project, tmp_path: Path) -> None:
    path = qdpx(tmp_path, project_xml(""))
    with zipfile.ZipFile(path, "a") as archive:
        info = zipfile.ZipInfo("sources/link.txt")
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    _refused(project, path, "symbolic link")


def test_zip_bomb_is_refused(project: Project, tmp_path: Path) -> None:
    path = qdpx(tmp_path, project_xml(""), {"sources/bomb.txt": b"\0" * (40 * 2**20)})
    assert path.stat().st_size < 200_000
    _refused(project, path, "zip bomb")


def test_total_unpacked_size_is_capped(project: Project, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refi_read, "MAX_UNPACKED_BYTES", 10_000)
    path = qdpx(tmp_path, project_xml(""), {"sources/a.txt": bytes(range(256)) * 50})
    _refused(project, path, "zip bomb")


def test_entity_expansion_is_refused(project: Project, tmp_path: Path) -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
              f'<Project xmlns="{NS}" name="&lol3;"/>')
    _refused(project, qdpx(tmp_path, laughs), "DTD")


def test_external_entity_is_refused(project: Project, tmp_path: Path) -> None:
    xxe = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           f'<Project xmlns="{NS}" name="&x;"/>')
    _refused(project, qdpx(tmp_path, xxe), "DTD")


def test_broken_xml_and_offsets_past_the_end_are_refused(project: Project,
                                                          tmp_path: Path) -> None:
    _refused(project, qdpx(tmp_path, "<Project><Sources>"), "not well-formed")
    source = (f'<TextSource guid="{CODE[:-1]}9" name="S" plainTextPath="s.txt">'
              f'{selection(2, 99, "00000000-0000-4000-8000-000000000001")}</TextSource>')
    _refused(project, qdpx(tmp_path, project_xml(source), {"sources/s.txt": b"short"}),
             "past the end")


def test_two_qde_files_are_refused(project: Project, tmp_path: Path) -> None:
    _refused(project, qdpx(tmp_path, project_xml(""), {"other.qde": b"<Project/>"}),
             "exactly one .qde")


def test_guids_compare_in_any_case_and_braces() -> None:
    from qcode.interop.refi import normal_guid

    assert normal_guid("{ABCDEF00-0000-4000-8000-000000000000}") == normal_guid(
        "abcdef00-0000-4000-8000-000000000000")


# --- the command line ---------------------------------------------------------------------


def test_cli_dry_run_changes_nothing_and_reports_json(location: str) -> None:
    sample = refi_sample("qc-1.3.2-demo.qdpx")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", location]).exit_code == 0
    result = runner.invoke(cli, ["import", "qdpx", location, str(sample), "--dry-run",
                                 "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["dry_run"] and summary["counts"]["codings"] == 205
    listed = runner.invoke(cli, ["codes", location, "--json"])
    assert json.loads(listed.stdout) == []
    done = runner.invoke(cli, ["import", "qdpx", location, str(sample)])
    assert done.exit_code == 0 and "205 codings" in done.stdout


def test_cli_codebook_and_the_old_import_usage_still_work(tmp_path: Path) -> None:
    study = str(tmp_path / "study.qcode")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", study]).exit_code == 0
    transcript = tmp_path / "IP1.txt"
    transcript.write_text("IP1: the rent was high.\n", encoding="utf-8")
    old = runner.invoke(cli, ["import", study, str(transcript)])
    assert old.exit_code == 0 and "1 imported" in old.output
    qdc = tmp_path / "book.qdc"
    qdc.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="'
                   f'{CODE}" name="Rent" isCodable="true"/></Codes></CodeBook>')
    assert runner.invoke(cli, ["import", "qdc", study, str(qdc)]).exit_code == 0
    shortcut = runner.invoke(cli, ["import", study, str(qdc), "--json"])
    assert shortcut.exit_code == 0 and json.loads(shortcut.stdout)["counts"] == {
        "codebook entries": 1}
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip")
    refused = runner.invoke(cli, ["import", "qdpx", study, str(bad)])
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1


# --- text paths, PDFs, MAXQDA variables, notes on codes and cases -----------------------


@pytest.fixture
def sqlite_project(tmp_path: Path) -> Iterator[Project]:
    """A project on SQLite only: these tests read files, where the backend plays no part."""
    with init_project(str(tmp_path / "study.qcode"), name="Test study") as created:
        yield created


def _with_base(xml: str, base: str) -> str:
    return xml.replace('name="x">', f'name="x" basePath="{base}">', 1)


def test_relative_paths_resolve_against_base_path_inside_the_archive(
        sqlite_project: Project, tmp_path: Path) -> None:
    project = sqlite_project
    sources = (
        # basePath names a folder of the archive: the file is read there.
        '<TextSource guid="e1000000-0000-4000-8000-000000000001" name="IP1" '
        'plainTextPath="relative://IP1.txt"/>'
        # Below it, with Windows separators.
        '<TextSource guid="e1000000-0000-4000-8000-000000000002" name="IP2" '
        'plainTextPath="relative://Second round\\IP2.txt"/>'
        # A file the archive does not hold is never looked for on the disk.
        '<TextSource guid="e1000000-0000-4000-8000-000000000003" name="IP3" '
        'plainTextPath="relative://IP3.txt"/>')
    xml = _with_base(project_xml(sources), "sources/Interviews/")
    path = qdpx(tmp_path, xml, {
        "sources/Interviews/IP1.txt": b"IP1: rent was high",
        "sources/Interviews/Second round/IP2.txt": b"IP2: water twice a week"})
    summary = import_qdpx(project, path)
    assert source_text(project, "IP1")[1] == "IP1: rent was high"
    assert source_text(project, "IP2")[1] == "IP2: water twice a week"
    [skipped] = summary.skipped
    assert (skipped.element, skipped.name) == ("TextSource", "IP3")
    assert skipped.reason == (
        "its text relative://IP3.txt points outside the archive (basePath "
        "'sources/Interviews/'); copy the file into the project and export again")


def test_relative_path_against_a_base_path_on_the_exporters_disk(
        sqlite_project: Project, tmp_path: Path) -> None:
    project = sqlite_project
    source = ('<TextSource guid="e1000000-0000-4000-8000-000000000004" name="IP4" '
              'plainTextPath="relative://sources/IP4.txt"/>')
    xml = _with_base(project_xml(source), "C:\\Users\\ana\\Projekt")
    import_qdpx(project, qdpx(tmp_path, xml, {"Sources/ip4.TXT": b"IP4: a loan"}))
    assert source_text(project, "IP4")[1] == "IP4: a loan"


def test_absolute_paths_are_never_read_from_disk(sqlite_project: Project,
                                                 tmp_path: Path) -> None:
    project = sqlite_project
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("a file the project names on this disk", encoding="utf-8")
    source = ('<TextSource guid="e1000000-0000-4000-8000-000000000005" name="IP5" '
              f'plainTextPath="absolute://{secret}"/>')
    summary = import_qdpx(project, qdpx(tmp_path, project_xml(source)))
    assert list_sources(project) == []
    assert [(s.name, s.reason) for s in summary.skipped] == [
        ("IP5", f"its text absolute://{secret} points outside the archive; qcode does not "
                "read files a project names on your disk: import it separately")]


def _pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    y = 800
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 20
    if not lines:
        pdf.rect(100, 100, 300, 300, fill=1)  # a scan: a picture, no text layer
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_a_pdf_with_text_comes_in_as_text_without_its_selections(
        sqlite_project: Project, tmp_path: Path) -> None:
    project = sqlite_project
    area = ('<PDFSelection guid="a1000000-0000-4000-8000-00000000000{n}" page="1" '
            'firstX="10" firstY="10" secondX="90" secondY="40"><Coding guid='
            '"a2000000-0000-4000-8000-00000000000{n}"><CodeRef targetGUID="' + CODE +
            '"/></Coding></PDFSelection>')
    sources = ('<PDFSource guid="e2000000-0000-4000-8000-000000000001" name="IP6" '
               f'path="internal://ip6.pdf">{area.format(n=1)}{area.format(n=2)}</PDFSource>'
               '<PDFSource guid="e2000000-0000-4000-8000-000000000002" name="Scan" '
               'path="internal://scan.pdf"/>')
    files = {"sources/ip6.pdf": _pdf(["Interviewer: And the rent?", "IP6: Too high."]),
             "sources/scan.pdf": _pdf([])}
    summary = import_qdpx(project, qdpx(tmp_path, project_xml(sources), files))
    assert source_text(project, "IP6")[1] == "Interviewer: And the rent?\nIP6: Too high."
    assert [s.format for s in list_sources(project)] == ["pdf"]
    assert list_codings(project) == []
    assert ("PDF 'IP6' imported as text without its 2 selections (PDF selections are "
            "areas of pages, not text offsets)") in summary.notes
    assert [(s.element, s.name, s.reason) for s in summary.skipped] == [
        ("PDFSelection", "IP6", "2 selections on a PDF page; recode them in the text"),
        ("PDFSource", "Scan", "a PDF without a text layer qcode can read")]


def test_maxqda_variables_in_text_sources_and_unnamed_cases(
        sqlite_project: Project, tmp_path: Path) -> None:
    project = sqlite_project
    from datetime import date

    from qcode.services.cases import list_cases

    variables = {"group": ("Text", "f1"), "age": ("Integer", "f2"),
                 "owner": ("Boolean", "f3"), "interviewed": ("Date", "f4")}
    declared = "".join(f'<Variable guid="b1000000-0000-4000-8000-0000000000{g}" name="{n}" '
                       f'typeOfVariable="{t}"/>' for n, (t, g) in variables.items())

    def value(name: str, tag: str, text: str) -> str:
        guid = variables[name][1]
        return (f'<VariableValue><VariableRef targetGUID="b1000000-0000-4000-8000-0000000000'
                f'{guid}"/><{tag}>{text}</{tag}></VariableValue>')

    src1, src2 = "e3000000-0000-4000-8000-000000000001", "e3000000-0000-4000-8000-000000000002"
    sources = (f'<TextSource guid="{src1}" name="IP7" plainTextPath="ip7.txt">'
               + value("group", "TextValue", "NGO") + value("age", "IntegerValue", "41")
               + "</TextSource>"
               f'<TextSource guid="{src2}" name="IP8" plainTextPath="ip8.txt"/>')
    cases = (f"<Variables>{declared}</Variables><Cases>"
             # MAXQDA: a document's variables as a case without a name.
             '<Case guid="d1000000-0000-4000-8000-000000000001">'
             + value("owner", "BooleanValue", "true")
             + value("interviewed", "DateValue", "2021-03-04")
             + f'<SourceRef targetGUID="{src2}"/></Case>'
             '<Case guid="d1000000-0000-4000-8000-000000000002">'
             f'<SourceRef targetGUID="{src1}"/><SourceRef targetGUID="{src2}"/></Case>'
             "</Cases>")
    xml = project_xml(sources).replace("<Sources>", cases + "<Sources>")
    summary = import_qdpx(project, qdpx(tmp_path, xml, {"sources/ip7.txt": b"IP7: rent",
                                                        "sources/ip8.txt": b"IP8: water"}))
    assert sorted((c.key, c.sources, c.attributes) for c in list_cases(project)) == [
        ("IP7", ["IP7"], {"group": "NGO", "age": 41.0}),
        ("IP8", ["IP8"], {"owner": "true", "interviewed": date(2021, 3, 4)})]
    assert summary.counts["cases"] == 2 and summary.counts["attribute values"] == 4
    assert [(s.element, s.reason) for s in summary.skipped] == [
        ("Case", "has no name and not exactly one source")]


def test_notes_on_codes_folders_and_cases_become_memos_on_them(
        project: Project, tmp_path: Path) -> None:
    from qcode.services.cases import list_cases

    folder = "c0de0000-0000-4000-8000-00000000000f"
    notes = {"n1": ("Definition", "Costs a household cannot carry."),
             "n2": ("Scope", "Everything the programme finances."),
             "n3": ("About IP9", "Interviewed twice."),
             "n4": ("Follow-up", "Call again in May.")}
    guid = {k: f"a3000000-0000-4000-8000-0000000000{k[1]}0" for k in notes}
    codes = (f'<Code guid="{folder}" name="Instruments" isCodable="false">'
             f'<NoteRef targetGUID="{guid["n2"]}"/>'
             f'<Code guid="{CODE}" name="Affordability" isCodable="true">'
             f'<NoteRef targetGUID="{guid["n1"]}"/></Code></Code>')
    src = "e4000000-0000-4000-8000-000000000001"
    source = f'<TextSource guid="{src}" name="IP9" plainTextPath="ip9.txt"/>'
    cases = ('<Cases><Case guid="d2000000-0000-4000-8000-000000000001" name="IP9">'
             f'<SourceRef targetGUID="{src}"/><NoteRef targetGUID="{guid["n3"]}"/>'
             "</Case></Cases>")
    # qcode's own export marks a memo on a case in the note's Description.
    declared = "".join(
        f'<Note guid="{guid[k]}" name="{title}">'
        + ("<Description>memo on case IP9</Description>" if k == "n4" else "")
        + f"<PlainTextContent>{body}</PlainTextContent></Note>"
        for k, (title, body) in notes.items())
    xml = project_xml(source, codes, f"<Notes>{declared}</Notes>").replace(
        "<Sources>", cases + "<Sources>")
    path = qdpx(tmp_path, xml, {"sources/ip9.txt": b"IP9: the rent"})
    import_qdpx(project, path)
    [case] = list_cases(project)
    assert (case.key, case.name) == ("IP9", None)  # a note is never the person's name

    def memo_rows() -> list[tuple[str, str, str, str | None]]:
        with project.transaction() as session:
            return sorted((m.target_kind, m.target_name or "", m.title, m.body)
                          for m in list_memos(session))

    assert memo_rows() == [
        ("case", "IP9", "About IP9", "Interviewed twice."),
        ("case", "IP9", "Follow-up", "Call again in May."),
        ("code", "Affordability", "Definition", "Costs a household cannot carry."),
        ("subdivision", "Instruments", "Scope", "Everything the programme finances.")]
    again = import_qdpx(project, path)  # the same file again adds nothing
    assert len(memo_rows()) == 4 and "memos" not in again.counts
