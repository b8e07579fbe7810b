"""Real files written by others (../shared/samples): what a user would import first."""

from __future__ import annotations

from conftest import shared_samples

from qcode.ingest.importer import import_paths
from qcode.ingest.text import decode_transcript
from qcode.services.project import Project
from qcode.services.sources import list_sources, open_source, source_text


def test_code_review_transcripts_import_exactly(project: Project) -> None:
    folder = shared_samples("code-review-transcripts")
    report = import_paths(project, [folder])
    assert report.count("imported") == 25 and report.count("refused") == 0
    for path in sorted(folder.glob("*.txt"))[:5]:
        expected = decode_transcript(path.read_bytes(), str(path)).text
        assert source_text(project, path.stem)[1] == expected
    assert [s.name for s in list_sources(project)][:4] == ["P1R1", "P1R2", "P1R3", "P2R1"]


def test_qualcoder_transcript_speaker_tags(project: Project) -> None:
    path = shared_samples("qualcoder-examples", "transcript.txt")
    import_paths(project, [path])
    name, text = source_text(project, "transcript")
    turns = open_source(project, name).turns
    assert {t.speaker for t in turns} >= {"id1", "id2", "id3"}
    assert text[turns[0].start:turns[0].end].startswith("hello, I like the course.")


def test_qualcoder_word_and_odt_files_import(project: Project) -> None:
    docx = shared_samples("qualcoder-examples", "ID1.docx")
    odt = shared_samples("qualcoder-examples", "ID2.odt")
    report = import_paths(project, [docx, odt])
    assert [(i.status, i.source) for i in report.items] == [("imported", "ID1"),
                                                             ("imported", "ID2")]
    for name in ("ID1", "ID2"):
        text = source_text(project, name)[1]
        assert len(text.split()) > 50 and "\r" not in text
