"""Importing transcripts: exact text back, duplicates, refused files, transactions."""

from __future__ import annotations

import codecs
import uuid
from pathlib import Path

import pytest
from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qcode.ingest.importer as importer
from qcode.ingest.formats import Document
from qcode.ingest.importer import import_paths
from qcode.services.coding import CodingRequest, code_span, list_codings
from qcode.services.project import Project, init_project
from qcode.services.sources import Turn, list_sources, open_source, source_text

TEXT = "Interviewer: Where do you live?\n\nIP1: In Loma Alta – since 2009.\n\n" \
       "Interviewer: And water?\n\nIP1: Twice a week, if we are lucky. 😅\n"


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_imported_text_lists_back_exactly(project: Project, tmp_path: Path) -> None:
    write(tmp_path, "IP1.txt", codecs.BOM_UTF8 + TEXT.replace("\n", "\r\n").encode())
    report = import_paths(project, [tmp_path])
    assert [i.status for i in report.items] == ["imported"]
    name, stored = source_text(project, "IP1")
    assert stored == TEXT  # BOM gone, CRLF now LF, emoji one code point
    (info,) = list_sources(project)
    assert (info.characters, info.encoding, info.turns) == (len(TEXT), "utf-8-sig", 4)
    turns = open_source(project, name).turns
    assert [stored[t.start:t.end] for t in turns][1] == "In Loma Alta – since 2009."


def test_folders_import_recursively_and_skip_other_files(project: Project, tmp_path: Path) -> None:
    write(tmp_path, "a/IP1.txt", b"IP1: one\nIP1: two")
    write(tmp_path, "a/b/IP2.md", b"# IP2\n\nIP2: three\nIP2: four")
    write(tmp_path, "a/b/notes.doc", b"\xd0\xcf\x11\xe0")
    write(tmp_path, "a/.hidden/IP9.txt", b"hidden")
    report = import_paths(project, [tmp_path / "a"])
    assert sorted(i.source or "" for i in report.items) == ["IP1", "IP2"]
    assert {s.format for s in list_sources(project)} == {"txt", "md"}


def test_the_same_content_twice_is_skipped(project: Project, tmp_path: Path) -> None:
    first = write(tmp_path, "IP1.txt", TEXT.encode())
    copy = write(tmp_path, "copy/IP1 again.txt", TEXT.encode("utf-16"))
    import_paths(project, [first])
    report = import_paths(project, [copy, first])
    assert [(i.status, i.detail) for i in report.items] == [
        ("duplicate", "same text as IP1"), ("duplicate", "same text as IP1")
    ]
    assert len(list_sources(project)) == 1


def test_a_refused_file_is_reported_while_the_others_go_in(
    project: Project, tmp_path: Path
) -> None:
    good = write(tmp_path, "IP1.txt", TEXT.encode())
    empty = write(tmp_path, "IP2.txt", b"")
    binary = write(tmp_path, "IP3.txt", b"\x00\x01\x02binary")
    other = write(tmp_path, "IP4.doc", b"\xd0\xcf\x11\xe0")
    report = import_paths(project, [empty, good, binary, other, tmp_path / "missing.txt"])
    status = {i.path.name: (i.status, i.detail) for i in report.items}
    assert status["IP1.txt"][0] == "imported"
    assert status["IP2.txt"] == ("refused", f"{empty}: the file is empty; nothing to import")
    assert "NUL bytes" in status["IP3.txt"][1]
    assert "save the transcript as one of .docx" in status["IP4.doc"][1]
    assert status["missing.txt"][0] == "refused"
    assert [s.name for s in list_sources(project)] == ["IP1"]


def test_a_file_failing_half_way_leaves_no_trace(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The source row goes in, then its turns fail the span CHECK: all rolled back."""
    write(tmp_path, "IP1.txt", TEXT.encode())
    write(tmp_path, "IP2.txt", b"IP2: fine\nIP2: here")
    fmt, real = importer.READERS[".txt"]

    def broken(path: Path) -> Document:
        document = real(path)
        if document.text.startswith("Interviewer"):
            return Document(document.text, document.encoding, [Turn(5, 2, "bad")])
        return document

    monkeypatch.setitem(importer.READERS, ".txt", (fmt, broken))
    report = import_paths(project, [tmp_path])
    assert [i.status for i in report.items] == ["refused", "imported"]
    assert [s.name for s in list_sources(project)] == ["IP2"]
    monkeypatch.setitem(importer.READERS, ".txt", (fmt, real))
    assert import_paths(project, [tmp_path / "IP1.txt"]).items[0].status == "imported"


def test_two_files_with_one_stem_get_distinct_names(project: Project, tmp_path: Path) -> None:
    write(tmp_path, "r1/IP1.txt", b"IP1: first round\nIP1: a")
    write(tmp_path, "r2/IP1.txt", b"IP1: second round\nIP1: b")
    import_paths(project, [tmp_path])
    assert [s.name for s in list_sources(project)] == ["IP1", "IP1 (2)"]


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=300).filter(lambda s: s.strip())


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, data=st.data())
def test_any_text_and_span_round_trip(tmp_path: Path, text: str, data: st.DataObject) -> None:
    """Whatever the text (emoji, accents, RTL), the stored text and quotes are exact."""
    body = text + "\n" + text[::-1]  # at least two lines, never empty
    path = tmp_path / f"{uuid.uuid4().hex}.txt"
    path.write_bytes(body.encode("utf-8"))
    with init_project(str(tmp_path / f"{uuid.uuid4().hex}.qcode")) as project:
        (item,) = import_paths(project, [path]).items
        assert item.status == "imported"
        stored = source_text(project, item.source or "")[1]
        assert stored == body
        start = data.draw(st.integers(0, len(stored) - 1))
        end = data.draw(st.integers(start + 1, len(stored)))
        code_span(project, CodingRequest(source=item.source, start=start, end=end, code="c"))
        (row,) = list_codings(project)
        assert (row.start, row.end, row.text) == (start, end, body[start:end])
