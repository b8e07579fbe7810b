"""Suggested codes, learned from the study's own codings (`qcode.api` re-exports these).

`suggest_codes` lists the likely codes of every unit of text nobody has coded yet;
`evaluate_suggestions` says beforehand how good they would have been on the coded
transcripts, beside keyword auto-coding on the code names. Both learn on this machine
(scikit-learn), from the codings of every coder or of one, and give the same figures
for the same project and seed. The rule that gives a unit a code, the learner and the
evaluation are described in docs/guide.md ("Suggested codes") and in `qcode.suggest`.

Examples in the docstrings run against the demo study (`qcode demo`) opened as
`study`: tests/test_api_docs.py runs every one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

import pandas as pd

from qcode.columns import EVALUATION_FIGURES, SUGGESTED_CODE_COLUMNS
from qcode.services.project import Project


def suggest_codes(project: Project, sources: str | Sequence[str] = (), unit: str = "sentence",
                  min_score: float = 0.5, coder: str | None = None,
                  seed: int = 0) -> pd.DataFrame:
    """The likely codes of each uncoded unit (sentence, turn or paragraph) of `sources`
    (default: every source), learned from the codings so far (of `coder`, or of all).

    A unit no coding touches gets every code whose probability reaches `min_score`,
    with where that code is usually filed. Rows in text order, the likeliest code of a
    span first; columns source, start, end, text, code, score, subdivision,
    other_subdivisions. Codes with too few coded units to learn from are listed in
    `table.attrs["too_few"]`.

    Example:
        >>> table = api.suggest_codes(study, "IP3_self_build_agency", min_score=0.6)
        >>> list(table.columns)
        ['source', 'start', 'end', 'text', 'code', 'score', 'subdivision', 'other_subdivisions']
        >>> bool((table["score"] >= 0.6).all()), len(table["source"].unique())
        (True, 1)
        >>> row = table.iloc[0]
        >>> api.text(study, row["source"])[row["start"]:row["end"]] == row["text"]
        True
    """
    from qcode.suggest.corpus import read_corpus
    from qcode.suggest.suggesting import check_min_score, source_names, suggest

    check_min_score(min_score)
    names = source_names(project, [sources] if isinstance(sources, str) else list(sources))
    found = suggest(project, read_corpus(project, unit, coder), names, min_score, seed)
    table = pd.DataFrame([asdict(row) for row in found.rows],
                         columns=SUGGESTED_CODE_COLUMNS)
    table["start"] = table["start"].astype("int64")
    table["end"] = table["end"].astype("int64")
    table["score"] = table["score"].astype("float64")
    table.attrs["too_few"] = found.too_few
    return table


def evaluate_suggestions(project: Project, unit: str = "sentence", min_score: float = 0.5,
                         coder: str | None = None, seed: int = 0,
                         by: str = "code") -> pd.DataFrame:
    """How well suggestions would have done on this study: cross-validation by source.

    Each coded source is held out in turn (with more than 20, ten groups of sources
    are), the codes are learned from the others and suggested for its units, and the
    suggestions are compared with the codes it really has. Precision (of the units
    suggested, the share that carry the code), recall (of the units that carry it, the
    share suggested) and F1 per code (or per held-out source, `by="source"`), then over
    all of them pooled, beside the same figures for keyword auto-coding on the code
    names. A figure is missing (NaN) where nothing was suggested or nothing was there
    to find. Codes with too few coded units are in `table.attrs["too_few"]`.

    Example:
        >>> table = api.evaluate_suggestions(study, unit="paragraph")
        >>> list(table.columns)  # doctest: +NORMALIZE_WHITESPACE
        ['code', 'units', 'precision', 'recall', 'f1',
         'keyword_precision', 'keyword_recall', 'keyword_f1']
        >>> table.iloc[-1]["code"]
        '(all codes)'
        >>> table.equals(api.evaluate_suggestions(study, unit="paragraph"))
        True
    """
    from qcode.suggest.corpus import read_corpus
    from qcode.suggest.evaluation import check_by, evaluate
    from qcode.suggest.suggesting import check_min_score

    check_min_score(min_score)
    check_by(by)
    found = evaluate(read_corpus(project, unit, coder), min_score, seed)
    table = pd.DataFrame(found.rows(by), columns=[by, *EVALUATION_FIGURES])
    table["units"] = table["units"].astype("int64")
    for column in EVALUATION_FIGURES[1:]:
        table[column] = table[column].astype("float64")
    table.attrs["too_few"] = found.too_few
    return table
