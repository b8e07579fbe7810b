"""The reader / coder: one transcript, its codings, and every coding action on it."""

from __future__ import annotations

import gc
import subprocess

from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Static

from qcode.clock import clock
from qcode.ingest.sentences import sentence_spans
from qcode.media.player import Player, find_player, start_playing, stop_playing
from qcode.reports.search import SearchQuery, SearchResult, search
from qcode.services.blind import BlindStatus, finish, source_status
from qcode.services.codebook import list_subdivisions
from qcode.services.codebook_edit import usual_filing
from qcode.services.coding import CodingRequest, add_coding
from qcode.services.coding_edit import (
    Filing,
    Span,
    last_filing,
    recent_codes,
    remove_coding,
    revise_coding,
    source_spans,
    spans_in,
    update_coding,
)
from qcode.services.listening import Stretch, source_timeline, stretch_of
from qcode.services.sources import SourceDocument, open_source
from qcode.services.timeline import KNOWN, Timeline
from qcode.tui.screens.base import WorkbenchScreen
from qcode.tui.screens.coding_form import CodingDetails, CodingForm
from qcode.tui.screens.memo_editor import write_memo
from qcode.tui.screens.picker import FuzzyPicker
from qcode.tui.widgets.keys_footer import KeysFooter
from qcode.tui.widgets.transcript import Selection, TranscriptView
from qcode.tui.work import in_background

# How long opening a transcript may hold back the garbage collector, at most.
GC_PAUSE_LIMIT = 5.0


def _resume_gc() -> None:
    gc.enable()


