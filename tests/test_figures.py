"""The figures a researcher puts in the thesis, checked as a reader would look at them.

Every figure is drawn through the real command (`qcode report mentions --chart`,
`qcode figures`) on the demo study; the test keeps the Figure the command saves and
reads matplotlib's objects: the bars top to bottom, their colours, the legend, the
ticks, where each label ends up on the page. Two figures are also compared with a
reference picture (tests/fixtures/figures/), within a tolerance that lets font
rendering differ a little but not the chart. After a deliberate change to a chart,
look at the new picture, then write the references again:
`QCODE_UPDATE_FIGURES=1 python -m pytest tests/test_figures.py -k snapshot`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle
from matplotlib.testing.compare import compare_images
from matplotlib.text import Text

from qcode.cli.main import cli
from qcode.reports.mentions import Filters, mentions
from qcode.services.codebook import list_subdivisions
from qcode.services.project import Project, init_project, open_project

FIXTURES = Path(__file__).parent / "fixtures" / "figures"
STAKEHOLDER = "attribute:stakeholder group"
# Root-mean-square difference of the pixels (0-255) a picture may differ by. The same
# matplotlib draws the same pixels (0.0: fonts are its own DejaVu Sans, nothing in the
# picture is dated); anti-aliasing noise stays well under 1. Shortening one bar by a
# mention gives 8, swapping two colours 44 (test_the_tolerance_catches_a_changed_chart).
# A matplotlib with another FreeType may move glyphs enough to fail: look, then redraw.
TOLERANCE = 2.0


@pytest.fixture
def demo(built_demo: Path, tmp_path: Path) -> str:
    return str(shutil.copy(built_demo, tmp_path / "demo.qcode"))


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Every Figure a command saves, in order, still open for inspection."""
    import qcode.reports.charts as charts

    kept: list[Figure] = []
    real = charts.save

    def keep(figure: Figure, path: Path) -> None:
        kept.append(figure)
        real(figure, path)

    monkeypatch.setattr(charts, "save", keep)
    return kept


@pytest.fixture
def study(demo: str) -> Iterator[Project]:
    with open_project(demo) as project:
        yield project


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def chart(drawn: list[Figure], tmp_path: Path, demo: str, *options: str,
          name: str = "chart.png") -> Figure:
    """The figure `qcode report mentions DEMO OPTIONS --chart FILE` draws."""
    run("report", "mentions", demo, *options, "--chart", str(tmp_path / name))
    assert (tmp_path / name).stat().st_size > 0
    return drawn[-1]


def bars(figure: Figure) -> list[tuple[str, int, str]]:
    """(name, length, colour) of each bar from top to bottom, as a reader sees them;
    for stacked bars the segments of a row come left to right."""
    axes = figure.axes[0]
    ticks = list(zip(axes.get_yticks(), [t.get_text() for t in axes.get_yticklabels()],
                     strict=True))
    found = []
    for bar in (p for p in axes.patches if isinstance(p, Rectangle)):
        middle = bar.get_y() + bar.get_height() / 2
        name = min(ticks, key=lambda tick: abs(tick[0] - middle))[1]
        found.append((-round(middle, 6), bar.get_x(), name, round(bar.get_width()),
                      to_hex(bar.get_facecolor())))
    return [(name, width, colour) for *_, name, width, colour in sorted(found)]


def title(figure: Figure) -> str:
    """The figure's title, above the plot or above the page."""
    top = figure._suptitle  # type: ignore[attr-defined]
    return top.get_text() if top is not None else figure.axes[0].get_title(loc="left")


def legends(figure: Figure) -> list[Legend]:
    return list(figure.legends) + [a.get_legend() for a in figure.axes if a.get_legend()]


def legend_entries(figure: Figure) -> list[tuple[str, str]]:
    """(label, colour) of every legend entry."""
    entries = []
    for legend in legends(figure):
        for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True):
            colour = (handle.get_facecolor() if isinstance(handle, Rectangle)
                      else handle.get_color())  # type: ignore[union-attr]
            entries.append((text.get_text(), to_hex(colour)))
    return entries


