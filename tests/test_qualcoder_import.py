"""Importing a QualCoder project folder (NAME.qda with its SQLite data.qda).

The project is built here with QualCoder's own table layout (the CREATE TABLE
statements of QualCoder 3.x/4.x: `source`, `code_cat`, `code_name`, `code_text` with
`pos0`/`pos1`/`seltext`/`important`, `cases`, `case_text`, `attribute_type`,
`attribute`, `journal`, `annotation`, `code_image`, `code_av`, `project`).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from qcode.cli.main import cli
from qcode.services.cases import list_cases
from qcode.services.codebook import list_codes, list_subdivisions
from qcode.services.coding import coder_names, list_codings
from qcode.services.memos import list_memos
from qcode.services.project import open_project
from qcode.services.sources import list_sources, source_text
from qcode.store.models import Case, Code, Coding, Memo, Quote, Source, Subdivision

SCHEMA = """
CREATE TABLE project (databaseversion text, date text, memo text, about text,
    bookmarkfile integer, bookmarkpos integer, codername text, recently_used_codes text);
CREATE TABLE source (id integer primary key, name text, fulltext text, mediapath text,
    memo text, owner text, date text, av_text_id integer, risid integer, unique(name));
CREATE TABLE code_image (imid integer primary key, id integer, x1 integer, y1 integer,
    width integer, height integer, cid integer, memo text, date text, owner text,
    important integer, pdf_page integer);
CREATE TABLE code_av (avid integer primary key, id integer, pos0 integer, pos1 integer,
    cid integer, memo text, date text, owner text, important integer);
CREATE TABLE annotation (anid integer primary key, fid integer, pos0 integer,
    pos1 integer, memo text, owner text, date text, unique(fid, pos0, pos1, owner));
CREATE TABLE attribute_type (name text primary key, date text, owner text, memo text,
    caseOrFile text, valuetype text);
CREATE TABLE attribute (attrid integer primary key, name text, attr_type text,
    value text, id integer, date text, owner text, unique(name, attr_type, id));
CREATE TABLE case_text (id integer primary key, caseid integer, fid integer,
    pos0 integer, pos1 integer, owner text, date text, memo text);
CREATE TABLE cases (caseid integer primary key, name text, memo text, owner text,
    date text, constraint ucm unique(name));
CREATE TABLE code_cat (catid integer primary key, name text, owner text, date text,
    memo text, supercatid integer, unique(name));
CREATE TABLE code_text (ctid integer primary key, cid integer, fid integer,
    seltext text, pos0 integer, pos1 integer, owner text, date text, memo text,
    avid integer, important integer, unique(cid, fid, pos0, pos1, owner));
CREATE TABLE code_name (cid integer primary key, name text, memo text, catid integer,
    owner text, date text, color text, unique(name));
CREATE TABLE journal (jid integer primary key, name text, jentry text, date text,
    owner text, unique(name));
