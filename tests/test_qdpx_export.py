"""REFI-QDA export: .qdpx projects and .qdc codebooks that other programs can open.

Every file written here is validated against the REFI schemas in ../shared/refi-qda
(skipped with the reason when a plain clone has no ../shared).
"""

from __future__ import annotations

import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHARED
from helpers import TRANSCRIPT, add_text, code_phrase
from lxml import etree

from qcode.cli.main import cli
from qcode.interop.qdc_export import export_qdc
from qcode.interop.qdpx_export import ExportSummary, export_qdpx
from qcode.interop.refi import CODEBOOK_NS, PROJECT_NS
from qcode.services import axial
from qcode.services.cases import CaseRow, apply_manifest
from qcode.services.codebook import CodebookEntry, define_subdivisions
from qcode.services.coding import CodingRequest, code_span, list_codings
from qcode.services.memos import add_memo
from qcode.services.project import Project, init_project, open_project
from qcode.services.sources import NewSource, add_source, list_sources

xmlschema = pytest.importorskip("xmlschema")

P = f"{{{PROJECT_NS}}}"
C = f"{{{CODEBOOK_NS}}}"
SPANISH = "Entrevista IP7\n\nIP7: La señora Núñez dijo: «la autoconstrucción fue clave».\n"
EMOJI = "IP8: We 💪 built it 🏠 together, step by step.\nIP8: Then the rain came ☔.\n"


def schema(name: str) -> xmlschema.XMLSchema:
    path = SHARED / "refi-qda" / name
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared sits beside the checkout in CI)")
    return xmlschema.XMLSchema(str(path))


