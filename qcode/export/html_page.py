"""The HTML report's page: a Report (html.py) written out as one self-contained file.

Every string from the project (names, quotes, notes, attribute values) goes through
`_e` (html.escape), in text and in attributes alike: a quote that holds `<script>` is
shown as text. The script never reads project text as code: each quote carries only
numbers (`data-cases="0 3"`, indices into the filter lists written in the HTML), and
the page's Content-Security-Policy allows no script but ours (by its hash), no
network and no fonts from anywhere, so even a slip in escaping could not run or send
anything. Styles and script are package data (html_report.css, html_report.js).
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable, Sequence
from importlib import resources

from qcode.clock import clock
from qcode.export.html import Crosstab, Drawn, GroupCounts, Report, Share
from qcode.export.html_quotes import QuoteEntry, SubdivisionQuotes
from qcode.names import natural_key
from qcode.reports.mentions import NO_SUBDIVISION
from qcode.services.cases import CaseInfo

SECTIONS = [("r-overview", "Mentions by group"), ("r-groups", "Mentions by subdivision"),
            ("r-crosstab", "By stakeholder group"), ("r-codebook", "Codebook"),
            ("r-quotes", "Quotes")]
COUNTING = ("A mention is one coding filed under one subdivision: a quote coded once and "
            "filed under two subdivisions is two mentions, and a coding filed under none "
            "counts once in \u201c(no subdivision)\u201d, so every table adds up to the same "
            "total. Percentages are rounded so that they add up to 100.")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _asset(name: str) -> str:
    return resources.files("qcode.export").joinpath(name).read_text(encoding="utf-8")


def render(report: Report) -> str:
    """The whole page."""
    script = _asset("html_report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              f"script-src 'sha256-{digest}'; form-action 'none'; base-uri 'none'")
    cases = _CaseLabels(report)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(report.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(policy)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No favicon request (a file:// page would log a failed fetch for it).
        '<link rel="icon" href="data:,">',
        f"<title>{_e(report.title)}: coded interviews</title>",
        f"<style>\n{_asset('html_report.css')}</style>",
        "</head>",
        "<body>",
        *_header(report),
        "<main>",
        *_overview(report),
        *_groups(report.groups),
        *_crosstab(report),
        *_codebook(report),
        *_quotes(report, cases),
        "</main>",
        f'<footer><p>Made with qcode on {report.made.isoformat()} from the project '
        f"\u201c{_e(report.title)}\u201d. {_e(COUNTING)}</p></footer>",
        f"<script>{script}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _header(report: Report) -> list[str]:
    totals = "".join(f"<div><dt>{_e(label)}</dt><dd>{n:,}</dd></div>"
                     for label, n in report.totals)
    links = "".join(f'<li><a href="#{key}">{_e(title)}</a></li>' for key, title in SECTIONS)
    return ['<header class="top">',
            f"<h1>{_e(report.title)}</h1>",
            f'<p class="subtitle">The coded interviews, {report.made.day} {report.made:%B %Y}</p>',
            f'<dl class="totals">{totals}</dl>',
            f'<nav aria-label="Contents"><ul class="toc">{links}</ul></nav>', "</header>"]


def _figure(drawn: Drawn | None, kind: str = "chart") -> str:
    if drawn is None:
        return ""
    return (f'<figure class="{kind}" aria-label="{_e(drawn.title)}">{drawn.svg}'
            f'<figcaption>{_e(drawn.title)} \u00b7 <a href="{_e(drawn.file)}">SVG file</a>'
            "</figcaption></figure>")


def _mentions(n: int) -> str:
    return f"{n:,} mention{'' if n == 1 else 's'}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:g}%"


def _overview(report: Report) -> list[str]:
    total = sum(s.mentions for s in report.overview)
    rows = [_share_row(s) for s in report.overview]
    table = _table("r-by-group", ["Group", "Mentions", "%"], rows,
                   f'<tr class="total"><th scope="row">Total</th><td class="n">{total:,}</td>'
                   f'<td class="p">{"100%" if total else ""}</td></tr>')
    return ['<section class="part" id="r-overview">', f"<h2>{_e(SECTIONS[0][1])}</h2>",
            f'<p class="lead">{_e(COUNTING)}</p>',
            f'<div class="pair">{_figure(report.overview_figure)}{table}</div>',
            *_saturation(report.saturation), "</section>"]


def _saturation(drawn: Drawn | None) -> list[str]:
    if drawn is None:
        return []
    return ["<h3>Saturation</h3>", '<p class="lead">New and cumulative codes and subdivisions '
            "interview by interview: a curve that levels off suggests saturation.</p>",
            _figure(drawn, "chart alone")]


def _share_row(share: Share, kind: str = "") -> str:
    style = f' class="{kind}"' if kind else ""
    return (f'<tr{style}><th scope="row">{_e(share.label)}</th>'
            f'<td class="n">{share.mentions:,}</td><td class="p">{_pct(share.percent)}</td></tr>')


def _table(key: str, headings: Sequence[str], rows: Iterable[str], foot: str = "",
           extra: str = "") -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headings)
    return (f'<div class="scroll"><table id="{_e(key)}"{extra}><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody>"
            + (f"<tfoot>{foot}</tfoot>" if foot else "") + "</table></div>")


def _groups(groups: Sequence[GroupCounts]) -> list[str]:
    parts = ['<section class="part" id="r-groups">', f"<h2>{_e(SECTIONS[1][1])}</h2>",
             '<p class="lead">Within each group, the mentions of its subdivisions, kept '
             "together by factor group where the group has them; percentages of the group "
             "and of all mentions.</p>"]
    for n, group in enumerate(groups):
        rows = []
        factor = None
        for row in group.rows:
            if group.factor_groups and row.factor_group != factor:
                factor = row.factor_group
                share = next((s for s in group.factor_groups if s.label == factor), None)
                if share is not None:
                    rows.append(f'<tr class="fg"><th scope="row">{_e(share.label)}</th>'
                                f'<td class="n">{share.mentions:,}</td>'
                                f'<td class="p">{_pct(share.percent)}</td><td></td></tr>')
            rows.append(f'<tr class="sub{" in-fg" if factor else ""}">'
                        f'<th scope="row">{_e(row.subdivision)}</th>'
                        f'<td class="n">{row.mentions:,}</td><td class="p">{_pct(row.percent)}</td>'
                        f'<td class="p">{_pct(row.of_all)}</td></tr>')
        foot = (f'<tr class="total"><th scope="row">Total</th><td class="n">{group.total:,}</td>'
                '<td class="p">100%</td><td></td></tr>')
        table = _table(f"r-group-{n}", ["Subdivision", "Mentions", "% of group", "% of all"],
                       rows, foot, f' data-group="{_e(group.name)}"')
        parts += [f'<section class="group" id="r-group-section-{n}">',
                  f'<h3>{_e(group.name)} <span class="count">{_mentions(group.total)}</span>'
                  "</h3>", f'<div class="pair">{_figure(group.figure)}{table}</div>',
                  "</section>"]
    return [*parts, "</section>"]


def _crosstab(report: Report) -> list[str]:
    parts = ['<section class="part" id="r-crosstab">',
             f"<h2>By {_e(report.across)}</h2>"]
    cross = report.crosstab
    if cross is None:
        parts += [f'<p class="note">{_e(n)}</p>' for n in report.notes]
    else:
        parts += [f'<p class="lead">Mentions of each group in the interviews of each '
                  f"{_e(cross.attribute)}; under each count, its share of the column.</p>",
                  _figure(cross.figure, "chart alone"), _crosstab_table(cross)]
    parts += [f"<h3>Interview partners</h3>{_cases_table(report)}", "</section>"]
    return parts


def _crosstab_table(cross: Crosstab) -> str:
    rows = []
    for row in [*cross.rows, "Total"]:
        cells = []
        for column in [*cross.columns, "Total"]:
            n = cross.counts.get((row, column), 0)
            share = cross.percent.get((row, column))
            if share is None and "Total" not in (row, column):
                share = 0.0  # an empty cell: the long rows leave it out
            below = f'<span class="p">{share:.1f}%</span>' if share is not None else ""
            cells.append(f'<td class="n" data-column="{_e(column)}">{n:,}{below}</td>')
        kind = ' class="total"' if row == "Total" else ""
        rows.append(f'<tr{kind}><th scope="row">{_e(row)}</th>{"".join(cells)}</tr>')
    return _table("r-crosstab-table", [cross.label.capitalize(), *cross.columns, "Total"],
                  rows[:-1], rows[-1], ' class="cross"')


def _cases_table(report: Report) -> str:
    rows = [f'<tr><th scope="row">{_e(c.key)}</th><td>{_e(c.name or "")}</td>'
            f"<td>{_e(c.attributes.get(report.across, ''))}</td>"
            f"<td>{_e(', '.join(c.sources))}</td></tr>"
            for c in sorted(report.cases, key=lambda c: natural_key(c.key))]
    return _table("r-cases", ["Case", "Name", report.across.capitalize(), "Sources"], rows)


def _codebook(report: Report) -> list[str]:
    tree = []
    for node in report.subdivisions:
        depth = node.path.count(" / ") if node.parent else 0
        kind = node.kind.replace("_", " ")
        tree.append(f'<tr class="k-{_e(node.kind)}"><th scope="row" style="padding-left:'
                    f'{0.5 + 1.25 * min(depth, 6)}rem">{_e(node.name)}</th><td>{_e(kind)}</td>'
                    f'<td>{_e(node.description or "")}</td></tr>')
    codes = [f'<tr><th scope="row">{_e(c.code)}</th><td>{_e(c.description or "")}</td>'
             f'<td class="n">{c.codings:,}</td><td>{_e("; ".join(c.subdivisions))}</td></tr>'
             for c in report.codes]
    return ['<section class="part" id="r-codebook">', f"<h2>{_e(SECTIONS[3][1])}</h2>",
            "<h3>Groups and subdivisions</h3>",
            _table("r-tree", ["Name", "Kind", "Description"], tree),
            "<h3>Codes</h3>",
            _table("r-codes", ["Code", "Description", "Codings", "Filed under"], codes),
            "</section>"]


class _CaseLabels:
    """The filter lists (cases, attribute values) and each case's place in them."""

    def __init__(self, report: Report) -> None:
        self.cases = sorted(report.cases, key=lambda c: natural_key(c.key))
        self.case_index = {c.key: n for n, c in enumerate(self.cases)}
        self.attribute = report.across
        values = {str(c.attributes[report.across]) for c in self.cases
                  if report.across in c.attributes}
        ordered = report.crosstab.columns if report.crosstab else []
        self.values = [v for v in ordered if v in values] + sorted(
            values - set(ordered), key=natural_key)
        self.value_index = {v: n for n, v in enumerate(self.values)}
        self.by_key = {c.key: c for c in self.cases}

    def value(self, key: str) -> str | None:
        case = self.by_key.get(key)
        if case is None or self.attribute not in case.attributes:
            return None
        return str(case.attributes[self.attribute])

    def data(self, keys: Sequence[str]) -> str:
        cases = " ".join(str(self.case_index[k]) for k in keys if k in self.case_index)
        values = sorted({self.value_index[v] for v in map(self.value, keys)
                         if v is not None and v in self.value_index})
        return f' data-cases="{cases}" data-groups="{" ".join(map(str, values))}"'


