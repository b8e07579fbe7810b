"""Searching every transcript and auto-coding what a search finds: `qcode search`,
`qcode autocode`.

Both take the same query and filters, so a search that lists the right places becomes
an auto-coding run by changing the command name and adding --code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from qcode.cli.common import attribute_filter, opened, project_argument
from qcode.cli.output import Output, emit, note, output_options, progress_bar
from qcode.columns import HIT_COLUMNS, PLAN_COLUMNS
from qcode.errors import InputError
from qcode.vocabulary import SEARCH_CONTEXT, SEARCH_CUTOFF, SEARCH_UNITS

if TYPE_CHECKING:
    from qcode.reports.search import PlannedSpan, SearchQuery
    from qcode.services.project import Project

F = TypeVar("F", bound=Callable[..., Any])


def search_options(func: F) -> F:
    """The query's mode and filters, shared by `search` and `autocode`."""
    options = [
        click.option("--source", "sources", multiple=True, metavar="NAME",
                     help="Search only this source (repeatable)."),
        click.option("--attribute", "attributes", multiple=True, metavar="NAME=VALUE",
                     callback=attribute_filter,
                     help="Only sources of cases with this attribute value (repeatable)."),
        click.option("--case", "cases", multiple=True, metavar="KEY",
                     help="Only sources of this case, e.g. IP4 (repeatable)."),
        click.option("--speaker", metavar="NAME",
                     help="Only hits inside this speaker's turns (e.g. IP4)."),
        click.option("--cutoff", type=click.IntRange(0, 100), default=SEARCH_CUTOFF,
                     show_default=True, help="How alike a word must be for --fuzzy (0-100)."),
        click.option("--regex", "regex", is_flag=True,
                     help="QUERY is a Python regular expression (case matters; (?i) ignores it)."),
        click.option("--fuzzy", is_flag=True,
                     help="Also find near spellings (misspelled transcripts)."),
        click.option("--lemma", is_flag=True,
                     help="Find every form of the word: build finds built, construir "
                          "finds construyeron."),
    ]
    for option in options:
        func = option(func)
    return func


def _query(text: str, lemma: bool, fuzzy: bool, regex: bool, cutoff: int,
           speaker: str | None, cases: tuple[str, ...],
           attributes: list[tuple[str, str]], sources: tuple[str, ...]) -> SearchQuery:
    from qcode.reports.search import SearchQuery

    chosen = [name for name, on in (("--lemma", lemma), ("--fuzzy", fuzzy),
                                    ("--regex", regex)) if on]
    if len(chosen) > 1:
        raise InputError(f"{' and '.join(chosen)} do not go together; choose one")
    mode = "lemma" if lemma else "fuzzy" if fuzzy else "regex" if regex else "word"
    return SearchQuery(text, mode, cutoff, speaker, cases, tuple(attributes), sources)


@contextmanager
def _indexed(project: Project) -> Iterator[None]:
    """Build the search index first if it is missing, with a progress bar while it does."""
    from qcode.services import search_index

    with ExitStack() as stack:
        update: list[Callable[[int, str], None]] = []

        def progress(done: int, total: int, _what: str) -> None:
            if not update:
                note("building the search index (once; later imports and edits keep it "
                     "current)")
                update.append(stack.enter_context(progress_bar(total, "Indexing")))
            update[0](done, "")

        search_index.ensure_index(project, progress)
        yield


@click.command("search")
@project_argument
@click.argument("text", metavar="[QUERY]", required=False, default="")
@search_options
@click.option("--limit", type=click.IntRange(min=0), default=200, show_default=True,
              help="Show at most this many hits; 0 shows all.")
@click.option("--width", type=click.IntRange(min=0), default=SEARCH_CONTEXT, show_default=True,
              help="Characters of context on each side of a hit.")
