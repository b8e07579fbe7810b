"""The term index and keyword in context, in English and Spanish, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qcode.cli.main import cli
from qcode.reports.terms import keyness, kwic, lemmas, terms
from qcode.services.cases import CaseRow, apply_manifest
from qcode.services.coding import CodingRequest, code_span
from qcode.services.project import Project
from qcode.services.sources import NewSource, add_source

EN = "IP1: The families built two rooms. Then they were building a kitchen. Water was scarce."
ES = "IP2: Las familias construyeron casas. Nosotros construimos el cuarto con los vecinos."


@pytest.fixture
def study(project: Project) -> Project:
    add_source(project, NewSource(name="IP1_interview", text=EN, format="txt",
                                  original_filename="IP1_interview.txt"))
    add_source(project, NewSource(name="IP2_entrevista", text=ES, format="txt",
                                  original_filename="IP2_entrevista.txt"))
    apply_manifest(project, [CaseRow("IP1"),
                             CaseRow("IP2", attributes={"language": ("text", "es")})])
    for source, text, phrase, code, sub in [
        ("IP1_interview", EN, "The families built two rooms. Then they were building a kitchen.",
         "Building in stages", "Progressive construction"),
        ("IP1_interview", EN, "Water was scarce.", "Lack of water", "Water"),
        ("IP2_entrevista", ES, "Las familias construyeron casas. Nosotros construimos el cuarto",
         "Building in stages", "Progressive construction"),
    ]:
        start = text.index(phrase)
        code_span(project, CodingRequest(source=source, start=start, end=start + len(phrase),
                                         code=code, subdivision=sub))
    return project


def test_lemmas_drop_stop_words_and_follow_the_language() -> None:
    assert lemmas("The families were building rooms", "en") == ["family", "build", "room"]
    assert lemmas("Las familias construyeron casas", "es")[:2] == ["familia", "construir"]


def test_terms_per_subdivision_with_keyness(study: Project) -> None:
    table = terms(study, "subdivision", top=20)
    progressive = table[table["subdivision"] == "Progressive construction"]
    counts = dict(zip(progressive["lemma"], progressive["count"], strict=True))
    assert counts["build"] == 2 and counts["construir"] == 2 and counts["familia"] == 1
    water = table[table["subdivision"] == "Water"]
    assert set(water["lemma"]) == {"water", "scarce"}
    assert (water["keyness"] > 0).all()


def test_keyness_is_zero_for_an_even_spread_and_signed() -> None:
    assert keyness(10, 10, 100, 100) == pytest.approx(0)
    assert keyness(20, 5, 100, 100) > 0 > keyness(5, 20, 100, 100)


def test_kwic_finds_lemmas_in_the_sources(study: Project) -> None:
    lines = kwic(study, "construir", width=12)
    assert list(lines["term"]) == ["construyeron", "construimos"]
    first = lines.iloc[0]
    assert ES[first["start"]:first["end"]] == "construyeron"
    assert first["left"] == "as familias"  # 12 characters, white space folded
    assert set(kwic(study, "build")["term"]) == {"built", "building"}


def test_the_terms_command(study: Project, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "terms", study.location, "--by", "code",
                                      "--top", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["code"] for r in rows} == {"Building in stages", "Lack of water"}
    assert all(len([r for r in rows if r["code"] == c]) <= 3 for c in {r["code"] for r in rows})
    found = CliRunner().invoke(cli, ["report", "terms", study.location, "--kwic", "water",
                                     "--format", "csv"])
    assert found.exit_code == 0 and "IP1_interview" in found.stdout