def _quotes(report: Report, cases: _CaseLabels) -> list[str]:
    total = sum(g.mentions for g in report.quotes)
    parts = ['<section class="part" id="r-quotes">', f"<h2>{_e(SECTIONS[4][1])}</h2>",
             f'<p class="lead">Every quote under each subdivision it is filed under '
             f"({total:,} in all, one per mention), by code, in the order of the interviews; "
             "around each quote, what comes before and after it in its source (in a transcript, "
             "the turns before and after).</p>",
             *_filters(cases, total)]
    if not report.quotes:
        parts.append('<p class="note">No codings yet.</p>')
    for n, group in enumerate(report.quotes):
        parts.append(f'<section class="qgroup" id="r-q-{n}"><h3>{_e(group.name)} '
                     f'<span class="count">{_mentions(group.mentions)}</span></h3>')
        for sub in group.subdivisions:
            parts += _subdivision(sub, cases)
        parts.append("</section>")
    return [*parts, "</section>"]


def _filters(cases: _CaseLabels, total: int) -> list[str]:
    case_options = "".join(f'<option value="{n}">{_e(_case_label(c))}</option>'
                           for n, c in enumerate(cases.cases))
    value_options = "".join(f'<option value="{n}">{_e(v)}</option>'
                            for n, v in enumerate(cases.values))
    by_value = ""
    if cases.values:
        by_value = (f'<label>{_e(cases.attribute.capitalize())} <select id="r-group-filter">'
                    f'<option value="">all</option>{value_options}</select></label>')
    # Hidden until the script runs: without it, the controls would do nothing.
    return ['<form class="filters" id="r-filters" role="search" hidden>',
            '<label>Find <input type="search" id="r-text" autocomplete="off" '
            'placeholder="words in the quote, code, notes\u2026"></label>',
            f'<label>Case <select id="r-case"><option value="">all</option>{case_options}'
            "</select></label>", by_value,
            '<button type="button" id="r-clear">Show all</button>',
            f'<output id="r-status" aria-live="polite">{total:,} quotes</output>',
            "</form>", '<p class="print-only" id="r-printed"></p>']