def top_groups(study: Project) -> dict[str, str]:
    """Each subdivision's top-level group, read from the codebook."""
    parents = {s.name: s.parent for s in list_subdivisions(study)}
    found = {}
    for name in parents:
        top = name
        while parents[top]:
            top = parents[top]  # type: ignore[assignment]
        found[name] = top
    return found


def blocks(rows: list[tuple[str, int, str]], group_of: dict[str, str]) -> list[str]:
    """The groups in the order their bars come, one entry per contiguous block."""
    order: list[str] = []
    for name, _, _ in rows:
        group = group_of.get(name, "")
        if not order or order[-1] != group:
            order.append(group)
    return order


# --- order and colour -------------------------------------------------------------


def test_subdivisions_are_sorted_within_their_group_and_coloured_by_it(
        drawn: list[Figure], tmp_path: Path, demo: str, study: Project) -> None:
    figure = chart(drawn, tmp_path, demo, "--by", "subdivision")
    rows = bars(figure)
    group_of = top_groups(study)
    table = mentions(study, "subdivision")
    assert sorted((n, w) for n, w, _ in rows) == sorted(
        zip(table["subdivision"], table["mentions"], strict=True))
    # Each group's bars stand together, the groups by their totals, the largest first.
    order = blocks(rows, group_of)
    assert len(order) == len(set(order)) == 11, order
    assert order[-1] == "" and rows[-1][0] == "(no subdivision)"
    totals = [sum(w for n, w, _ in rows if group_of.get(n, "") == g) for g in order[:-1]]
    assert totals == sorted(totals, reverse=True)
    for group in order:
        inside = [w for n, w, _ in rows if group_of.get(n, "") == group]
        assert inside == sorted(inside, reverse=True), group
    # One colour per group, a different one for each, grey for no group.
    colour_of = {}
    for name, _, colour in rows:
        colour_of.setdefault(group_of.get(name, ""), set()).add(colour)
    assert all(len(c) == 1 for c in colour_of.values()), colour_of
    assert len({c.pop() for c in colour_of.values()}) == 11
    # The legend names each group once, in the bars' order, in the bars' colour.
    colours = {group_of.get(n, ""): c for n, _, c in rows}
    assert legend_entries(figure) == [(g or "(no group)", colours[g]) for g in order]


def test_inside_a_group_the_bars_are_grouped_by_factor_group(
        drawn: list[Figure], tmp_path: Path, demo: str, study: Project) -> None:
    figure = chart(drawn, tmp_path, demo, "--by", "subdivision", "--subtree",
                   "Inclusion criteria")
    rows = bars(figure)
    factor = {s.name: s.parent for s in list_subdivisions(study)
              if s.parent in ("Social approach", "User-centric approach")}
    order = blocks(rows, factor)  # type: ignore[arg-type]
    totals = {g: sum(w for n, w, _ in rows if factor[n] == g) for g in order}
    assert order == sorted(totals, key=lambda g: -totals[g]) and len(order) == 2
    for group in order:
        inside = [w for n, w, _ in rows if factor[n] == group]
        assert inside == sorted(inside, reverse=True)
    colours = {factor[n]: c for n, _, c in rows}
    assert len(set(colours.values())) == 2
    assert all(c == colours[factor[n]] for n, _, c in rows)
    assert legend_entries(figure) == [(g, colours[g]) for g in order]


def test_a_group_keeps_its_colour_from_the_overview_to_its_own_figure(
        drawn: list[Figure], tmp_path: Path, demo: str) -> None:
    run("figures", demo, str(tmp_path / "figures"))
    overview = drawn[0]
    criticism = next(figure for figure in drawn if title(figure) == "Criticism")
    colour = {name: c for name, _, c in bars(overview)}["Criticism"]
    assert {c for _, _, c in bars(criticism)} == {colour}
    assert legends(criticism) == []  # one group: nothing to tell apart
    grey = {name: c for name, _, c in bars(overview)}["(no subdivision)"]
    assert grey not in {c for name, _, c in bars(overview) if name != "(no subdivision)"}