class ReaderScreen(WorkbenchScreen):
    """Read a transcript, select spans, code them, edit and remove codings."""

    BINDINGS = [
        Binding("c", "code", "Code"),
        Binding("r", "repeat", "Repeat code"),
        Binding("a", "add_code", "Add code to quote"),
        Binding("e", "edit", "Edit coding"),
        Binding("x,delete", "remove", "Remove coding"),
        Binding("m", "memo", "Memo"),
        Binding("n", "next_coding(1)", "Next coding"),
        Binding("N", "next_coding(-1)", "Previous coding", show=False),
        Binding("right_square_bracket", "next_same(1)", "Next same code", show=False),
        Binding("left_square_bracket", "next_same(-1)", "Previous same code", show=False),
        Binding("slash", "find", "Find"),
        Binding("f", "next_hit(1)", "Next hit"),
        Binding("F", "next_hit(-1)", "Previous hit", show=False),
        Binding("escape", "back", "Back", show=False),
        Binding("ctrl+f", "finish_blind", "Finish blind coding", show=False),
        Binding("E", "edit_text", "Edit the text", show=False),
        Binding("l", "labels", "Labels"),
        Binding("space", "play", "Play/stop"),
        Binding("enter", "finish_move", "Move the quote here", show=True),
    ]

    def __init__(self, source: str, offset: int = 0, select_to: int | None = None) -> None:
        super().__init__()
        self.source = source
        self.start_offset = offset
        self.select_to = select_to  # opened on a quote: [offset, select_to) is selected
        self.following: str | None = None  # the code ] and [ go along
        self.moving: Span | None = None  # a coding whose start and end are being moved
        self.hits: list[tuple[int, int]] = []  # search hits in this text: f and F visit them
        self.source_name = source
        self.blind: BlindStatus | None = None  # set when the source is coded blind
        self.timeline: Timeline | None = None  # times of positions, when anything tells
        self.playing: subprocess.Popen[bytes] | None = None  # the player, while it plays

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            # A placeholder that cannot take focus: focus moves once, to the transcript
            # when it arrives. Each focus change has the footer rebuild its keys.
            yield VerticalScroll(id="text", can_focus=False)
            yield Static("", id="side")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#text").loading = True
        # Opening a long transcript makes tens of thousands of objects, which set off a
        # full garbage collection over everything loaded (spaCy, SQLAlchemy, Textual):
        # 0.15-0.2 s in the middle of the first paint. The collector waits until the
        # text is on screen (or a few seconds at most, should loading fail), then runs.
        gc.disable()
        self.app.set_timer(GC_PAUSE_LIMIT, _resume_gc)  # the app's: outlives this screen
        project, ref, showing, viewer = (self.project, self.source, self.workbench.showing,
                                         self.coder)

        def load() -> tuple[SourceDocument, list[Span], BlindStatus | None, Timeline | None]:
            document = open_source(project, ref)
            return (document, source_spans(project, document.id, showing, viewer),
                    source_status(project, document.id),
                    source_timeline(project, document.id))

        in_background(self, load, self._show)

    def _show(self, loaded: tuple[SourceDocument, list[Span], BlindStatus | None,
                                  Timeline | None]) -> None:
        document, spans, self.blind, self.timeline = loaded
        self.document = document
        self.source_name = document.name
        self._title()
        holder = self.query_one("#text")
        view = TranscriptView(document.text, spans, document.turns, id="transcript",
                              language=document.language or self.workbench.language)
        holder.remove()
        self.query_one("#body").mount(view, before=0)
        view.focus()
        view.go_to(self.start_offset)
        if self.select_to is not None:
            view.select(self.start_offset, self.select_to)
        self.call_after_refresh(_resume_gc)  # the first paint is done: collect from here on
        # Sentence boundaries (spaCy) are ready before the first "s", off the UI thread.
        text, language = document.text, view.language
        in_background(self, lambda: sentence_spans(text, language), view.set_sentences,
                      group="sentences")

    @property
    def view(self) -> TranscriptView:
        return self.query_one("#transcript", TranscriptView)

    # -- blind coding ---------------------------------------------------------------------

    def _hidden(self) -> bool:
        return self.blind is not None and self.blind.hides_from(self.coder)

    def _title(self) -> None:
        """The source's name, and on a blind source whose codings are hidden and why."""
        title = self.source_name
        if self.blind is not None and self.blind.hiding:
            if self._hidden():  # the side panel says until when; the header stays short
                title += " · BLIND"
            else:
                title += f" · coded blind by {', '.join(self.blind.coders)} (you see all)"
        self.title = title

    def _blind_lines(self) -> list[str]:
        """The side panel's first lines on a blind source: nothing seems to vanish."""
        if not self._hidden():
            return []
        assert self.blind is not None
        return [f"[reverse b] BLIND [/] {self.blind.until()}: you see only your own codings "
                "here; F10 cannot show the others' until then.",
                "ctrl+f when you have finished coding it.", ""]

    def action_finish_blind(self) -> None:
        """Say this coder has finished the blind source (asks first; u undoes)."""
        blind = self.blind
        if blind is None or self.coder not in blind.coders:
            self.notify(f"{self.source_name} is not coded blind by {self.coder}: nothing to "
                        "finish", severity="warning")
            return
        if self.coder in blind.finished:
            self.notify(f"You have finished {self.source_name} already; blind "
                        f"{blind.until()}")
            return
        yes = "Yes: finished (the others' codings show once all have finished)"
        source_id = self.document.id

        def answered(choice: str | None) -> None:
            if choice == yes:
                self.change(f"finish blind coding of {self.source_name!r}",
                            lambda session: finish(session, str(source_id), self.coder),
                            after=self._finished)

        self.app.push_screen(FuzzyPicker(f"Finished coding {self.source_name} blind?",
                                         ["Not yet: keep coding blind", yes]), answered)

    def _finished(self, status: BlindStatus) -> None:
        self.blind = status
        self._title()
        if status.hiding:
            self.notify(f"Finished; {self.source_name} stays blind {status.until()}")
        else:
            self.notify(f"All have finished {self.source_name}: every coding is visible now")

    @on(TranscriptView.CursorMoved)
    def _describe(self, event: TranscriptView.CursorMoved) -> None:
        view = event.view
        lines = self._blind_lines()
        if view.selection:
            sel = view.selection
            lines.append(f"[b]Selected[/b] {sel.start}-{sel.end} "
                         f"({sel.end - sel.start} characters)")
        else:
            lines.append(f"Cursor at {view.cursor}")
        if self.timeline is not None:
            at = self.timeline.at(view.selection.start if view.selection else view.cursor)
            if at.seconds is not None:
                how = "" if at.how == KNOWN else f" ({at.how})"
                lines.append(f"Time {clock(at.seconds)}{how}")
        # With a selection, the codings where it starts (the cursor sits at its end,
        # just past a quote selected whole).
        here = view.spans_at(view.selection.start if view.selection else view.cursor)
        lines.append(f"[b]{len(here)} coding{'s' if len(here) != 1 else ''} here[/b]")
        for span in here:
            lines.append(f"[{span.color or 'grey50'}]■[/] [b]{span.code}[/b]  ({span.coder})")
            if span.subdivision:
                lines.append(f"  under {span.subdivision}")
            for other in span.other_subdivisions:
                lines.append(f"  also {other}")
            if span.emphasis:
                lines.append(f"  emphasis: {span.emphasis}")
            if span.notes:
                lines.append(f"  notes: {span.notes}")
        self.query_one("#side", Static).update("\n".join(lines))

    # -- coding -------------------------------------------------------------------------

    def _selection(self) -> Selection | None:
        selection = self.view.selection
        if selection is None:
            self.notify("Select a span first: shift+arrows, w, s, t, p or the mouse",
                        severity="warning")
        return selection

    def action_code(self) -> None:
        selection = self._selection()
        if selection is not None:
            self._pick_code(selection)

    def action_add_code(self) -> None:
        """Another code on the quote at the cursor: same span, new code."""
        here = self.view.spans_at(self.view.cursor)
        if not here:
            self.notify("No coding at the cursor to add a code to", severity="warning")
            return
        self.view.select(here[-1].start, here[-1].end)
        self._pick_code(Selection(here[-1].start, here[-1].end))

    def _pick_code(self, selection: Selection) -> None:
        project, coder = self.project, self.coder

        def offer(names: list[str]) -> None:
            self.pick("Code the selection", names,
                      lambda code: self._ask_details(selection, code), allow_new="code")

        in_background(self, lambda: recent_codes(project, coder), offer, group="picker")

    def _ask_details(self, selection: Selection, code: str) -> None:
        project = self.project

        def prefill() -> tuple[list[str], CodingDetails]:
            subdivisions = [s.name for s in list_subdivisions(project)]
            primary, others = project.read(usual_filing, code)
            details = CodingDetails("", "", primary or "", tuple(others))
            return subdivisions, details

        def show(found: tuple[list[str], CodingDetails]) -> None:
            subdivisions, details = found

            def done(result: CodingDetails | None) -> None:
                if result is not None:
                    self._apply(selection, code, result)

            self.app.push_screen(CodingForm(code, subdivisions, details), done)

        in_background(self, prefill, show, group="picker")

    def _apply(self, selection: Selection, code: str, details: CodingDetails) -> None:
        request = CodingRequest(source=self.source_name, start=selection.start,
                                end=selection.end, code=code,
                                subdivision=details.subdivision or None,
                                other_subdivisions=details.others, emphasis=details.emphasis,
                                notes=details.notes, coder=self.coder)
        source_id = self.document.id

        def step(session: Session) -> list[Span]:
            result = add_coding(session, request)
            ids = [result.coding_id] if result.coding_id is not None else []
            return spans_in(session, source_id, ids)

        self.change(f"code {code!r}", step, after=self._coded, message=f"Coded {code}")

    def _coded(self, spans: list[Span]) -> None:
        """Draw the new coding at once (the full reload follows in the background) with
        the cursor on it instead of a selection over it, so its colour shows and the
        side panel lists it."""
        self.view.add_spans(spans)
        if spans:
            self.view.go_to(spans[0].start)

    def action_repeat(self) -> None:
        """The code and filing of the coder's last coding, on a new selection.

        Emphasis and notes belong to the quote they were written for and are not
        repeated. The last coding is read from the store: it may be in another
        transcript or from before a restart.
        """
        selection = self._selection()
        if selection is None:
            return

        def apply(last: Filing | None) -> None:
            if last is None:
                self.notify("Nothing to repeat yet: code a span with c first",
                            severity="warning")
                return
            self._apply(selection, last.code,
                        CodingDetails("", "", last.subdivision or "", last.others))

        project, coder = self.project, self.coder
        in_background(self, lambda: last_filing(project, coder), apply, group="picker")

    def _chosen_coding(self, then: str) -> None:
        """Act on the coding at the cursor; with several there, ask which."""
        here = self.view.spans_at(self.view.cursor)
        if not here:
            self.notify("No coding at the cursor", severity="warning")
            return
        act = self._edit if then == "edit" else self._remove
        if len(here) == 1:
            act(here[0])
            return
        labels = {f"{s.code} ({s.coder}, {s.start}-{s.end})": s for s in here}
        self.pick("Which coding?", list(labels), lambda label: act(labels[label]))

    def action_edit(self) -> None:
        self._chosen_coding("edit")

    def action_remove(self) -> None:
        self._chosen_coding("remove")

    def _edit(self, span: Span) -> None:
        """The coding's form: its code, emphasis, notes and filing; ctrl+r there moves
        the quote's start and end."""
        project = self.project
        details = CodingDetails(span.emphasis or "", span.notes or "", span.subdivision or "",
                                span.other_subdivisions)

        def show(names: tuple[list[str], list[str]]) -> None:
            subdivisions, codes = names

            def done(result: CodingDetails | None) -> None:
                if result is None:
                    return

                def step(session: Session) -> None:
                    update_coding(session, span.coding_id, emphasis=result.emphasis,
                                  notes=result.notes, subdivision=result.subdivision,
                                  other_subdivisions=result.others)
                    if result.code and result.code != span.code:
                        revise_coding(session, span.coding_id, code=result.code)

                code = result.code or span.code
                self.change(f"edit coding {code!r}", step, message=f"Saved {code}",
                            after=lambda _: self._start_move(span) if result.move else None)

            self.app.push_screen(CodingForm(span.code, subdivisions, details, "Edit",
                                            codes=codes), done)

        in_background(self, lambda: ([s.name for s in list_subdivisions(project)],
                                     recent_codes(project, self.coder)), show, group="picker")

    # -- moving a quote's start and end -------------------------------------------------

    def _start_move(self, span: Span) -> None:
        self.moving = span
        self.view.select(span.start, span.end)
        self.refresh_bindings()
        self.notify("Move the quote: shift+arrows, < and >, or w s t p select anew; "
                    "Enter saves, Escape leaves it as it was", timeout=8)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter means "move the quote here" only while a quote is being moved."""
        if action == "finish_move":
            return self.moving is not None
        return True

    def action_finish_move(self) -> None:
        span, selection = self.moving, self.view.selection
        if span is None:
            return
        if selection is None:
            self.notify("Select the quote's new span first", severity="warning")
            return
        self.moving = None
        self.refresh_bindings()
        if (selection.start, selection.end) == (span.start, span.end):
            self.notify("The quote stays where it was")
            return
        self.change(f"move coding {span.code!r} to {selection.start}-{selection.end}",
                    lambda session: revise_coding(session, span.coding_id,
                                                  start=selection.start, end=selection.end),
                    after=lambda _: self.view.go_to(selection.start),
                    message=f"Moved {span.code} to {selection.start}-{selection.end}")

    def _remove(self, span: Span) -> None:
        self.change(f"remove coding {span.code!r}",
                    lambda session: remove_coding(session, span.coding_id),
                    message=f"Removed {span.code} (u undoes)")

    def reload(self) -> None:
        """Redraw the codings after a change here or elsewhere."""
        if not hasattr(self, "document"):
            return
        project, source_id, showing, viewer = (self.project, self.document.id,
                                               self.workbench.showing, self.coder)

        def load() -> tuple[list[Span], BlindStatus | None]:
            return (source_spans(project, source_id, showing, viewer),
                    source_status(project, source_id))

        def show(loaded: tuple[list[Span], BlindStatus | None]) -> None:
            spans, self.blind = loaded
            self._title()
            self.view.set_spans(spans)

        in_background(self, load, show, group="spans")

    # -- moving between codings ---------------------------------------------------------

    def action_next_coding(self, direction: int) -> None:
        starts = sorted({s.start for s in self.view.spans})
        self._jump(starts, direction)

    def action_next_same(self, direction: int) -> None:
        """Go along one code's codings. Where several codes are at the cursor, the one
        being followed stays followed, so ] and [ undo each other."""
        here = [span.code for span in self.view.spans_at(self.view.cursor)]
        if not here:
            self.notify("Put the cursor on a coding first", severity="warning")
            return
        if self.following not in here:
            self.following = here[-1]
            if len(set(here)) > 1:
                self.notify(f"Following {self.following}")
        code = self.following
        self._jump(sorted({s.start for s in self.view.spans if s.code == code}), direction)

    def _jump(self, starts: list[int], direction: int) -> None:
        cursor = self.view.cursor
        targets = [s for s in starts if s > cursor] if direction > 0 else [
            s for s in starts if s < cursor]
        if not targets:
            self.notify("No more codings that way")
            return
        self.view.go_to(targets[0] if direction > 0 else targets[-1])

    # -- finding words (qcode.reports.search) ---------------------------------------------

    def action_find(self) -> None:
        """Search this transcript; the first hit after the cursor is selected."""
        project, name = self.project, self.source_name

        def found(result: SearchResult) -> None:
            self.hits = [(h.start, h.end) for h in result.hits]
            if not self.hits:
                self.notify("Not found in this transcript", severity="warning")
                return
            self.notify(f"{len(self.hits)} hit{'s' if len(self.hits) != 1 else ''}: "
                        "f next, F previous")
            self.view.go_to(self.view.cursor)  # from the cursor on, not past a selection
            self.action_next_hit(1)

        self.ask("Find in this transcript (words, a phrase, word*, a OR b)",
                 lambda text: in_background(
                     self, lambda: search(project, SearchQuery(text, sources=[name])), found,
                     group="find"))

    def action_next_hit(self, direction: int) -> None:
        """Select the next (or previous) search hit."""
        if not self.hits:
            self.notify("No search here yet: / finds words", severity="warning")
            return
        selection = self.view.selection
        at = selection.start if selection else self.view.cursor - 1
        targets = [h for h in self.hits if h[0] > at] if direction > 0 else [
            h for h in self.hits if h[0] < at]
        if not targets:
            self.notify("No more hits that way")
            return
        self.view.select(*(targets[0] if direction > 0 else targets[-1]))

    def action_memo(self) -> None:
        """A memo on this transcript, saved as one undoable action."""
        write_memo(self, ("source", self.source_name), f"source: {self.source_name}",
                   f"Memo on {self.source_name}")

    def action_edit_text(self) -> None:
        """Correct the transcript itself; codings move with their words (E)."""
        from qcode.tui.screens.text_editor import edit_text

        if hasattr(self, "document"):
            edit_text(self)

    def action_labels(self) -> None:
        """Show or hide the code names in a margin beside the text (l)."""
        if hasattr(self, "document"):
            self.view.toggle_labels()

    # -- listening ----------------------------------------------------------------------

    def action_play(self) -> None:
        """Play the selection (or on from the cursor) in the machine's player; pressed
        while it plays, stop it."""
        if stop_playing(self.playing):
            self.playing = None
            self.notify("Stopped")
            return
        view, project, source = self.view, self.project, self.source_name
        start, end = ((view.selection.start, view.selection.end) if view.selection
                      else (view.cursor, None))

        def find() -> tuple[Player, Stretch]:
            return find_player(), stretch_of(project, source, start, end)

        def begin(found: tuple[Player, Stretch]) -> None:
            # Started here on the UI thread, once: a second press while the stretch was
            # looked up replaced that lookup, and no player is left running unseen.
            player, stretch = found
            stop_playing(self.playing)
            self.playing = start_playing(player, stretch.recording, stretch.start,
                                         stretch.end, stretch.video)
            self.notify(f"Playing {stretch.describe()}; space stops")

        in_background(self, find, begin, group="play")

    def on_unmount(self) -> None:
        stop_playing(self.playing)  # leaving the transcript ends its sound

    def action_back(self) -> None:
        if self.moving is not None:  # Escape while moving a quote cancels only that
            self.moving = None
            self.refresh_bindings()
            self.view.go_to(self.view.cursor)
            self.notify("Not moved")
            return
        self.app.pop_screen()