@output_options
def search_cmd(project: str, text: str, lemma: bool, fuzzy: bool, regex: bool, cutoff: int,
               speaker: str | None, cases: tuple[str, ...], attributes: list[tuple[str, str]],
               sources: tuple[str, ...], limit: int, width: int, out: Output) -> None:
    """Search every transcript for QUERY: keyword-in-context lines with offsets.

    Words match whole words, ignoring case and accents; several words match as a
    phrase; word* matches the start of words; a OR b matches either. START and END
    are the hit's offsets, as `qcode code` and `qcode text` count them. Without
    QUERY, --speaker lists every turn of that speaker.

    \b
    Examples:
      qcode search study.qcode subsidy
      qcode search study.qcode "self-management" --speaker IP4 --case IP4
      qcode search study.qcode construir --lemma --attribute "stakeholder group=NGO"
      qcode search study.qcode famlies --fuzzy --format csv > hits.csv
      qcode search study.qcode "sub(sidy|sidies)" --regex --limit 0
      qcode search study.qcode --speaker IP4
    """
    from qcode.reports.search import search

    query = _query(text, lemma, fuzzy, regex, cutoff, speaker, cases, attributes, sources)
    with opened(project) as p, _indexed(p):
        result = search(p, query, limit=limit or None, width=width)
    if result.forms:
        shown = ", ".join(result.forms[:60]) + (" ..." if len(result.forms) > 60 else "")
        note(f"searched for {len(result.forms)} form{'s' if len(result.forms) != 1 else ''}: "
             f"{shown}")
    rows = [{"source": h.source, "cases": h.cases, "speaker": h.speaker, "start": h.start,
             "end": h.end, "left": h.left, "hit": _shown(h.text, out), "right": h.right}
            for h in result.hits]
    emit(rows, HIT_COLUMNS, out)
    count = f"{len(rows)} hit{'s' if len(rows) != 1 else ''}"
    if not result.complete:
        note(f"{count} shown; there are more: --limit 0 shows all")
    else:
        note(f"{count} in {len({h.source_id for h in result.hits})} sources")


def _numbers(_ctx: click.Context, _param: click.Parameter,
             values: tuple[str, ...]) -> set[int]:
    found = set()
    for value in values:
        for part in value.replace(" ", "").split(","):
            if not part:
                continue
            if not part.isdigit() or int(part) < 1:
                raise click.BadParameter(f"{part!r}: give span numbers from the --dry-run "
                                         "list, e.g. --skip 3,7")
            found.add(int(part))
    return found


@click.command("autocode")
@project_argument
@click.argument("text", metavar="[QUERY]", required=False, default="")
@search_options
@click.option("--code", "code_name", metavar="NAME", help="The code every span gets.")
@click.option("--subdivision", help="The primary subdivision to file every coding under.")
@click.option("--other", "others", multiple=True, help="A further subdivision (repeatable).")
@click.option("--unit", type=click.Choice(SEARCH_UNITS), default=None,
              help="What to code around each hit [default: hit; turn with --speaker only].")
@click.option("--skip", "skipped", multiple=True, callback=_numbers, metavar="N[,N...]",
              help="Leave out these spans (numbers from the --dry-run list; needs --plan).")
@click.option("--plan", "plan_id", metavar="FINGERPRINT",
              help="The plan --dry-run printed: refuse if the list has changed since.")
@click.option("--dry-run", is_flag=True, help="List the spans and change nothing.")
@click.option("--as-case", "as_case", is_flag=True,
              help="With --speaker and no QUERY: tie every source the speaker talks in "
                   "to the case of that name instead of coding turns.")
