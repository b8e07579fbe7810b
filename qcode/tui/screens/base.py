"""What every workbench screen shares: the open project and the current coder."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from qcode.services.project import Project

if TYPE_CHECKING:
    from qcode.tui.app import QcodeApp


class WorkbenchScreen(Screen[None]):
    @property
    def workbench(self) -> QcodeApp:
        from qcode.tui.app import QcodeApp

        return cast(QcodeApp, self.app)

    @property
    def project(self) -> Project:
        return self.workbench.project

    @property
    def coder(self) -> str:
        return self.workbench.coder