def test_stakeholder_groups_have_one_colour_in_every_chart(
        drawn: list[Figure], tmp_path: Path, demo: str) -> None:
    whole = chart(drawn, tmp_path, demo, "--by", "group", "--across", STAKEHOLDER)
    # Inside one group the stakeholder groups come in another order of totals.
    inside = chart(drawn, tmp_path, demo, "--by", "subdivision", "--subtree",
                   "Financing instruments", "--across", STAKEHOLDER, name="inside.png")
    few = chart(drawn, tmp_path, demo, "--by", "group", "--across", STAKEHOLDER,
                "--case", "IP8", "--case", "IP9", name="few.png")
    alone = chart(drawn, tmp_path, demo, "--by", STAKEHOLDER, name="alone.png")
    colours = dict(legend_entries(whole))
    assert len(colours) == 6 and len(set(colours.values())) == 6
    assert [n for n, _ in legend_entries(inside)] != list(colours)  # another order...
    assert dict(legend_entries(inside)) == colours  # ...the same colours
    assert dict(legend_entries(few)).items() <= colours.items()
    assert {name: c for name, _, c in bars(alone)} == colours
    # Each segment has its column's colour: the bars and the legend agree.
    stacked = bars(whole)
    assert {c for _, _, c in stacked} == set(colours.values())


# --- ticks, labels, legend ----------------------------------------------------------


def test_ticks_are_whole_numbers(drawn: list[Figure], tmp_path: Path, demo: str) -> None:
    # A small count (a few mentions of one case) is where fractional ticks showed up.
    small = chart(drawn, tmp_path, demo, "--by", "subdivision", "--subtree",
                  "Inclusion criteria", "--case", "IP9")
    run("figures", demo, str(tmp_path / "figures"))
    for figure in [small, *drawn]:
        figure.draw_without_rendering()
        axes = figure.axes[0]
        ticks = axes.get_xticks()
        shown = [t for t in ticks if axes.get_xlim()[0] <= t <= axes.get_xlim()[1]]
        assert shown and all(float(t).is_integer() for t in shown), shown
        labels = [t.get_text().replace("\u2212", "-") for t in axes.get_xticklabels()]
        assert all(label.lstrip("-").isdigit() for label in labels if label), labels


def test_no_label_is_covered_by_the_legend_or_cut_off(
        drawn: list[Figure], tmp_path: Path, demo: str) -> None:
    # One interview's few mentions: long bars at the bottom, where a legend inside the
    # plot used to sit on top of a bar and its "1 (20%)".
    chart(drawn, tmp_path, demo, "--by", "subdivision", "--subtree", "Inclusion criteria",
          "--case", "IP1", name="ip1.png")
    chart(drawn, tmp_path, demo, "--by", "subdivision")
    chart(drawn, tmp_path, demo, "--by", "group", "--across", STAKEHOLDER, name="x.png")
    chart(drawn, tmp_path, demo, "--by", "group", "--across", STAKEHOLDER, "--grouped",
          name="y.png")
    run("figures", demo, str(tmp_path / "figures"), "--font-size", "12", "--size", "14x12")
    for figure in drawn:
        figure.draw_without_rendering()
        page = figure.bbox
        boxes = [legend.get_window_extent() for legend in legends(figure)]
        axes = figure.axes[0]
        texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text()
                 and not _in_legend(t, figure) and not _off_axis(t, figure)]
        for text in texts:
            box = text.get_window_extent()
            assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, text.get_text()
            assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, text.get_text()
            for legend in boxes:
                assert not box.overlaps(legend), f"legend covers {text.get_text()!r}"
        for bar in (p for p in axes.patches if isinstance(p, Rectangle)):
            assert not any(bar.get_window_extent().overlaps(box) for box in boxes)
        for value in axes.texts:  # "12 (34%)" inside the plot, past the end of its bar
            assert value.get_window_extent().x1 <= axes.bbox.x1 + 1, value.get_text()


def _off_axis(text: Text, figure: Figure) -> bool:
    """A tick label matplotlib keeps but does not draw: its tick is past the axis' end."""
    for axes in figure.axes:
        for axis, place in ((axes.xaxis, 0), (axes.yaxis, 1)):
            if text in axis.get_ticklabels():
                low, high = sorted(axis.get_view_interval())
                return not low - 1e-9 <= text.get_position()[place] <= high + 1e-9
    return False


def _in_legend(text: Text, figure: Figure) -> bool:
    return any(text in legend.get_texts() or text is legend.get_title()
               for legend in legends(figure))


