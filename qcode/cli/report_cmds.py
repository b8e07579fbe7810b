"""`qcode report KIND`: counts for tables, figures and scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from qcode.cli.chart_options import chart_options
from qcode.cli.common import attribute_filter, opened, project_argument
from qcode.cli.output import Output, emit, note, output_options, progress_bar, working
from qcode.reports.chart_style import CHART_TYPES, ChartStyle

# pandas and matplotlib load only when a report runs, so `qcode --help`, listings and
# scripts that never draw stay quick to start.


@click.group()
def report() -> None:
    """Reports: mentions, cooccurrence, matrix, saturation, codebook, terms.

    \b
    Example:
      qcode report mentions study.qcode --by group
    """


@report.command("mentions")
@project_argument
@click.option("--by", "by", default="group", show_default=True,
              help="subdivision, group, level:N, code, source, case or attribute:NAME. "
                   "Levels count from 0: level:0 is the groups (the top of the tree, or "
                   "the node --subtree names), level:1 the nodes below them.")
@click.option("--across", help="A second dimension for a crosstab (same choices as --by).")
@click.option("--distinct", "distinct_quotes", is_flag=True,
              help="Count quotes instead of coding-to-subdivision connections.")
@click.option("--source", "sources", multiple=True, help="Only these sources (repeatable).")
@click.option("--sources-in", "source_sets", multiple=True, metavar="SET",
              help="Only the sources in this set (repeatable; `qcode sets` lists them).")
@click.option("--case", "cases", multiple=True, help="Only these cases (repeatable).")
@click.option("--coder", "coders", multiple=True, help="Only these coders (repeatable).")
@click.option("--attribute", "attributes", multiple=True, callback=attribute_filter,
              help="Only cases with NAME=VALUE (repeatable).")
@click.option("--subtree", help="Only mentions under this group or subdivision.")
@click.option("--decimals", type=click.IntRange(0, 4), default=0, show_default=True,
              help="Decimal places of the percentages.")
@output_options
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the figure: a .png, .svg or .pdf file.")
@click.option("--title", help="The chart's title (default: says what is counted).")
@click.option("--grouped", is_flag=True, help="Crosstab chart with bars side by side.")
@chart_options(title_text=True)
def mentions_cmd(project: str, by: str, across: str | None, distinct_quotes: bool,
                 sources: tuple[str, ...], source_sets: tuple[str, ...],
                 cases: tuple[str, ...], coders: tuple[str, ...],
                 attributes: list[tuple[str, str]], subtree: str | None, decimals: int,
                 out: Output, chart: Path | None,
                 title: str | None, grouped: bool, style: ChartStyle) -> None:
    """Mention counts (coding-to-subdivision connections) with percentages.

    A coding under no subdivision is one mention in "(no subdivision)", so every
    dimension adds up to the same total. Percentages add up to exactly 100: each is
    rounded down, and the points still missing go to the largest remainders.
    "group" is the top level of the tree, or the level below --subtree.

    With --chart, subdivisions are grouped and coloured by their group (inside
    --subtree: by factor group), largest first within each group; groups and
    attribute values (stakeholder groups) keep one colour in every chart.

    \b
    Examples:
      qcode report mentions study.qcode --by group
      qcode report mentions study.qcode --subtree "Inclusion criteria" --by group
      qcode report mentions study.qcode --by group --across "attribute:stakeholder group"
      qcode report mentions study.qcode --by code --distinct --format csv -o codes.csv
      qcode report mentions study.qcode --by group --sources-in "Phase 1"
      qcode report mentions study.qcode --by subdivision --chart fig.pdf --size 16x20

    """
    from qcode.reports.mentions import Filters, count_mentions, frame

    filters = Filters(sources, cases, coders, attributes, subtree, source_sets=source_sets)
    if chart is not None:
        check_chart_name(chart)
    with opened(project) as p:
        counted = count_mentions(p, by, across, distinct_quotes, filters, decimals)
        write_counts(counted, out)
        if chart is not None:  # colours come from the whole project: draw while it is open
            from qcode.reports.charts import save
            from qcode.reports.figures import mentions_chart

            unit = "quotes" if distinct_quotes else "mentions"
            heading = title if style.title else ""
            save(mentions_chart(p, frame(counted), by, across, subtree, unit, heading,
                                not grouped, style), chart)
            note(f"drew {chart}")
    if across is None and out.for_people:
        what = "quotes" if distinct_quotes else "mentions"
        note(f"{sum(row[1] for row in counted.rows)} {what} in all")


def write_table(table: Any, out: Output) -> None:
    """Print or save a report's DataFrame as `out` says. A missing value (pandas keeps
    a missing text as NaN, a missing time as NaT) is written as no value."""
    import pandas as pd

    def plain(value: Any) -> Any:
        return None if not isinstance(value, list | tuple | dict) and pd.isna(value) else value

    rows = [{str(k): plain(v) for k, v in row.items()}
            for row in table.to_dict(orient="records")]
    emit(rows, [str(c) for c in table.columns], out)


def write_counts(counted: Any, out: Output) -> None:
    """Mention counts: a crosstab is wide with totals on the terminal and in Markdown,
    long rows {row, column, count, percent} in files and for scripts."""
    if counted.across is not None and out.format in ("table", "markdown"):
        from qcode.reports.mentions import frame

        write_table(frame(counted), out)
        return
    columns = (["row", "column", "count", "percent"] if counted.across is not None
               else [counted.by, "mentions", "percent"])
    emit(counted.tidy(), columns, out)


@report.command("cooccurrence")
@project_argument
@click.option("--of", type=click.Choice(["subdivision", "code"]), default="subdivision",
              show_default=True, help="What to pair.")
@click.option("--overlap", is_flag=True,
              help="Pair codings whose quotes overlap in the text, not one coding's items.")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw a heat map (.png, .svg, .pdf).")
@output_options
@chart_options(title_text=True)
def cooccurrence_cmd(project: str, of: str, overlap: bool, chart: Path | None, out: Output,
                     style: ChartStyle) -> None:
    """Which subdivisions (or codes) occur together: a symmetric table.

    By default a pair counts the codings filed under both subdivisions (for codes: the
    quotes carrying both); with --overlap, the pairs of codings whose quotes overlap.
    The diagonal holds each item's own number of codings.

    \b
    Example:
      qcode report cooccurrence study.qcode --of code --overlap --format csv
    """

    from qcode.reports.cooccurrence import cooccurrence

    if chart is not None:
        check_chart_name(chart)
    with opened(project) as p:
        with working("pairing codings"):
            table = cooccurrence(p, of, "overlap" if overlap else "coding")
        style = settled(p, style, chart)
    if out.format in ("table", "markdown"):  # square for reading, long rows in files
        write_table(table, out)
    else:
        from qcode.reports.cooccurrence import pairs

        emit(pairs(table), ["row", "column", "count"], out)
    if chart is not None:
        from qcode.reports.charts import heat_map, save

        how = style.word("overlap" if overlap else "same coding")
        save(heat_map(table, f"{style.word(of + ' together')} {how}", style), chart)
        note(f"drew {chart}")


@report.command("matrix")
@project_argument
@click.option("--rows", type=click.Choice(["code", "subdivision", "group"]), default="code",
              show_default=True, help="What the rows are.")
@click.option("--columns", type=click.Choice(["source", "case"]), default="source",
              show_default=True, help="What the columns are.")
@output_options
def matrix_cmd(project: str, rows: str, columns: str, out: Output) -> None:
    """A code-document table: codings per code (or subdivision) and source (or case).

    \b
    Example:
      qcode report matrix study.qcode --rows code --columns case --format xlsx -o m.xlsx
    """

    from qcode.reports.mentions import count_mentions

    with opened(project) as p:
        counted = count_mentions(p, rows, across=columns, unit="codings")
    write_counts(counted, out)


@report.command("saturation")
@project_argument
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the cumulative totals as lines (.png, .svg, .pdf).")
@output_options
@chart_options(title_text=True)
def saturation_cmd(project: str, chart: Path | None, out: Output, style: ChartStyle) -> None:
    """New codes and subdivisions per interview, in interview-date order, cumulative.

    Interviews are ordered by their cases' interview date (the earliest date-typed
    attribute), then by name. When the totals level off, coding is saturating.

    \b
    Example:
      qcode report saturation study.qcode --chart saturation.png
    """

    from qcode.reports.progress import saturation

    if chart is not None:
        check_chart_name(chart)
    with opened(project) as p:
        table = saturation(p)
        style = settled(p, style, chart)
    write_table(table, out)
    if chart is not None:
        from qcode.reports.charts import saturation_chart, save

        save(saturation_chart(table, style), chart)
        note(f"drew {chart}")


@report.command("codebook")
@project_argument
@output_options
def codebook_cmd(project: str, out: Output) -> None:
    """Codes with descriptions, counts, where they are filed, first and last use.

    \b
    Example:
      qcode report codebook study.qcode --format markdown -o codebook.md
    """

    from qcode.reports.progress import codebook

    with opened(project) as p:
        table = codebook(p)
    write_table(table, out)


@report.command("terms")
@project_argument
@click.option("--by", type=click.Choice(["subdivision", "code"]), default="subdivision",
              show_default=True, help="Whose quotes to index.")
@click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Lemmas per subdivision or code, by keyness.")
@click.option("--kwic", "kwic_term", metavar="TERM",
              help="Instead: every place in the sources where TERM (or its lemma) occurs.")
@click.option("--width", type=click.IntRange(10, 200), default=40, show_default=True,
              help="Characters of context on each side, with --kwic.")
@output_options
def terms_cmd(project: str, by: str, top: int, kwic_term: str | None, width: int,
              out: Output) -> None:
    """The term index: lemmas of the quotes per subdivision or code, with keyness.

    Lemmas come from spaCy, offline (a trained pipeline if installed, else lookup
    tables), in each source's language; stop words, numbers and punctuation are left
    out. Keyness is log-likelihood (G2) against all other quotes.

    \b
    Examples:
      qcode report terms study.qcode --by code --top 5
      qcode report terms study.qcode --kwic construir
    """
    from qcode.reports.terms import kwic, terms

    with opened(project) as p:
        if kwic_term:
            with progress_bar(2, f"finding {kwic_term!r}") as update:
                table = kwic(p, kwic_term, width,
                             lambda done, total, name: update(done, name, total))
        else:
            with working("reading the quotes' lemmas"):
                table = terms(p, by, top)
    write_table(table, out)


@click.command()
@project_argument
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "--type", "kind", type=click.Choice(CHART_TYPES), default="png",
              show_default=True, help="File type of the figures (--type is the older name).")
@click.option("--stakeholder", metavar="ATTRIBUTE",
              help="The case attribute of the stakeholder groups (default: the one named "
                   "\"stakeholder group\", \"stakeholder\" or \"group\").")
@chart_options(title_text=False)
def figures(project: str, outdir: Path, kind: str, stakeholder: str | None,
            style: ChartStyle) -> None:
    """Redraw every figure: mentions by group, one chart per group, the groups by
    stakeholder group, and the saturation curve.

    Each is a sorted bar chart of mentions with counts and percentages; inside a group
    with factor groups, bars are grouped and coloured by factor group. A group, and a
    stakeholder group, has the same colour in every figure. For a thesis build: run it
    after every coding session.

    \b
    Examples:
      qcode figures study.qcode figures/ --format pdf
      qcode figures study.qcode figures/ --size 16x10 --font-size 10 --no-title
    """
    from qcode.reports.figures import draw_figures

    with opened(project) as p:
        written = draw_figures(p, outdir, kind, style, stakeholder)
    note(f"drew {len(written)} figures in {outdir}")
    for path in written:
        click.echo(str(path))


def settled(project: Any, style: ChartStyle, chart: Path | None) -> ChartStyle:
    """`style` in the project's language, when a chart is to be drawn."""
    if chart is None:
        return style
    from qcode.reports.figures import project_style

    return project_style(project, style)


def check_chart_name(chart: Path) -> None:
    """Refuse a chart's file name before drawing: its type follows the extension."""
    from qcode.errors import InputError

    if chart.suffix.lower().lstrip(".") not in CHART_TYPES:
        shown = ", ".join(f".{t}" for t in CHART_TYPES)
        raise InputError(f"{chart}: a chart is written as {shown}")


COMMANDS = [report, figures]
