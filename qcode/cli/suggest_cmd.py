"""`qcode suggest`: likely codes for uncoded text, learned from the study's own codings;
`--evaluate` says first how good they would have been."""

from __future__ import annotations

from typing import Any

import click

from qcode.cli.common import opened, project_argument
from qcode.cli.output import Output, emit, note, output_options, progress_bar
from qcode.columns import EVALUATION_FIGURES, SUGGESTED_CODE_COLUMNS

UNITS = ("sentence", "turn", "paragraph")  # qcode.suggest.corpus.UNITS, without importing it


@click.command("suggest")
@project_argument
@click.argument("sources", nargs=-1)
@click.option("--unit", type=click.Choice(UNITS), default="sentence", show_default=True,
              help="The span a suggestion is for (and the model learns from).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Suggest a code when its probability (0-1) reaches this.")
@click.option("--coder", help="Learn from this coder's codings only [default: everyone's].")
@click.option("--seed", type=int, default=0, show_default=True,
              help="The same seed gives the same suggestions and figures.")
@click.option("--evaluate", is_flag=True,
              help="Instead: cross-validate by source and compare with keyword auto-coding.")
@click.option("--by", type=click.Choice(["code", "source"]), default="code", show_default=True,
              help="With --evaluate: a row per code, or per held-out source.")
@output_options
def suggest(project: str, sources: tuple[str, ...], unit: str, min_score: float,
            coder: str | None, seed: int, evaluate: bool, by: str, out: Output) -> None:
    """Suggest codes for the text nobody has coded yet, learned from the codings so far.

    Every unit (sentence, turn or paragraph) of SOURCES (default: all) that no coding
    touches gets the codes whose probability reaches --min-score, each with the
    subdivisions the code is usually filed under. A unit counts as coded with a code
    when a coding of it covers most of the unit, or most of the coding lies inside
    it. The model (scikit-learn: TF-IDF over lemmas, a logistic regression per code)
    runs on this machine; nothing is changed in the project. Codes with fewer than 3
    coded units are named on stderr, not suggested.

    With --evaluate, see first whether to trust it: each coded source is held out in
    turn, the codes are learned from the others and suggested for it, and precision,
    recall and F1 per code and overall are printed beside those of keyword
    auto-coding on the code names.

    \b
    Examples:
      qcode suggest study.qcode --evaluate
      qcode suggest study.qcode IP13 --min-score 0.6
      qcode suggest study.qcode IP13 --unit turn --coder ana --format json
    """
    from qcode.suggest.corpus import read_corpus

    if evaluate and sources:
        raise click.UsageError("--evaluate holds out every coded source in turn; give no "
                               "SOURCES with it")
    with opened(project) as p, progress_bar(100, "learning from the codings") as update:
        def progress(done: int, total: int, what: str) -> None:
            update(done, what, total)

        corpus = read_corpus(p, unit, coder, progress)
        if evaluate:
            from qcode.suggest.evaluation import evaluate as cross_validate

            evaluation = cross_validate(corpus, min_score, seed, progress)
        else:
            from qcode.suggest.suggesting import source_names
            from qcode.suggest.suggesting import suggest as suggest_codes

            found = suggest_codes(p, corpus, source_names(p, sources), min_score, seed,
                                  progress)
    if evaluate:
        emit(evaluation.rows(by), [by, *EVALUATION_FIGURES], out)
        _name_too_few(evaluation.too_few)
        how = ("each coded source held out in turn"
               if evaluation.folds == len(corpus.coded_sources)
               else f"{evaluation.folds} groups of sources held out in turn")
        note(f"cross-validated on {len(corpus.coded_sources)} coded sources ({how}), "
             f"{unit}s, min score {min_score}, seed {seed}")
        return
    emit([_suggestion_row(row, out) for row in found.rows], SUGGESTED_CODE_COLUMNS, out)
    _name_too_few(found.too_few)
    spans = len({(row.source, row.start) for row in found.rows})
    note(f"{len(found.rows)} suggestion{'s' if len(found.rows) != 1 else ''} for {spans} of "
         f"{found.units} uncoded {unit}s, from {len(found.learned)} codes learned")


def _name_too_few(codes: list[str]) -> None:
    if codes:
        note(f"too few coded units to learn ({len(codes)}): {'; '.join(codes)}")


def _suggestion_row(row: Any, out: Output) -> dict[str, Any]:
    found = {column: getattr(row, column) for column in SUGGESTED_CODE_COLUMNS}
    if out.for_people:  # a long sentence on one line of the table; files keep it whole
        text = " ".join(row.text.split())
        found["text"] = text if len(text) <= 80 else text[:79] + "…"
    return found


COMMANDS = [suggest]