def read_qdpx(path: Path) -> tuple[etree._Element, dict[str, bytes]]:
    """The project.qde (validated against Project.xsd) and the source files."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("project.qde")
        files = {name: archive.read(name) for name in archive.namelist()
                 if name.startswith("sources/")}
    schema("Project.xsd").validate(xml.decode("utf-8"))
    return etree.fromstring(xml), files


def read_qdc(path: Path) -> etree._Element:
    schema("Codebook.xsd").validate(str(path))
    return etree.parse(str(path)).getroot()


def guids(root: etree._Element) -> list[str]:
    return [e.get("guid") for e in root.iter() if e.get("guid")]


def build_small(project: Project) -> None:
    """Every kind of thing the export maps, in one small study."""
    add_text(project)
    add_source(project, NewSource(name="IP7_señora", text=SPANISH, format="txt",
                                  original_filename="IP7_señora.txt"))
    add_source(project, NewSource(name="IP8_emoji", text=EMOJI, format="txt",
                                  original_filename="IP8_emoji.txt"))
    define_subdivisions(project, [
        CodebookEntry("Subsidy", "Policy instruments", "Financing"),
        CodebookEntry("Credit", "Policy instruments", "Financing"),
        CodebookEntry("Participation", "Process characteristics"),
    ])
    # "Self-management" twice primary under Participation (its home), once under
    # Subsidy with Credit as a further subdivision: written once, plus two Sets.
    code_phrase(project, "They chose the layout themselves.", subdivision="Participation",
                emphasis="proud of it", notes="cf. Turner 1976")
    code_phrase(project, "Self-management was the key", subdivision="Participation")
    code_phrase(project, "The subsidy covered the foundations only.", subdivision="Subsidy",
                other_subdivisions=["Credit"])
    code_phrase(project, "The subsidy covered the foundations only.", code="Affordability",
                subdivision="Subsidy")
    code_phrase(project, "Later they built a second room.", code="Consolidation")
    start = SPANISH.index("la autoconstrucción")
    code_span(project, CodingRequest(source="IP7_señora", start=start,
                                     end=start + len("la autoconstrucción fue clave"),
                                     code="Self-management", subdivision="Participation"))
    start = EMOJI.index("built it 🏠 together")
    code_span(project, CodingRequest(source="IP8_emoji", start=start,
                                     end=start + len("built it 🏠 together"),
                                     code="Ñandú 🐦", subdivision="Participation"))
    start = EMOJI.index("the rain came ☔")
    code_span(project, CodingRequest(source="IP8_emoji", start=start,
                                     end=start + len("the rain came ☔"),
                                     code="Consolidation"))
    code_span(project, CodingRequest(source="IP4_interview", start=None, end=None,
                                     code="Affordability", sheet_text="a quote (...) not found",
                                     anchor="unanchored", emphasis="doubtful"))
    apply_manifest(project, [
        CaseRow("IP4", name="Ana López", attributes={
            "age": ("number", 41.5), "interview date": ("date", date(2021, 3, 1)),
            "stakeholder group": ("category", "beneficiary")}),
        CaseRow("IP7", attributes={"age": ("number", 63.0)}),
        CaseRow("IP8"),
    ])
    with project.transaction() as session:
        chose = next(r for r in list_codings(project)
                     if r.text == "They chose the layout themselves.")
        quote = axial.quote_of_coding(session, chose.id)
        made = axial.link(session, "Subsidy", "Participation", "cause",
                          note="subsidy rules shape who takes part", quotes=[quote])
        axial.link(session, "Credit", "code:Consolidation", "context", directed=False)
        add_memo(session, "First impressions", "Families want control.")
        add_memo(session, "On IP4", "Talkative.", target=("case", "IP4"))
        add_memo(session, "Why cause?", "Two interviews say so.", target=("link", made.id))
        add_memo(session, "Code memo", "Keep it narrow.", target=("code", "Self-management"))
        add_memo(session, "Source memo", "Noisy recording.", target=("source", "IP8_emoji"))


@pytest.fixture
def small(project: Project) -> Project:
    build_small(project)
    return project


def test_small_project_exports_valid_and_complete(small: Project, tmp_path: Path) -> None:
    summary = export_qdpx(small, tmp_path / "small.qdpx")
    root, files = read_qdpx(tmp_path / "small.qdpx")

    # Project's children in the schema's order, no empty containers.
    order = ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets",
             "NoteRef"]
    names = [etree.QName(child).localname for child in root]
    assert names == sorted(names, key=order.index)
    assert {"Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links",
            "Sets"} <= set(names)
    for element in root.iter():
        if etree.QName(element).localname in {"Users", "Codes", "Cases", "Sources", "Notes",
                                              "Links", "Sets", "Variables"}:
            assert len(element), f"empty <{etree.QName(element).localname}>"

    # Sources: UTF-8 without BOM, LF, named by the TextSource's GUID.
    texts = {}
    for source in root.iter(P + "TextSource"):
        guid = source.get("guid")
        assert source.get("plainTextPath") == f"internal://{guid}.txt"
        data = files[f"sources/{guid}.txt"]
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
        texts[source.get("name")] = data.decode("utf-8")
    assert texts == {"IP4_interview": TRANSCRIPT, "IP7_señora": SPANISH, "IP8_emoji": EMOJI}

    # Every anchored coding is a Coding on a selection whose offsets (code points)
    # cut the quote out of the source text.
    code_names = {c.get("guid"): c.get("name") for c in root.iter(P + "Code")}
    exported = []
    for source in root.iter(P + "TextSource"):
        text = texts[source.get("name")]
        for selection in source.iter(P + "PlainTextSelection"):
            quote = text[int(selection.get("startPosition")):int(selection.get("endPosition"))]
            for coding in selection.iter(P + "Coding"):
                code = code_names[coding.find(P + "CodeRef").get("targetGUID")]
                exported.append((source.get("name"), quote, code))
                assert coding.get("creatingUser") in {u.get("guid") for u in
                                                      root.iter(P + "User")}
    expected = [(r.source, r.text, r.code) for r in list_codings(small) if r.start is not None]
    assert sorted(exported) == sorted(expected)
    assert ("IP8_emoji", "built it 🏠 together", "Ñandú 🐦") in exported
    emoji_selection = next(s for s in root.iter(P + "PlainTextSelection")
                           if s.get("name") == "built it 🏠 together")
    assert int(emoji_selection.get("startPosition")) == EMOJI.index("built it")

    # The code filed under three subdivisions is written once, under its home
    # (Participation), and tied to Subsidy and Credit by Sets.
    written = [c for c in root.iter(P + "Code") if c.get("name") == "Self-management"]
    assert len(written) == 1
    assert written[0].getparent().get("name") == "Participation"
    assert written[0].getparent().get("isCodable") == "false"
    sets = {s.get("name"): [m.get("targetGUID") for m in s.iter(P + "MemberCode")]
            for s in root.iter(P + "Set")}
    assert sets["Also filed under: Subsidy"] == [written[0].get("guid")]
    assert sets["Also filed under: Credit"] == [written[0].get("guid")]
    # Subdivision tree as folders: group > factor group > subdivision > code.
    subsidy = next(c for c in root.iter(P + "Code") if c.get("name") == "Subsidy")
    assert [subsidy.getparent().get("name"), subsidy.getparent().getparent().get("name")] == [
        "Financing", "Policy instruments"]
    assert {c.get("name") for c in subsidy.findall(P + "Code")} == {"Affordability"}
    # Never filed: at the top level.
    top = {c.get("name") for c in root.find(P + "CodeBook").find(P + "Codes")}
    assert "Consolidation" in top

    # Emphasis and notes are Notes the coding references.
    notes = {n.get("guid"): n for n in root.iter(P + "Note")}
    chose = next(s for s in root.iter(P + "PlainTextSelection")
                 if s.get("name") == "They chose the layout themselves.")
    referenced = {(notes[r.get("targetGUID")].get("name"),
                   notes[r.get("targetGUID")].findtext(P + "PlainTextContent"))
                  for r in chose.find(P + "Coding").findall(P + "NoteRef")}
    assert referenced == {("Emphasis", "proud of it"), ("Notes", "cf. Turner 1976")}

    # The unanchored quote is a Note referenced from its source, and in the summary.
    assert [(u.source, u.codes, u.text) for u in summary.unanchored] == [
        ("IP4_interview", ("Affordability",), "a quote (...) not found")]
    unanchored = [n for n in notes.values() if n.get("name") == "Unanchored quote"]
    assert len(unanchored) == 1
    assert "a quote (...) not found" in unanchored[0].findtext(P + "PlainTextContent")
    assert "emphasis: doubtful" in unanchored[0].findtext(P + "PlainTextContent")
    ip4 = next(s for s in root.iter(P + "TextSource") if s.get("name") == "IP4_interview")
    assert unanchored[0].get("guid") in {r.get("targetGUID") for r in ip4.findall(P + "NoteRef")}

    # Cases with typed variables.
    variables = {v.get("name"): v for v in root.iter(P + "Variable")}
    assert {n: v.get("typeOfVariable") for n, v in variables.items()} == {
        "age": "Float", "interview date": "Date", "stakeholder group": "Text"}
    cases = {c.get("name"): c for c in root.iter(P + "Case")}
    assert set(cases) == {"IP4", "IP7", "IP8"}
    assert cases["IP4"].findtext(P + "Description") == "Ana López"
    values = {next(n for n, v in variables.items()
                   if v.get("guid") == value.find(P + "VariableRef").get("targetGUID")):
              etree.QName(value[1]).localname + "=" + value[1].text
              for value in cases["IP4"].findall(P + "VariableValue")}
    assert values == {"age": "FloatValue=41.5", "interview date": "DateValue=2021-03-01",
                      "stakeholder group": "TextValue=beneficiary"}
    assert [r.get("targetGUID") for r in cases["IP4"].findall(P + "SourceRef")] == [
        ip4.get("guid")]

    # Memos: referenced from their targets; the journal from the project.
    memo = {n.get("name"): n.get("guid") for n in notes.values()}
    assert [r.get("targetGUID") for r in root.findall(P + "NoteRef")] == [
        memo["First impressions"]]
    assert memo["Code memo"] in {r.get("targetGUID") for r in written[0].findall(P + "NoteRef")}
    emoji_source = next(s for s in root.iter(P + "TextSource") if s.get("name") == "IP8_emoji")
    assert [r.get("targetGUID") for r in emoji_source.findall(P + "NoteRef")] == [
        memo["Source memo"]]
    assert notes[memo["On IP4"]].findtext(P + "Description") == "memo on case IP4"

    # Axial links: relation, direction, ends; the note and memo referenced; a
    # supporting quote as a "supports" link.
    links = list(root.iter(P + "Link"))
    cause = next(k for k in links if k.get("name") == "cause")
    assert cause.get("direction") == "OneWay"
    assert (code_names[cause.get("originGUID")], code_names[cause.get("targetGUID")]) == (
        "Subsidy", "Participation")
    assert [notes[r.get("targetGUID")].get("name") for r in cause.findall(P + "NoteRef")] == [
        "cause", "Why cause?"]
    context = next(k for k in links if k.get("name") == "context")
    assert context.get("direction") == "Bidirectional"
    assert code_names[context.get("targetGUID")] == "Consolidation"
    supports = [k for k in links if k.get("name") == "supports"]
    assert [k.get("targetGUID") for k in supports] == [cause.get("guid")]
    assert supports[0].get("originGUID") in {s.get("guid") for s in
                                             root.iter(P + "PlainTextSelection")}

    # The summary counts what was written.
    anchored = [r for r in list_codings(small) if r.start is not None]
    assert (summary.sources, summary.codes, summary.folders, summary.codings,
            summary.selections, summary.cases, summary.variables, summary.memos,
            summary.links, summary.sets) == (
        3, 4, 6, len(anchored), len({(r.source, r.start, r.end) for r in anchored}), 3, 3, 5,
        3, 2)
    assert summary.notes == len(notes)
    assert "1 unanchored quotes written as notes" in summary.line()

    # All GUIDs unique.
    all_guids = guids(root)
    assert len(all_guids) == len(set(all_guids))


def test_same_project_same_guids(small: Project, tmp_path: Path) -> None:
    export_qdpx(small, tmp_path / "one.qdpx")
    export_qdpx(small, tmp_path / "two.qdpx")
    one, one_files = read_qdpx(tmp_path / "one.qdpx")
    two, two_files = read_qdpx(tmp_path / "two.qdpx")
    assert guids(one) == guids(two)
    assert etree.tostring(one) == etree.tostring(two)
    assert one_files == two_files
    export_qdc(small, tmp_path / "one.qdc")
    export_qdc(small, tmp_path / "two.qdc")
    assert (tmp_path / "one.qdc").read_bytes() == (tmp_path / "two.qdc").read_bytes()
    # The codebook's GUIDs are the project's: a .qdc and a .qdpx of one study match.
    book = read_qdc(tmp_path / "one.qdc")
    assert {c.get("guid") for c in book.iter(C + "Code")} == {
        c.get("guid") for c in one.iter(P + "Code")}


def test_codebook_alone(small: Project, tmp_path: Path) -> None:
    summary = export_qdc(small, tmp_path / "book.qdc")
    root = read_qdc(tmp_path / "book.qdc")
    codes = list(root.iter(C + "Code"))
    assert [c.get("name") for c in codes].count("Self-management") == 1
    folders = {c.get("name") for c in codes if c.get("isCodable") == "false"}
    assert folders == {"Policy instruments", "Financing", "Subsidy", "Credit",
                       "Process characteristics", "Participation"}
    sets = {s.get("name"): [m.get("guid") for m in s.iter(C + "MemberCode")]
            for s in root.iter(C + "Set")}
    self_management = next(c.get("guid") for c in codes if c.get("name") == "Self-management")
    assert sets == {"Also filed under: Subsidy": [self_management],
                    "Also filed under: Credit": [self_management]}
    assert (summary.codes, summary.folders, summary.sets) == (4, 6, 2)


def test_empty_project(project: Project, tmp_path: Path) -> None:
    """Nothing but the project: still a valid file (no empty containers)."""
    summary = export_qdpx(project, tmp_path / "empty.qdpx")
    root, files = read_qdpx(tmp_path / "empty.qdpx")
    assert len(root) == 0 and files == {}
    assert summary.sources == 0
    from qcode.errors import InputError

    with pytest.raises(InputError, match="codebook is empty"):
        export_qdc(project, tmp_path / "empty.qdc")
    assert not (tmp_path / "empty.qdc").exists()


def test_demo_study(demo_copy: str, tmp_path: Path) -> None:
    with open_project(demo_copy) as demo:
        summary = export_qdpx(demo, tmp_path / "demo.qdpx")
        codings = list_codings(demo)
        sources = list_sources(demo)
        export_qdc(demo, tmp_path / "demo.qdc")
    root, files = read_qdpx(tmp_path / "demo.qdpx")
    read_qdc(tmp_path / "demo.qdc")
    anchored = [r for r in codings if r.start is not None]
    assert summary.codings == len(anchored) == len(list(root.iter(P + "Coding")))
    assert summary.sources == len(sources) == len(files)
    assert len(summary.unanchored) == len(codings) - len(anchored)
    texts = {s.get("name"): files[f"sources/{s.get('guid')}.txt"].decode("utf-8")
             for s in root.iter(P + "TextSource")}
    wanted = {(r.source, r.start, r.end, r.text) for r in anchored}
    got = set()
    for source in root.iter(P + "TextSource"):
        for selection in source.iter(P + "PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            got.add((source.get("name"), start, end, texts[source.get("name")][start:end]))
    assert got == wanted
    # Each code once in the codebook, however many subdivisions it is filed under.
    codable = [c.get("name") for c in root.iter(P + "Code") if c.get("isCodable") == "true"]
    assert len(codable) == len(set(codable)) == summary.codes


def test_each_selection_says_its_codings_emphasis_and_notes_in_its_description(
        demo_copy: str, tmp_path: Path) -> None:
    """QualCoder reads a selection's Description as the coding's memo (and NVivo and
    MAXQDA show it as a comment): qcode's emphasis and notes must be there too, not only
    in Notes that those programs do not tie to the coding."""
    from qcode.interop.qdpx_import import import_qdpx

    with open_project(demo_copy) as demo:
        export_qdpx(demo, tmp_path / "demo.qdpx")
        codings = list_codings(demo)
    root, _ = read_qdpx(tmp_path / "demo.qdpx")
    by_span: dict[tuple[str | None, int | None, int | None], list[object]] = {}
    for row in codings:
        by_span.setdefault((row.source, row.start, row.end), []).append(row)
    described = 0
    for source in root.iter(P + "TextSource"):
        for selection in source.iter(P + "PlainTextSelection"):
            span = (source.get("name"), int(selection.get("startPosition")),
                    int(selection.get("endPosition")))
            rows = by_span[span]
            text = selection.findtext(P + "Description") or ""
            for row in rows:
                for said in (row.emphasis, row.notes):  # type: ignore[attr-defined]
                    assert not said or said in text, (span, said)
            if len(rows) > 1 and text:  # several codes: each line names its code
                named = [r for r in rows if r.emphasis or r.notes]  # type: ignore[attr-defined]
                assert all(f"{r.code}: " in text for r in named)  # type: ignore[attr-defined]
            described += bool(text)
    assert described > 100  # the demo's researcher wrote an emphasis on most quotes
    # Read back by qcode, the Description is not added to the notes a second time.
    with init_project(str(tmp_path / "back.qcode")) as back:
        import_qdpx(back, tmp_path / "demo.qdpx")
        again = list_codings(back)
    assert Counter((r.code, r.emphasis, r.notes) for r in again) == \
        Counter((r.code, r.emphasis, r.notes) for r in codings)


def test_cli(demo_copy: str, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "qdpx", demo_copy, str(tmp_path / "d.qdpx")])
    assert result.exit_code == 0, result.output
    assert "selections with" in result.stderr and "codings" in result.stderr
    read_qdpx(tmp_path / "d.qdpx")
    result = runner.invoke(cli, ["export", "qdc", demo_copy, str(tmp_path / "d.qdc")])
    assert result.exit_code == 0, result.output
    assert "codes in" in result.stderr
    read_qdc(tmp_path / "d.qdc")
    result = runner.invoke(cli, ["export", "qdpx", demo_copy, str(tmp_path / "d.zip")])
    assert result.exit_code != 0 and "must end in .qdpx" in result.output
    for command in ("qdpx", "qdc"):
        shown = runner.invoke(cli, ["export", command, "--help"])
        assert "Example" in shown.output


def test_summary_line_names_what_was_not_exported() -> None:
    from qcode.interop.qdpx_export import UnanchoredQuote

    summary = ExportSummary("x.qdpx", unanchored=[UnanchoredQuote(1, "IP1", ("A",), "t")],
                            skipped=["case IP1: age = nan (not a decimal)"])
    line = summary.line()
    assert "1 unanchored quotes written as notes, not selections" in line
    assert "not exported: case IP1: age = nan" in line