@click.option("--coder", help="Who codes (default: $QCODE_CODER or your login).")
@output_options
def autocode_cmd(project: str, text: str, lemma: bool, fuzzy: bool, regex: bool, cutoff: int,
                 speaker: str | None, cases: tuple[str, ...],
                 attributes: list[tuple[str, str]], sources: tuple[str, ...],
                 code_name: str | None, subdivision: str | None, others: tuple[str, ...],
                 unit: str | None, skipped: set[int], plan_id: str | None, dry_run: bool,
                 as_case: bool, coder: str | None, out: Output) -> None:
    """Code every hit of QUERY (or its sentence, turn or paragraph) with one code.

    Look first with --dry-run: it numbers every span and prints the list's plan
    fingerprint; leave out wrong ones with --skip and that --plan, so that a list
    changed since (an import, an edit) is refused, not coded by stale numbers. The
    run is one step in your history, labelled with the query (u in the
    workbench takes all of it back); a span that already has the code from you is
    skipped, so running it twice codes nothing twice. Without QUERY, --speaker codes
    every turn of that speaker. A .qcode file is backed up first.

    \b
    Examples:
      qcode autocode study.qcode subsidy --unit sentence --code Affordability --dry-run
      qcode autocode study.qcode subsidy --unit sentence --code Affordability \\
          --subdivision "Financing" --skip 4,9 --plan 3f9a61c2
      qcode autocode study.qcode construir --lemma --unit turn --code "Self-build"
      qcode autocode study.qcode --speaker IP4 --code "IP4 speaks"
      qcode autocode study.qcode --speaker "Laura Méndez" --as-case
    """
    from qcode.reports.search import plan
    from qcode.services.autocode import AutoSpan, autocode, speaker_as_case

    query = _query(text, lemma, fuzzy, regex, cutoff, speaker, cases, attributes, sources)
    if as_case:
        if text.strip() or not speaker:
            raise InputError("--as-case ties a speaker's sources to a case: give --speaker "
                             "NAME and no QUERY")
        with opened(project) as p:
            links = speaker_as_case(p, speaker, coder=coder)
        if links.new_case:
            note(f"new case {links.case!r}")
        emit([{"case": links.case, "source": name, "status": "tied"} for name in links.linked]
             + [{"case": links.case, "source": name, "status": "already tied"}
                for name in links.already], ["case", "source", "status"], out)
        return
    if not code_name:
        raise InputError("give the code with --code NAME (or --dry-run --code NAME to look "
                         "first)")
    unit = unit or ("turn" if not text.strip() else "hit")
    with opened(project) as p, _indexed(p):
        planned = plan(p, query, unit)
        chosen = [s for n, s in enumerate(planned, 1) if n not in skipped]
        if not planned:
            raise InputError(f"nothing to auto-code: no hit for {query.describe()}")
        fingerprint = plan_fingerprint(planned)
        _check_plan(plan_id, fingerprint, bool(skipped) and not dry_run)
        unknown = sorted(n for n in skipped if n > len(planned))
        if unknown:
            raise InputError(f"--skip {unknown[0]}: the list has only {len(planned)} spans")
        result = autocode(p, [AutoSpan(s.source_id, s.start, s.end) for s in chosen],
                          code_name, subdivision=subdivision, other_subdivisions=others,
                          coder=coder, query=query.describe() + f", unit {unit}",
                          dry_run=dry_run)
    created = iter(result.created)
    rows = []
    for n, span in enumerate(planned, 1):
        if n in skipped:
            status = "left out"
        elif next(created):
            status = "would code" if dry_run else "coded"
        else:
            status = "already coded"
        rows.append(_plan_row(n, span, status, out))
    emit(rows, PLAN_COLUMNS, out)
    if result.new_code:
        note(f"{'would make' if dry_run else 'new'} code {code_name!r}")
    for name in result.new_subdivisions:
        note(f"{'would make' if dry_run else 'new'} subdivision {name!r}")
    verb = "would code" if dry_run else "coded"
    note(f"{verb} {result.coded} span{'s' if result.coded != 1 else ''}; "
         f"{result.duplicates} already coded, {len(skipped)} left out"
         + ("" if dry_run or not result.coded else
            "; one step: `qcode undo` (or u in the workbench) takes it back"))
    if dry_run:
        note(f"plan {fingerprint}: to leave spans out, run it again without --dry-run, with "
             f"--skip N[,N...] --plan {fingerprint}")
    if result.backup:
        note(f"backup before auto-coding: {result.backup}")


def plan_fingerprint(planned: Sequence[PlannedSpan]) -> str:
    """Eight hex digits naming the numbered list: any span added, gone, moved or with
    other words gives another fingerprint, so --skip numbers cannot silently shift."""
    listed = [[s.source_id, s.start, s.end, s.text] for s in planned]
    return hashlib.sha256(json.dumps(listed, ensure_ascii=False).encode()).hexdigest()[:8]


def _check_plan(given: str | None, fingerprint: str, needed: bool) -> None:
    """Refuse --skip numbers without the dry run's plan, or from a list that changed."""
    if given is None:
        if needed:
            raise InputError("--skip numbers spans of a --dry-run list: give that list's "
                             "fingerprint too, --plan FINGERPRINT as the dry run printed it, "
                             "so a list that changed since is refused (nothing was coded)")
        return
    if given.strip().lower() != fingerprint:
        raise InputError(f"--plan {given}: the list has changed since that dry run (a "
                         "transcript was imported, edited or removed, or the query differs), "
                         "so its numbers may point to other spans now; run --dry-run again "
                         "and choose from the new list (nothing was coded)")


def _shown(text: str, out: Output, width: int = 80) -> str:
    """A long span on one line of a table; csv and json keep it whole, as it stands."""
    if not out.for_people:
        return text
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _plan_row(n: int, span: PlannedSpan, status: str, out: Output) -> dict[str, Any]:
    return {"n": n, "source": span.source, "start": span.start, "end": span.end,
            "unit": span.unit, "hits": span.hits, "status": status,
            "text": _shown(span.text, out)}


COMMANDS = [search_cmd, autocode_cmd]
