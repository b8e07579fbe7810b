"""Reading REFI-QDA files from other programs without trusting them.

A .qdpx is a zip archive someone else made. Before anything is stored it is checked
as a whole: no entry may climb out of the archive (``../``, an absolute path, a drive
letter), no entry may be a symbolic link, and the unpacked size and the compression
ratio are capped so a zip bomb is refused instead of filling the disk or memory. XML
is parsed with defusedxml with DTDs forbidden, so entity expansion ("billion laughs")
and external entities never run. Every refusal is an `InputError` of one line that
says what, where, and what to do.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from qcode.errors import InputError, reason
from qcode.ingest.limits import ZIP_ERRORS
from qcode.interop.refi import normal_guid

# Caps on what one archive may unpack to. A real project with a few hundred
# transcripts and their .docx copies stays far below these.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_MEMBER_BYTES = 256 * 1024 * 1024
# Text compresses about 3-10 times; 200 only happens with padding made to explode.
MAX_RATIO = 200
# Small entries are not worth a ratio check (a 1 kB run of spaces compresses 100x).
_RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024


def _refuse(path: Path | str, what: str, todo: str) -> InputError:
    return InputError(f"{path}: {what}; {todo}")


@dataclass
class QdpxArchive:
    """An opened, checked .qdpx: its one .qde and the files of its sources folder."""

    path: Path
    zip: zipfile.ZipFile
    qde_name: str
    # Lower-cased file name inside the sources folder -> the entry's real name.
    sources: dict[str, str]

    def read(self, name: str) -> bytes:
        """One entry's bytes, stopping at the caps whatever its header claims."""
        info = self.zip.getinfo(name)
        out = bytearray()
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    out += chunk
                    if len(out) > MAX_MEMBER_BYTES or (
                        len(out) > _RATIO_FLOOR
                        and len(out) > MAX_RATIO * max(info.compress_size, 1)
                    ):
                        raise _refuse(self.path, f"entry {name!r} unpacks to more than its "
                                      "header says (a zip bomb?)", "nothing was imported")
        except ZIP_ERRORS as exc:  # a bad CRC, cut or garbled data, an encrypted entry
            raise _refuse(self.path, f"entry {name!r} is damaged ({reason(exc)})",
                          "export the project again; nothing was imported") from exc
        return bytes(out)

    def source_entry(self, file_name: str) -> str | None:
        """The entry of a file in the sources folder, matched case-insensitively."""
        return self.sources.get(file_name.replace("\\", "/").lstrip("/").casefold())

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> QdpxArchive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_qdpx(path: Path) -> QdpxArchive:
    """Open and check a .qdpx; refuse it whole if any entry is unsafe.

    Raises:
        InputError: Not a zip, an unsafe entry, too big, or not exactly one .qde.
    """
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise _refuse(path, f"is not a readable .qdpx (zip) file ({exc})",
                      "export the project again from the other program") from exc
    try:
        return _checked(path, archive)
    except BaseException:
        archive.close()
        raise


def _checked(path: Path, archive: zipfile.ZipFile) -> QdpxArchive:
    total = 0
    qde: list[str] = []
    sources: dict[str, str] = {}
    for info in archive.infolist():
        name = info.filename
        _check_name(path, name)
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):
            raise _refuse(path, f"entry {name!r} is a symbolic link",
                          "a .qdpx never needs one; nothing was imported")
        if info.is_dir():
            continue
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_UNPACKED_BYTES:
            raise _refuse(path, f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB "
                          f"(at entry {name!r}; a zip bomb?)", "nothing was imported")
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise _refuse(path, f"entry {name!r} is compressed {ratio} to 1 (a zip bomb?)",
                          "nothing was imported")
        parts = PurePosixPath(name).parts
        if len(parts) == 1 and name.casefold().endswith(".qde"):
            qde.append(name)
        elif len(parts) >= 2 and parts[0].casefold() == "sources":
            sources["/".join(parts[1:]).casefold()] = name
    if len(qde) != 1:
        found = ", ".join(qde) if qde else "none"
        raise _refuse(path, f"needs exactly one .qde file at the top of the archive "
                      f"(found: {found})", "is it a REFI-QDA project export?")
    return QdpxArchive(path, archive, qde[0], sources)