def test_value_labels_give_count_and_share(drawn: list[Figure], tmp_path: Path, demo: str,
                                           study: Project) -> None:
    figure = chart(drawn, tmp_path, demo, "--by", "subdivision", "--subtree",
                   "Inclusion criteria")
    table = mentions(study, "subdivision", filters=Filters(subtree="Inclusion criteria"))
    expected = {f"{n} ({p:g}%)" for n, p in zip(table["mentions"], table["percent"],
                                                   strict=True)}
    assert {t.get_text() for t in figure.axes[0].texts} == expected
    assert figure.axes[0].get_xlabel() == f"mentions (Total: {table['mentions'].sum()})"


# --- the figures command and the options for publication -----------------------------


def test_figures_draws_the_crosstab_by_stakeholder_group_and_saturation(
        drawn: list[Figure], tmp_path: Path, demo: str, study: Project) -> None:
    shown = run("figures", demo, str(tmp_path / "figures")).split()
    names = [Path(p).name for p in shown if p.endswith(".png")]
    assert names[0] == "overview.png" and "inclusion-criteria.png" in names
    assert names[-2:] == ["by-stakeholder-group.png", "saturation.png"]
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == sorted(names)
    cross = drawn[-2]
    table = mentions(study, "group", across=STAKEHOLDER)
    body = table[table["group"] != "Total"]
    assert [t.get_text() for t in cross.axes[0].get_yticklabels()] == list(body["group"])
    assert [n for n, _ in legend_entries(cross)] == [c for c in table.columns[1:-1]]
    totals = [int(t.get_text().split()[0]) for t in cross.axes[0].texts]
    assert totals == list(body["Total"])
    saturation = drawn[-1].axes[0]
    assert [len(line.get_xdata()) for line in saturation.lines] == [12, 12]
    assert [n for n, _ in legend_entries(drawn[-1])] == ["codes", "subdivisions", "new codes"]


def test_size_dpi_font_title_and_language(drawn: list[Figure], tmp_path: Path,
                                          demo: str) -> None:
    run("figures", demo, str(tmp_path / "es"), "--size", "16x10", "--dpi", "100",
        "--font", "DejaVu Serif", "--font-size", "11", "--no-title", "--language", "es")
    overview = drawn[0]
    assert tuple(round(x * 2.54, 2) for x in overview.get_size_inches()) == (16.0, 10.0)
    header = (tmp_path / "es" / "overview.png").read_bytes()[16:24]
    assert (int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")) == (
        int(16 / 2.54 * 100), int(10 / 2.54 * 100))  # 16 x 10 cm at 100 dots per inch
    for figure in drawn:
        axes = figure.axes[0]
        assert title(figure) == ""
        assert {t.get_fontname() for t in figure.findobj(Text) if t.get_text()} == {
            "DejaVu Serif"}
        assert all(t.get_fontsize() == 11 for t in axes.get_yticklabels())
    assert drawn[0].axes[0].get_xlabel() == "menciones (Total: 557)"
    assert "(no subdivision)" in [t.get_text() for t in drawn[0].axes[0].get_yticklabels()]
    assert drawn[-1].axes[0].get_ylabel() == "número acumulado"
    assert [n for n, _ in legend_entries(drawn[-1])] == ["códigos", "subdivisiones",
                                                       "códigos nuevos"]
    drawn.clear()
    run("figures", demo, str(tmp_path / "en"), "--title")
    assert title(drawn[0]) == "Mentions by group"


def test_file_types_by_extension_and_by_format(drawn: list[Figure], tmp_path: Path,
                                               demo: str) -> None:
    starts = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}
    for kind, magic in starts.items():
        chart(drawn, tmp_path, demo, "--by", "group", name=f"chart.{kind}")
        assert (tmp_path / f"chart.{kind}").read_bytes().startswith(magic)
    # `figures` by --format (each figure is drawn the same way whatever the type; SVG is
    # the quickest to write of the three).
    run("figures", demo, str(tmp_path / "svg"), "--format", "svg")
    assert (tmp_path / "svg" / "overview.svg").read_bytes().startswith(starts["svg"])
    assert (tmp_path / "svg" / "saturation.svg").read_bytes().startswith(starts["svg"])
    # The same chart twice is the same file: no dates, no random ids (diffs cleanly).
    for kind in ("svg", "pdf"):
        chart(drawn, tmp_path, demo, name=f"one.{kind}")
        chart(drawn, tmp_path, demo, name=f"two.{kind}")
        assert (tmp_path / f"one.{kind}").read_bytes() == (tmp_path / f"two.{kind}").read_bytes()


