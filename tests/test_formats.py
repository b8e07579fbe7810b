"""Each transcript format, from a small file written here by the format's own library."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from qcode.errors import InputError
from qcode.ingest.formats import READERS, Document
from qcode.ingest.importer import import_paths
from qcode.services.project import Project
from qcode.services.sources import Turn, open_source, source_pages, source_text


def read(path: Path) -> Document:
    return READERS[path.suffix][1](path)


def said(document: Document) -> list[tuple[str, str]]:
    return [(t.speaker, document.text[t.start:t.end]) for t in document.turns]


def test_docx_with_speaker_names_in_bold(tmp_path: Path) -> None:
    word = docx.Document()
    for speaker, words in [("Interviewer:", "How did it start?"),
                           ("Laura Méndez:", "With one room – and a lot of patience."),
                           (None, "Then a second room, years later."),
                           ("Interviewer:", "Thank you."),
                           ("Laura Méndez:", "You are welcome.")]:
        paragraph = word.add_paragraph()
        if speaker:
            paragraph.add_run(speaker).bold = True
            paragraph.add_run(" ")
        paragraph.add_run(words)
    word.add_paragraph("")
    word.save(str(tmp_path / "IP2.docx"))
    document = read(tmp_path / "IP2.docx")
    assert document.text == (
        "Interviewer: How did it start?\n\nLaura Méndez: With one room – and a lot of patience."
        "\n\nThen a second room, years later.\n\nInterviewer: Thank you.\n\n"
        "Laura Méndez: You are welcome."
    )
    assert said(document) == [
        ("Interviewer", "How did it start?"),
        ("Laura Méndez", "With one room – and a lot of patience.\n\n"
                         "Then a second room, years later."),
        ("Interviewer", "Thank you."),
        ("Laura Méndez", "You are welcome."),
    ]


def test_docx_with_bold_names_without_colons(tmp_path: Path) -> None:
    word = docx.Document()
    for speaker, words in [("IP4", "First answer."), ("Q", "A question?"), ("IP4", "Second.")]:
        paragraph = word.add_paragraph()
        paragraph.add_run(speaker).bold = True
        paragraph.add_run("  " + words)
    word.save(str(tmp_path / "IP4.docx"))
    assert said(read(tmp_path / "IP4.docx")) == [
        ("IP4", "First answer."), ("Q", "A question?"), ("IP4", "Second.")]


def test_odt_paragraphs_spaces_and_breaks(tmp_path: Path) -> None:
    ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' \
         'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
        "<office:body><office:text>"
        "<text:h>Interview IP7</text:h>"
        "<text:p>Entrevistadora: ¿Y el terreno?</text:p>"
        "<text:p>Jorge Salinas: Lejos,<text:s text:c=\"2\"/>muy lejos.<text:line-break/>"
        "<text:span>Sin agua.</text:span></text:p>"
        "<text:p/>"
        "<text:p>Entrevistadora: Gracias.</text:p><text:p>Jorge Salinas: A usted.</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(tmp_path / "IP7.odt", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    document = read(tmp_path / "IP7.odt")
    assert document.text == (
        "Interview IP7\n\nEntrevistadora: ¿Y el terreno?\n\n"
        "Jorge Salinas: Lejos,  muy lejos.\nSin agua.\n\n"
        "Entrevistadora: Gracias.\n\nJorge Salinas: A usted."
    )
    assert said(document)[1] == ("Jorge Salinas", "Lejos,  muy lejos.\nSin agua.")


def test_rtf_text_without_formatting(tmp_path: Path) -> None:
    rtf = (
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}{\colortbl;\red0\green0\blue0;}"
        r"{\*\generator Word;}\f0\fs24 {\b Interviewer:} How was it?\par"
        "\r\n"
        r"{\b IP9:} Dif\'edcil, pero \u241?o \u8212- bien.\line Muy bien.\par"
        r"{\b Interviewer:} \ldblquote Thanks\rdblquote .\par"
        r"{\b IP9:} De nada.\par}"
    )
    (tmp_path / "IP9.rtf").write_bytes(rtf.encode("ascii"))
    document = read(tmp_path / "IP9.rtf")
    assert document.text == (
        "Interviewer: How was it?\nIP9: Difícil, pero ño — bien.\nMuy bien.\n"
        "Interviewer: “Thanks”.\nIP9: De nada."
    )
    assert said(document)[1] == ("IP9", "Difícil, pero ño — bien.\nMuy bien.")


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 800
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 20
        if not lines:
            pdf.rect(100, 100, 300, 300, fill=1)  # a scanned page: a picture, no text
        pdf.showPage()
    pdf.save()
    return path


def test_pdf_with_two_pages_records_where_each_starts(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "IP1.pdf", [
        ["Interviewer: Where do you live?", "IP1: In Loma Alta."],
        ["Interviewer: And water?", "IP1: Twice a week."],
    ])
    document = read(path)
    assert document.text == (
        "Interviewer: Where do you live?\nIP1: In Loma Alta.\n\n"
        "Interviewer: And water?\nIP1: Twice a week."
    )
    assert list(document.pages) == [0, document.text.index("Interviewer: And water?")]
    assert [s for s, _ in said(document)] == ["Interviewer", "IP1", "Interviewer", "IP1"]


def test_a_scanned_pdf_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no text layer \\(a scan\\?\\); run OCR"):
        read(write_pdf(tmp_path / "scan.pdf", [[], []]))


def test_vtt_voice_tags_and_merged_cues(tmp_path: Path) -> None:
    (tmp_path / "IP5.vtt").write_text(
        "WEBVTT\n\nNOTE made by a transcription tool\n\n"
        "1\n00:00:01.000 --> 00:00:04.500\n<v Interviewer>How did it start?</v>\n\n"
        "00:00:05.000 --> 00:00:09.000\n<v.loud Daniel Ruiz>With the families,\nin 2015.\n\n"
        "00:00:09.200 --> 00:00:12.000\n<v Daniel Ruiz><i>Not</i> with the state.\n\n"
        "01:00:00.000 --> 01:00:02.250\nInterviewer: Thanks.\n",
        encoding="utf-8",
    )
    document = read(tmp_path / "IP5.vtt")
    assert document.text == (
        "Interviewer: How did it start?\n\n"
        "Daniel Ruiz: With the families, in 2015. Not with the state.\n\n"
        "Interviewer: Thanks."
    )
    assert [(t.speaker, document.text[t.start:t.end], t.begin_seconds, t.end_seconds)
            for t in document.turns] == [
        ("Interviewer", "How did it start?", 1.0, 4.5),
        ("Daniel Ruiz", "With the families, in 2015. Not with the state.", 5.0, 12.0),
        ("Interviewer", "Thanks.", 3600.0, 3602.25),
    ]


def test_srt_with_name_prefixes(tmp_path: Path) -> None:
    (tmp_path / "IP8.srt").write_bytes(
        "1\r\n00:00:01,000 --> 00:00:03,000\r\nInterviewer: And the arrears?\r\n\r\n"
        "2\r\n00:00:03,500 --> 00:00:06,000\r\nMarta Quintero: Four percent,\r\nthen nineteen.\r\n"
        "\r\n3\r\n00:00:06,100 --> 00:00:07,000\r\nin the pandemic.\r\n".encode("utf-8-sig"))
    document = read(tmp_path / "IP8.srt")
    assert document.text == ("Interviewer: And the arrears?\n\n"
                             "Marta Quintero: Four percent, then nineteen.\n\nin the pandemic.")
    assert document.turns[1] == Turn(document.text.index("Four"),
                                     document.text.index(" then nineteen.") + 15,
                                     "Marta Quintero", 3.5, 6.0)
    assert document.turns[2].speaker == ""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.docx", b"PK\x03\x04 not really a zip", "cannot read this Word file"),
        ("broken.odt", b"not a zip", "not a readable OpenDocument"),
        ("broken.rtf", b"hello", "not an RTF document"),
        ("broken.pdf", b"%PDF-1.4\nnonsense", "cannot read this PDF"),
        ("empty.vtt", b"WEBVTT\n\n", "no subtitle cues"),
        ("wrong.vtt", b"00:00:01.000 --> 00:00:02.000\nhi", "must start with WEBVTT"),
    ],
)
def test_broken_files_are_refused_naming_the_file(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        read(tmp_path / name)
    assert str(error.value).startswith(str(tmp_path / name))


def test_imported_pdf_keeps_its_page_starts_and_subtitles_their_times(
    project: Project, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "IP1.pdf", [["IP1: page one."], ["IP1: page two."]])
    (tmp_path / "IP5.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hola.\n", encoding="utf-8")
    report = import_paths(project, [pdf, tmp_path / "IP5.vtt"])
    assert [i.status for i in report.items] == ["imported", "imported"]
    text = source_text(project, "IP1")[1]
    assert source_pages(project, "IP1") == [0, text.index("IP1: page two.")]
    assert source_pages(project, "IP5") == []
    (turn,) = open_source(project, "IP5").turns
    assert (turn.speaker, turn.begin_seconds, turn.end_seconds) == ("Ana", 1.0, 2.0)