def _check_name(path: Path, name: str) -> None:
    unsafe = (
        not name
        or name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or "\\" in name
        or "\x00" in name
        or any(part == ".." for part in name.split("/"))
    )
    if unsafe:
        raise _refuse(path, f"entry {name!r} points outside the archive (path traversal)",
                      "this file may be malicious; nothing was imported")


def parse_xml(data: bytes, where: str) -> Element:
    """Parse XML with DTDs (hence entity expansion and external entities) forbidden.

    Raises:
        InputError: The XML holds a DTD or is not well-formed.
    """
    try:
        root: Element = SafeTree.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                            forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"{where}: the XML declares a DTD or entities ({type(exc).__name__}), "
                         "which REFI-QDA files never need; nothing was imported") from exc
    except ParseError as exc:
        raise InputError(f"{where}: the XML is not well-formed ({exc}); "
                         "export it again; nothing was imported") from exc
    return root


def local(tag: Any) -> str:
    """An element's tag without its namespace ("{urn:...}Code" -> "Code")."""
    return str(tag).rpartition("}")[2]


def children(element: Element, name: str) -> list[Element]:
    """Direct children called `name`, in any namespace (vendors differ)."""
    return [child for child in element if local(child.tag) == name]


def child(element: Element, name: str) -> Element | None:
    found = children(element, name)
    return found[0] if found else None


def child_text(element: Element, name: str) -> str | None:
    """The text of a child such as <Description>, or None when absent or blank."""
    found = child(element, name)
    text = (found.text or "") if found is not None else ""
    return text if text.strip() else None


def guid_of(element: Element, attribute: str = "guid") -> str | None:
    value = element.get(attribute)
    return normal_guid(value) if value and value.strip() else None


def _in_sources(path: str) -> str:
    """A path as the sources folder's files are keyed: without a leading "sources/"."""
    path = path.replace("\\", "/").lstrip("/")
    head, slash, tail = path.partition("/")
    return tail if slash and head.casefold() == "sources" else path


@dataclass(frozen=True)
class TextPath:
    """Where a source's text is: an entry of the archive, or why it cannot be read."""

    entry: str | None
    problem: str | None = None


def resolve_path(archive: QdpxArchive, value: str | None, base_path: str | None) -> TextPath:
    """Resolve a plainTextPath/richTextPath/path attribute to an archive entry.

    `internal://x.txt` and a bare `x.txt` are files of the sources folder.
    `relative://` is read against the project's basePath and `absolute://` names a
    file outside the archive: qcode never reads the disk on a file's say-so, so both
    are reported as not imported unless they name a file the archive holds.
    """
    if not value or not value.strip():
        return TextPath(None, "names no file")
    value = value.strip()
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    scheme = scheme.casefold()
    if scheme in ("", "internal"):
        entry = archive.source_entry(rest)
        return TextPath(entry, None if entry else f"{value} is not in the archive")
    if scheme == "relative":
        # basePath may name a folder of the archive ("sources/interviews") or one on
        # the exporter's disk; either way the file counts only if the archive has it.
        base = (base_path or "").replace("\\", "/").rstrip("/")
        candidates = [f"{base}/{rest}" if base else rest, rest]
        entry = next((found for candidate in candidates
                      if (found := archive.source_entry(_in_sources(candidate)))), None)
        return TextPath(entry, None if entry else
                        f"{value} points outside the archive (basePath {base_path!r}); "
                        "copy the file into the project and export again")
    if scheme == "absolute":
        return TextPath(None, f"{value} points outside the archive; qcode does not read "
                        "files a project names on your disk: import it separately")
    return TextPath(None, f"{value} uses an unknown scheme {scheme!r}")
