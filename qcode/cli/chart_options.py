"""The options for publication that every command drawing a chart shares.

One decorator, as output_options is for tables, so `--chart` on a report and `qcode
figures` take the same words. The command receives them as one `style: ChartStyle`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from qcode.errors import InputError
from qcode.reports.chart_style import DEFAULT_FONT, LANGUAGES, ChartStyle, parse_size

F = TypeVar("F", bound=Callable[..., Any])


def _size(_ctx: click.Context, _param: click.Parameter,
          value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        return parse_size(value)
    except InputError as exc:  # a usage error: names the option, shows the usage
        raise click.BadParameter(str(exc)) from exc


def chart_options(title_text: bool) -> Callable[[F], F]:
    """Add --size, --dpi, --font, --font-size, --language and the title switch.

    With `title_text`, `--title TEXT` names the chart and `--no-title` drops it (the
    command keeps receiving `title`); otherwise `--title/--no-title` turns the titles
    of many figures on or off.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def command(*args: Any, size: tuple[float, float] | None, dpi: int, font: str,
                    font_size: float, language: str | None, show_title: bool,
                    **kwargs: Any) -> Any:
            style = ChartStyle(size, dpi, font, font_size, show_title, language)
            return func(*args, style=style, **kwargs)

        options = [
            click.option("--size", callback=_size, metavar="WxH",
                         help="Figure size in centimetres, e.g. 16x10 (or 6x4in); "
                              "default 16 cm wide, as tall as the bars need."),
            click.option("--dpi", type=click.IntRange(50, 1200), default=200,
                         show_default=True, help="Resolution of PNG files."),
            click.option("--font", default=DEFAULT_FONT, show_default=True,
                         help="Font family (installed on this machine)."),
            click.option("--font-size", type=click.FloatRange(4, 30), default=9.0,
                         show_default=True, help="Font size in points."),
            click.option("--language", type=click.Choice(LANGUAGES), default=None,
                         help="Language of the chart's own words (default: the "
                              "project's, see `qcode info`); names stay as stored."),
        ]
        if title_text:
            options.append(click.option("--no-title", "show_title", flag_value=False,
                                        default=True, help="Draw the chart without a title."))
        else:
            options.append(click.option("--title/--no-title", "show_title", default=True,
                                        show_default=True, help="Titles above the figures."))
        for option in reversed(options):
            command = option(command)
        return command  # type: ignore[return-value]

    return decorate