def test_wrong_options_say_what_to_give(demo: str, tmp_path: Path) -> None:
    runner = CliRunner()
    size = runner.invoke(cli, ["figures", demo, str(tmp_path), "--size", "big"])
    assert size.exit_code == 2 and "WIDTHxHEIGHT in cm" in size.output
    font = runner.invoke(cli, ["figures", demo, str(tmp_path), "--font", "No Such Font"])
    assert font.exit_code == 1 and "font 'No Such Font' is not installed" in font.output
    kind = runner.invoke(cli, ["report", "mentions", demo, "--chart", str(tmp_path / "x.gif")])
    assert kind.exit_code == 1 and "a chart is written as .png" in kind.output


def test_the_language_follows_the_project(tmp_path: Path) -> None:
    from qcode.reports.figures import study_figures

    with init_project(str(tmp_path / "vacio.qcode"), language="es") as empty:
        found = study_figures(empty)
    assert [f.name for f in found] == ["overview"]  # nothing else to draw yet
    assert found[0].title == "Menciones por grupo"
    assert found[0].figure.axes[0].get_xlabel() == "menciones (Total: 0)"


def test_the_api_takes_the_same_options(study: Project, tmp_path: Path) -> None:
    from PIL import Image

    from qcode import api

    drawn = api.figures(study, tmp_path / "api", size=(12, 8), dpi=100, language="es",
                        title=False, font_size=8)
    assert [p.name for p in drawn][-2:] == ["by-stakeholder-group.png", "saturation.png"]
    with Image.open(drawn[0]) as picture:
        assert picture.size == (int(12 / 2.54 * 100), int(8 / 2.54 * 100))
    with pytest.raises(Exception, match="png, svg or pdf"):
        api.figures(study, tmp_path / "api", "gif")


# --- the picture itself -------------------------------------------------------------


SNAPSHOTS = {
    "inclusion-criteria": ("--by", "subdivision", "--subtree", "Inclusion criteria"),
    "by-stakeholder-group": ("--by", "group", "--across", STAKEHOLDER),
}


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_snapshot(name: str, drawn: list[Figure], tmp_path: Path, demo: str) -> None:
    actual = tmp_path / f"{name}.png"
    run("report", "mentions", demo, *SNAPSHOTS[name], "--chart", str(actual), "--dpi", "80")
    expected = FIXTURES / f"{name}.png"
    if os.environ.get("QCODE_UPDATE_FIGURES"):
        FIXTURES.mkdir(parents=True, exist_ok=True)
        shutil.copy(actual, expected)
    failed = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert failed is None, f"{failed}\nlook at {actual} beside {expected}"


def test_the_tolerance_catches_a_changed_chart(drawn: list[Figure], tmp_path: Path,
                                               demo: str) -> None:
    """The snapshot's tolerance is no blindfold: swap two bars' colours, or shorten
    one bar by a mention, and the picture no longer passes."""
    from qcode.reports.chart_layout import save

    run("report", "mentions", demo, *SNAPSHOTS["inclusion-criteria"], "--chart",
        str(tmp_path / "same.png"), "--dpi", "80")
    figure = drawn[-1]
    patches = [p for p in figure.axes[0].patches if isinstance(p, Rectangle)]
    first, last = patches[0].get_facecolor(), patches[-1].get_facecolor()
    patches[0].set_facecolor(last)
    patches[-1].set_facecolor(first)
    save(figure, tmp_path / "recoloured.png")
    patches[0].set_facecolor(first)
    patches[-1].set_facecolor(last)
    patches[1].set_width(patches[1].get_width() - 1)
    save(figure, tmp_path / "shorter.png")
    expected = str(FIXTURES / "inclusion-criteria.png")
    for changed in ("recoloured", "shorter"):
        assert compare_images(expected, str(tmp_path / f"{changed}.png"), tol=TOLERANCE), changed
