"""What every workbench screen shares: the project, the coder, undoable changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy.orm import Session
from textual.binding import Binding
from textual.screen import Screen

from qcode.services import history
from qcode.services.project import Project
from qcode.services.steps import revision
from qcode.tui.keys import named
from qcode.tui.work import in_background

if TYPE_CHECKING:
    from qcode.tui.app import QcodeApp

T = TypeVar("T")


class WorkbenchScreen(Screen[None]):
    """A screen of the workbench. `reload()` redraws it from the store."""

    BINDINGS = named("workbench", [
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("U,ctrl+y", "redo", "Redo"),
    ])

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Name every key of every screen (`reader.repeat_code`) for the keymap file.

        Before Textual's own __init_subclass__, which merges the bindings as they are
        then: named afterwards, the merged keys kept no names."""
        if "BINDINGS" in cls.__dict__:
            cls.BINDINGS = named(cls.__name__.removesuffix("Screen").lower(), cls.BINDINGS)
        super().__init_subclass__(**kwargs)

    def on_mount(self) -> None:
        """Every screen shows the way to the others under its title (Textual calls this
        besides a screen's own on_mount)."""
        from textual.widgets import Header

        from qcode.tui.widgets.nav_bar import NavBar

        headers = self.query(Header)
        if headers and not self.query(NavBar):
            self.mount(NavBar(), after=headers.first())

    @property
    def workbench(self) -> QcodeApp:
        return cast("QcodeApp", self.app)

    @property
    def project(self) -> Project:
        return self.workbench.project

    @property
    def coder(self) -> str:
        return self.workbench.coder

    def can_leave(self) -> bool:
        """Whether an F key may close this screen: nothing typed here is unsaved."""
        return True

    def reload(self) -> None:
        """Read what the screen shows from the store again (after any change)."""

    def pick(self, title: str, names: list[str], then: Callable[[str], None],
             allow_new: str | None = None) -> None:
        """Ask for one of `names` with the fuzzy picker; `then` gets the choice."""
        from qcode.tui.screens.picker import FuzzyPicker

        def picked(name: str | None) -> None:
            if name:
                then(name)

        self.app.push_screen(FuzzyPicker(title, names, allow_new=allow_new), picked)

    def ask(self, question: str, then: Callable[[str], None], value: str = "") -> None:
        """Ask for a line of text; `then` gets it unless it is empty or cancelled."""
        from qcode.tui.screens.prompt import TextPrompt

        def answered(text: str | None) -> None:
            if text:
                then(text)

        self.app.push_screen(TextPrompt(question, value), answered)

    def change(self, label: str, step: Callable[[Session], T],
               after: Callable[[T], None] | None = None, message: str | None = None) -> None:
        """Run `step` as one undoable action in the background, then reload."""
        project, coder = self.project, self.coder

        def job() -> tuple[T, int]:
            with project.step(label, coder) as session:
                result = step(session)
            return result, revision(project)

        def done(outcome: tuple[T, int]) -> None:
            result, now = outcome
            # The change on screen first, then the toast.
            if after is not None:
                after(result)
            self.notify(message or label[:1].upper() + label[1:])
            self.workbench.saw_revision(now)
            self.reload()

        in_background(self, job, done, writes=True, group="write")

    def _replay(self, backwards: bool) -> None:
        project, coder = self.project, self.coder

        def job() -> tuple[history.ActionInfo | None, int]:
            found = history.undo(project, coder) if backwards else history.redo(project, coder)
            return found, revision(project)

        def done(outcome: tuple[history.ActionInfo | None, int]) -> None:
            result, now = outcome
            verb = "undo" if backwards else "redo"
            if result is None:
                self.notify(f"Nothing to {verb}")
                return
            self.notify(f"{'Undid' if backwards else 'Redid'} {result.label}")
            self.workbench.saw_revision(now)
            self.reload()

        in_background(self, job, done, writes=True, group="write")

    def action_undo(self) -> None:
        self._replay(backwards=True)

    def action_redo(self) -> None:
        self._replay(backwards=False)
