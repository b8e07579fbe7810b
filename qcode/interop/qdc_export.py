"""`qcode export qdc`: the codebook alone as a REFI-QDA codebook (.qdc, Codebook.xsd).

The same tree as in a .qdpx (see qcode.interop.qdpx_export): subdivision groups and
subdivisions as non-codable codes, each code once under its home subdivision, and a
`Set` per subdivision that further codes are filed under. The GUIDs are the ones the
project export uses, so a codebook and a project from one study match.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

import qcode
from qcode.errors import InputError
from qcode.files import written
from qcode.interop.refi import CODEBOOK_NS
from qcode.interop.refi_codebook import read_codebook, write_codes, write_sets
from qcode.services.project import Project


@dataclass(frozen=True)
class CodebookSummary:
    """What a codebook export wrote."""

    path: str
    codes: int
    folders: int
    sets: int

    def line(self) -> str:
        return (f"wrote {self.path}: {self.codes} codes in {self.folders} folders, "
                f"{self.sets} sets")


def _tag(name: str) -> str:
    return f"{{{CODEBOOK_NS}}}{name}"


def export_qdc(project: Project, path: Path) -> CodebookSummary:
    """Write the codebook as a REFI-QDA codebook file (.qdc).

    Raises:
        InputError: The project has neither codes nor subdivisions; the schema needs
            at least one code.
    """
    with project.reading() as session:
        book = read_codebook(session)
    if not book.codes and not book.nodes:
        raise InputError("the codebook is empty: define codes or subdivisions first")
    root = etree.Element(_tag("CodeBook"), nsmap={None: CODEBOOK_NS})
    root.set("origin", f"qcode {qcode.__version__}")
    write_codes(etree.SubElement(root, _tag("Codes")), book, _tag, None)
    sets = write_sets(root, book, _tag, "guid")
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    with written(path) as temporary:
        temporary.write_bytes(xml)
    return CodebookSummary(str(path), len(book.codes), book.folders, sets)