def _case_label(case: CaseInfo) -> str:
    return f"{case.key} \u2013 {case.name}" if case.name else case.key


def _subdivision(sub: SubdivisionQuotes, cases: _CaseLabels) -> list[str]:
    factor = f'<span class="fg">{_e(sub.factor_group)} \u203a </span>' if sub.factor_group \
        else ""
    parts = ['<section class="qsub">',
             f'<h4>{factor}<span class="name">{_e(sub.name)}</span> <span class="count">'
             f'{_mentions(sub.mentions)}</span><span class="shown"></span></h4>']
    if sub.description:
        parts.append(f'<p class="desc">{_e(sub.description)}</p>')
    for code in sub.codes:
        parts.append(f'<div class="qcode"><h5><span class="name">{_e(code.code)}</span> '
                     f'<span class="count">{len(code.quotes):,}</span>'
                     '<span class="shown"></span></h5>')
        parts += [_quote(q, sub.name, cases) for q in code.quotes]
        parts.append("</div>")
    return [*parts, "</section>"]


def _quote(quote: QuoteEntry, under: str, cases: _CaseLabels) -> str:
    where = ""
    if quote.source is not None:
        span = f" {quote.start}\u2013{quote.end}" if quote.start is not None else ""
        if quote.time is not None:
            span += f" \u00b7 {clock(quote.time)}"
        where = f' \u00b7 <span data-find>{_e(quote.source)}</span><span class="at">{span}</span>'
    who = []
    for key in quote.cases:
        case = cases.by_key.get(key)
        name = f" {case.name}" if case is not None and case.name else ""
        value = cases.value(key)
        who.append(f'<span data-find><b>{_e(key)}</b>{_e(name)}</span>'
                   + (f' <span class="sg">{_e(value)}</span>' if value else ""))
    meta = " \u00b7 ".join(who) or '<span class="muted">(no case)</span>'
    lines = [f'<article class="quote"{cases.data(quote.cases)}>',
             f'<p class="q-text"><span class="ctx">{_e(quote.before)}</span>'
             f"<mark data-find>{_e(quote.text)}</mark>"
             f'<span class="ctx">{_e(quote.after)}</span></p>']
    if quote.start is None:
        lines.append('<p class="q-line muted">Not placed in its source: no context.</p>')
    if quote.as_written:
        lines.append(f'<p class="q-line"><span class="k">As written in the sheet</span> '
                     f"<span data-find>{_e(quote.as_written)}</span></p>")
    lines.append(f'<p class="q-meta">{meta}{where}</p>')
    for label, value in (("Emphasis", quote.emphasis), ("Notes", quote.notes)):
        if value:
            lines.append(f'<p class="q-line"><span class="k">{label}</span> '
                         f'<span data-find class="v">{_e(value)}</span></p>')
    if quote.also and under != NO_SUBDIVISION:
        lines.append(f'<p class="q-line muted"><span class="k">Also under</span> '
                     f"{_e('; '.join(quote.also))}</p>")
    lines.append("</article>")
    return "".join(lines)