"""

WHEN = "2024-05-02 12:00:00"
# Spanish with accents and an emoji (one code point, two UTF-16 units).
IP1 = ("Entrevistadora: ¿Cómo fue el crédito?\n"
       "IP1: Difícil 😀 pero la cooperativa ayudó mucho.\n"
       "IP1: Ahorramos durante años, ¡qué esfuerzo!")
IP2 = "IP2: El agua llega dos veces por semana."
REPORT = "Informe técnico: la vivienda progresiva."


def span(text: str, words: str) -> tuple[int, int]:
    at = text.index(words)
    return at, at + len(words)


def qualcoder_project(folder: Path) -> Path:
    """A QualCoder project folder as QualCoder leaves it: NAME.qda/data.qda."""
    folder.mkdir()
    db = sqlite3.connect(folder / "data.qda")
    db.executescript(SCHEMA)
    rows: dict[str, list[tuple[Any, ...]]] = {
        "project": [("v17", WHEN, "Vivienda en México", "QualCoder 3.6", 0, 0, "ana", "")],
        # id, name, fulltext, mediapath, memo, owner, date, av_text_id, risid
        "source": [
            (1, "IP1.docx", IP1, None, "Entrevista en Loma Alta", "ana", WHEN, None, None),
            (2, "IP2.txt", IP2, None, "", "luis", WHEN, None, None),
            (3, "foto.png", None, "/images/foto.png", "", "ana", WHEN, None, None),
            (4, "plano.pdf", None, "/docs/plano.pdf", "", "ana", WHEN, None, None),
            (5, "informe.pdf", REPORT, "/docs/informe.pdf", "", "ana", WHEN, None, None),
            # A recording and its transcript, as QualCoder links them.
            (6, "IP4.mp3", None, "audio:/home/ana/IP4.mp3", "", "ana", WHEN, 7, None),
            (7, "IP4.mp3.txt", "IP4: Hola, soy Marta.", None, "", "ana", WHEN, None, None),
        ],
        # catid, name, owner, date, memo, supercatid: three levels under Instrumentos.
        "code_cat": [
            (1, "Instrumentos", "ana", WHEN, "", None),
            (2, "Financiamiento", "ana", WHEN, "", 1),
            (3, "Crédito", "ana", WHEN, "Todo lo del préstamo", 2),
            (4, "Proceso", "ana", WHEN, "", None),
        ],
        # cid, name, memo, catid, owner, date, color
        "code_name": [
            (1, "Asequibilidad", "Costos que un hogar no puede cargar", 3, "ana", WHEN,
             "#F5A9A9"),
            (2, "Ahorro previo", "", 2, "ana", WHEN, "#81F79F"),
            (3, "Participación", "", 1, "luis", WHEN, "#A9D0F5"),
            (4, "Autogestión", "", 4, "ana", WHEN, "#F3E2A9"),
            (5, "Sin categoría", "", None, "ana", WHEN, "#D8D8D8"),
        ],
        "code_image": [(1, 3, 0, 0, 10, 10, 3, "", WHEN, "ana", None, None)],
        "cases": [(1, "IP1", "Habla por la cooperativa", "ana", WHEN),
                  (2, "IP2", "", "ana", WHEN), (3, "IP3", "", "ana", WHEN)],
        "case_text": [(1, 1, 1, 0, len(IP1), "ana", WHEN, None),
                      (2, 2, 2, 0, 8, "ana", WHEN, None),  # only part of the source
                      (3, 3, 3, None, None, "ana", WHEN, None)],  # the picture
        # name, date, owner, memo, caseOrFile, valuetype
        "attribute_type": [("Edad", WHEN, "ana", "", "case", "numeric"),
                           ("Grupo", WHEN, "ana", "Tipo de actor", "case", "character"),
                           ("Fecha", WHEN, "ana", "", "case", "character"),
                           ("Idioma", WHEN, "ana", "", "file", "character")],
        # attrid, name, attr_type, value, id, date, owner
        "attribute": [(1, "Edad", "case", "41", 1, WHEN, "ana"),
                      (2, "Grupo", "case", "ONG", 1, WHEN, "ana"),
                      (3, "Fecha", "case", "2021-03-04", 1, WHEN, "ana"),
                      (4, "Edad", "case", "38,5", 2, WHEN, "ana"),
                      (5, "Grupo", "case", "Gobierno", 2, WHEN, "ana"),
                      (6, "Fecha", "case", "2021-03-10", 2, WHEN, "ana"),
                      (7, "Edad", "case", "n/a", 3, WHEN, "ana"),
                      (8, "Grupo", "case", "", 3, WHEN, "ana"),  # unset
                      (9, "Idioma", "file", "español", 1, WHEN, "ana")],
        "journal": [(1, "Semana 1", "Codifiqué IP1 y IP2 😀", WHEN, "ana")],
    }
    difficult = span(IP1, "Difícil 😀 pero")
    cooperative = span(IP1, "la cooperativa ayudó mucho")
    overlap = span(IP1, "pero la cooperativa")
    saved = span(IP1, "Ahorramos durante años")
    effort = span(IP1, "¡qué esfuerzo!")
    report = span(REPORT, "vivienda progresiva")
    # ctid, cid, fid, seltext, pos0, pos1, owner, date, memo, avid, important
    rows["code_text"] = [
        (1, 1, 1, "Difícil 😀 pero", *difficult, "ana", WHEN, "tono irónico", None, 1),
        (2, 4, 1, "Difícil 😀 pero", *difficult, "ana", WHEN, "", None, None),
        (3, 1, 1, "Difícil 😀 pero", *difficult, "luis", WHEN, "", None, None),
        (4, 3, 1, "la cooperativa ayudó mucho", *cooperative, "luis", WHEN, "", None, 0),
        (5, 4, 1, "pero la cooperativa", *overlap, "ana", WHEN, "", None, None),
        # Counted in UTF-16 units: the emoji before it counts twice.
        (6, 2, 1, "Ahorramos durante años", saved[0] + 1, saved[1] + 1, "ana", WHEN, "",
         None, None),
        # Ends past the end of the text; its words are at the end.
        (7, 2, 1, "¡qué esfuerzo!", effort[0] + 3, len(IP1) + 17, "luis", WHEN, "", None,
         None),
        # Past the end, and its words are nowhere: kept unanchored.
        (8, 5, 1, "texto que ya no está", len(IP1) + 5, len(IP1) + 25, "ana", WHEN, "",
         None, None),
        (9, 3, 5, "vivienda progresiva", *report, "ana", WHEN, "", None, None),
    ]
    annotated = span(IP1, "cooperativa")
    rows["annotation"] = [(1, 1, *annotated, "¿Qué cooperativa?", "luis", WHEN),
                          (2, 3, 0, 4, "en la foto", "ana", WHEN)]
    for table, values in rows.items():
        marks = ", ".join("?" * len(values[0]))
        db.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
    db.commit()
    db.close()
    return folder


def store(location: str) -> dict[str, Any]:
    """Everything the import writes, as plain values."""
    with open_project(location) as project:
        with project.transaction() as session:
            memos = sorted((m.target_kind, m.target_name or "", m.title, m.body,
                            m.coder or "") for m in list_memos(session))
            sizes = {model.__name__: session.scalar(select(func.count()).select_from(model))
                     for model in (Source, Code, Subdivision, Quote, Coding, Case, Memo)}
        return {
            "sources": sorted((s.name, s.format, s.original_filename, s.cases)
                              for s in list_sources(project)),
            "subdivisions": sorted((s.path, s.kind) for s in list_subdivisions(project)),
            "codes": sorted((c.name, c.color) for c in list_codes(project)),
            "codings": sorted((c.source or "", c.start or -1, c.end or -1, c.text, c.code,
                               c.coder, c.subdivision or "", c.emphasis or "",
                               c.notes or "", c.anchor) for c in list_codings(project)),
            "coders": sorted(coder_names(project)),
            "cases": sorted((c.key, c.name, c.sources, sorted(c.attributes.items()))
                            for c in list_cases(project)),
            "memos": memos,
            "sizes": sizes,
            "ip1": source_text(project, "IP1")[1],
        }


def test_a_qualcoder_project_comes_in_whole(location: str, tmp_path: Path) -> None:
    folder = qualcoder_project(tmp_path / "vivienda.qda")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", location]).exit_code == 0
    result = runner.invoke(cli, ["import", "qualcoder", location, str(folder), "--json",
                                 "--coder", "importer"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    got = store(location)

    assert got["ip1"] == IP1
    assert got["sources"] == [
        ("IP1", "qualcoder", "IP1.docx", ["IP1"]), ("IP2", "qualcoder", "IP2.txt", ["IP2"]),
        ("IP4.mp3", "qualcoder", "IP4.mp3.txt", []), ("informe", "pdf", "informe.pdf", [])]
    # Categories three deep; a top-level category is a group, as from a .qdpx.
    assert got["subdivisions"] == [
        ("Instrumentos", "group"), ("Instrumentos / Financiamiento", "subdivision"),
        ("Instrumentos / Financiamiento / Crédito", "subdivision"), ("Proceso", "group")]
    assert got["codes"] == [("Ahorro previo", "#81f79f"), ("Asequibilidad", "#f5a9a9"),
                            ("Autogestión", "#f3e2a9"), ("Participación", "#a9d0f5"),
                            ("Sin categoría", "#d8d8d8")]

    def at(words: str, text: str = IP1) -> tuple[int, int]:
        return span(text, words)

    difficult, cooperative = at("Difícil 😀 pero"), at("la cooperativa ayudó mucho")
    overlap, saved, effort = at("pero la cooperativa"), at("Ahorramos durante años"), \
        at("¡qué esfuerzo!")
    report = at("vivienda progresiva", REPORT)
    assert got["codings"] == sorted([
        ("IP1", *difficult, "Difícil 😀 pero", "Asequibilidad", "ana", "Crédito",
         "important", "tono irónico", "exact"),
        ("IP1", *difficult, "Difícil 😀 pero", "Autogestión", "ana", "Proceso", "", "",
         "exact"),
        ("IP1", *difficult, "Difícil 😀 pero", "Asequibilidad", "luis", "Crédito", "", "",
         "exact"),
        ("IP1", *cooperative, "la cooperativa ayudó mucho", "Participación", "luis",
         "Instrumentos", "", "", "exact"),
        ("IP1", *overlap, "pero la cooperativa", "Autogestión", "ana", "Proceso", "", "",
         "exact"),
        ("IP1", *saved, "Ahorramos durante años", "Ahorro previo", "ana", "Financiamiento",
         "", "", "exact"),
        ("IP1", *effort, "¡qué esfuerzo!", "Ahorro previo", "luis", "Financiamiento", "",
         "", "exact"),
        ("IP1", -1, -1, "texto que ya no está", "Sin categoría", "ana", "", "", "",
         "unanchored"),
        ("informe", *report, "vivienda progresiva", "Participación", "ana", "Instrumentos",
         "", "", "exact"),
    ])
    assert got["coders"] == ["ana", "luis"]  # who coded; "importer" imported
    assert got["cases"] == [
        ("IP1", None, ["IP1"], [("Edad", 41.0), ("Fecha", date(2021, 3, 4)),
                                ("Grupo", "ONG")]),
        ("IP2", None, ["IP2"], [("Edad", 38.5), ("Fecha", date(2021, 3, 10)),
                                ("Grupo", "Gobierno")]),
        ("IP3", None, [], [])]
    assert got["memos"] == sorted([
        ("case", "IP1", "QualCoder memo: IP1", "Habla por la cooperativa", "ana"),
        ("code", "Asequibilidad", "QualCoder memo: Asequibilidad",
         "Costos que un hogar no puede cargar", "ana"),
        ("subdivision", "Crédito", "QualCoder memo: Crédito", "Todo lo del préstamo", "ana"),
        ("source", "IP1", "QualCoder memo: IP1", "Entrevista en Loma Alta", "ana"),
        ("source", "IP1", "QualCoder file attributes: IP1", "Idioma: español", "importer"),
        ("source", "IP1", f"Annotation at {at('cooperativa')[0]}-{at('cooperativa')[1]}",
         "¿Qué cooperativa?\n\n> cooperativa", "luis"),
        ("project", "", "Semana 1", "Codifiqué IP1 y IP2 😀", "ana"),
        ("project", "", "QualCoder project memo", "Vivienda en México", "importer"),
        ("project", "", "QualCoder attribute: Grupo", "Tipo de actor", "ana"),
    ])
    with open_project(location) as project, project.transaction() as session:
        journal = session.scalars(select(Memo).where(Memo.title == "Semana 1")).one()
        assert journal.created_at.date() == date(2024, 5, 2)  # QualCoder's date kept

    assert summary["counts"] == {
        "annotations as memos": 1, "attribute values": 6, "case links": 2, "cases": 3,
        "codebook entries": 9, "codes": 5, "coders": 2, "coding notes": 1, "codings": 9,
        "file attribute values": 1, "journal entries": 1, "memos": 7, "quotes": 6,
        "re-anchored quotes": 1, "sources": 4, "subdivisions": 4, "unanchored quotes": 1}
    assert summary["skipped"] == [
        {"element": "source", "name": "foto.png",
         "reason": "a picture with 1 coding; qcode holds text only"},
        {"element": "source", "name": "IP4.mp3",
         "reason": "an audio recording; qcode holds text only; its transcript "
                   "'IP4.mp3.txt' comes in as text"},

        {"element": "source", "name": "plano.pdf",
         "reason": "a PDF without a text layer; QualCoder holds no text for it, so there "
                   "is nothing to import"},
        {"element": "case attribute", "name": "IP3: Edad",
         "reason": "'n/a' is not a number, though 'Edad' is numeric in QualCoder"},
        {"element": "case link", "name": "IP3 - foto.png",
         "reason": "the source was not imported"},
        {"element": "annotation", "name": "foto.png at 0-4",
         "reason": "its source was not imported"}]
    notes = "\n".join(summary["notes"])
    assert "positions read as UTF-16 code units" in notes
    assert (f"coding of 'Ahorro previo' in 'IP1' at {effort[0] + 3}-{len(IP1) + 17}: it "
            f"ends past the end of the text ({len(IP1)} characters); placed where its "
            f"text is, at {effort[0]}-{effort[1]}") in notes
    assert (f"coding of 'Sin categoría' in 'IP1' at {len(IP1) + 5}-{len(IP1) + 25}: it ends "
            "past the end of the text") in notes and "kept as an unanchored quote" in notes
    assert "case 'IP2' holds characters 0-8 of 'IP2' in QualCoder" in notes


def test_importing_again_adds_nothing_and_the_data_qda_file_works_too(
        tmp_path: Path) -> None:
    folder = qualcoder_project(tmp_path / "vivienda.qda")
    study = str(tmp_path / "study.qcode")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", study]).exit_code == 0
    first = runner.invoke(cli, ["import", study, str(folder)])  # routed by ".qda"
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(f"imported from {folder}: ")
    assert "not imported: source 'foto.png': a picture with 1 coding" in first.stdout
    before = store(study)
    again = runner.invoke(cli, ["import", "qualcoder", study, str(folder / "data.qda"),
                                "--json"])
    assert again.exit_code == 0, again.output
    assert store(study) == before
    counts = json.loads(again.stdout)["counts"]
    assert not {"sources", "codes", "quotes", "codings", "cases", "memos",
                "unanchored quotes"} & set(counts)


def test_dry_run_reports_and_changes_nothing(tmp_path: Path) -> None:
    folder = qualcoder_project(tmp_path / "vivienda.qda")
    study = str(tmp_path / "study.qcode")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", study]).exit_code == 0
    result = runner.invoke(cli, ["import", "qualcoder", study, str(folder), "--dry-run",
                                 "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["dry_run"] and summary["counts"]["codings"] == 9
    with open_project(study) as project:
        assert list_sources(project) == [] and list_codes(project) == []


@pytest.mark.parametrize("broken, words", [
    ("not sqlite", "not a QualCoder project (file is not a database)"),
    ("missing tables", "not a QualCoder project (no table code_cat, code_text, cases, "
                       "case_text, attribute_type, attribute, journal, annotation)"),
    ("no data.qda", "no data.qda inside, so it is not a QualCoder project folder"),
    ("missing column", "table code_cat has no column name, which every QualCoder project "
                       "has"),
])
def test_a_broken_project_is_refused_in_one_line_and_changes_nothing(
        tmp_path: Path, broken: str, words: str) -> None:
    study = str(tmp_path / "study.qcode")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", study]).exit_code == 0
    transcript = tmp_path / "IP1.txt"
    transcript.write_text("IP1: the rent was high.\n", encoding="utf-8")
    assert runner.invoke(cli, ["import", study, str(transcript)]).exit_code == 0
    before = store_sizes(study)
    folder = tmp_path / "roto.qda"
    folder.mkdir()
    if broken == "not sqlite":
        (folder / "data.qda").write_bytes(b"PK\x03\x04 this is a zip, not a database" * 40)
    elif broken == "missing tables":
        db = sqlite3.connect(folder / "data.qda")
        db.executescript(SCHEMA.split("CREATE TABLE code_image")[0]
                         + "CREATE TABLE code_name (cid integer primary key, name text);")
        db.close()
    elif broken == "missing column":  # a category table without the categories' names
        db = sqlite3.connect(folder / "data.qda")
        db.executescript(SCHEMA.replace("CREATE TABLE code_cat (catid integer primary key, "
                                        "name text,", "CREATE TABLE code_cat (catid integer "
                                        "primary key,").replace(", unique(name));\nCREATE "
                                        "TABLE code_text", ");\nCREATE TABLE code_text"))
        db.execute("INSERT INTO code_cat (catid, owner) VALUES (1, 'ana')")
        db.commit()
        db.close()
    result = runner.invoke(cli, ["import", "qualcoder", study, str(folder)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    assert store_sizes(study) == before


def store_sizes(location: str) -> dict[str, int]:
    with open_project(location) as project, project.transaction() as session:
        return {model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (Source, Code, Subdivision, Quote, Coding, Case, Memo)}


def test_sub_codes_and_a_category_loop(tmp_path: Path) -> None:
    """QualCoder 4 files codes under codes (supercid); a damaged tree still comes in."""
    from qcode.interop.qualcoder_import import import_qualcoder
    from qcode.services.project import init_project

    folder = qualcoder_project(tmp_path / "vivienda.qda")
    db = sqlite3.connect(folder / "data.qda")
    db.execute("ALTER TABLE code_name ADD COLUMN supercid integer")
    db.execute("INSERT INTO code_name VALUES (6, 'Tasa de interés', '', 3, 'ana', ?, "
               "'#FF0000', 1)", (WHEN,))
    db.execute("INSERT INTO code_cat VALUES (5, 'Ciclo A', 'ana', ?, '', 6)", (WHEN,))
    db.execute("INSERT INTO code_cat VALUES (6, 'Ciclo B', 'ana', ?, '', 5)", (WHEN,))
    db.commit()
    db.close()
    with init_project(str(tmp_path / "study.qcode")) as project:
        summary = import_qualcoder(project, folder)
        tree = sorted((s.path, s.kind) for s in list_subdivisions(project))
        filed = {(c.code, c.subdivision) for c in list_codings(project)}
    assert ("Instrumentos / Financiamiento / Crédito / Asequibilidad", "subdivision") in tree
    assert ("Ciclo A", "group") in tree and ("Ciclo B", "group") in tree
    assert ("Asequibilidad", "Asequibilidad") in filed  # a code with sub-codes: both
    assert "'Ciclo A' is its own ancestor in QualCoder's tree; placed at the top" in \
        summary.notes
