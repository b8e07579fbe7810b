"""Writers of hostile and broken input files, called by the tests into a temporary folder.

Nothing here is committed as a binary: every file is made at test time, small and
fast (the 200 MB transcript is sparse, so it costs no disk and no time to write).
Each writer returns the path it wrote; the ones whose good import has a known
result also return the text qcode must store.
"""

from __future__ import annotations

import io
import sqlite3
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import docx
from openpyxl import Workbook

# --- text every hostile test can check offsets against ---------------------------------

# Right-to-left scripts, emoji with skin tones and zero-width joiners, combining marks
# and characters outside the Basic Multilingual Plane: offsets count code points, so
# each of these must still cut the text exactly where the quote is.
ARABIC = "قالت: السكن الميسر هو الأولوية"
HEBREW = "הוא אמר: הדיור היה יקר מדי"
FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"  # ZWJ sequence
WAVE = "\U0001F44B\U0001F3FD"  # waving hand with a medium skin tone
COMBINING = "Me\u0301ndez cafe\u0301 n\u0303"  # e + combining acute, n + combining tilde
FLAG = "\U0001F1F2\U0001F1FD"  # Mexico, two regional indicators
MATH = "\U0001D400\U0001D401"  # outside the BMP: two UTF-16 units each

UNICODE_LINES = [
    "Interviewer: Where did you live before?",
    f"IP5: {ARABIC} {FAMILY} we were six.",
    f"IP6: {HEBREW} {WAVE} hello from {COMBINING}.",
    f"IP7: {FLAG} {MATH} the end \u202Eevil\u202C.",
]
# The phrases the tests code, each holding the awkward characters; the last one runs
# over a line end, which a sheet cell may hold as CRLF.
UNICODE_QUOTES = [
    f"{ARABIC} {FAMILY} we were six",
    f"{HEBREW} {WAVE} hello from {COMBINING}",
    f"{FLAG} {MATH} the end \u202Eevil\u202C",
    f"{COMBINING}.\nIP7: {FLAG}",
]

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3", "\t=1+2", "\r=3+4"]


_NEWLINE_NAMES = {"\r\n": "crlf", "\r": "cr", "\n": "lf"}


def unicode_transcript(folder: Path, newline: str = "\r\n") -> tuple[Path, str]:
    """A UTF-8 transcript of RTL, emoji and combining text with `newline` line ends.

    Returns the file and the text qcode must store (line ends become LF). The first
    line names the line ends, so the three variants are three different texts.
    """
    kind = _NEWLINE_NAMES[newline]
    lines = [f"Transcript with {kind} line ends", *UNICODE_LINES]
    path = folder / f"unicode_{kind}.txt"
    path.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    return path, "\n".join(lines) + "\n"


# --- plain text -------------------------------------------------------------------------


def huge_text(folder: Path, size: int = 200 * 2**20) -> Path:
    """A transcript of `size` bytes, sparse: it takes no disk and no time to write."""
    path = folder / "huge.txt"
    with path.open("wb") as handle:
        handle.write(b"IP1: this file goes on and on.\n")
        handle.truncate(size)
    return path


def nul_bytes(folder: Path, size: int = 4096) -> Path:
    path = folder / "nuls.txt"
    path.write_bytes(b"\0" * size)
    return path


def mixed_encodings(folder: Path) -> Path:
    """One transcript whose first half was saved as UTF-8 and second half as cp1252."""
    path = folder / "mixed.txt"
    path.write_bytes("IP1: Laura Méndez said the café was far.\n".encode()
                     + "IP2: Jürgen said the señora’s house was new.\n".encode("cp1252"))
    return path


def long_line(folder: Path, length: int = 10_000) -> tuple[Path, str]:
    """A transcript of one line of `length` characters (no line break at all)."""
    text = ("IP3: " + "the rent rose again and again " * (length // 30 + 1))[:length]
    path = folder / "long_line.txt"
    path.write_text(text, encoding="utf-8")
    return path, text


# --- Word and OpenDocument --------------------------------------------------------------


def good_docx(folder: Path, paragraphs: list[str], name: str = "good.docx") -> Path:
    word = docx.Document()
    for paragraph in paragraphs:
        word.add_paragraph(paragraph)
    path = folder / name
    word.save(str(path))
    return path


def truncated(path: Path, keep: float = 0.5) -> Path:
    """`path` cut to the first `keep` of its bytes, under a new name beside it."""
    data = path.read_bytes()
    out = path.with_name(f"truncated_{path.name}")
    out.write_bytes(data[: int(len(data) * keep)])
    return out


def _rewrite_zip(source: Path, out: Path, replace: dict[str, bytes],
                 add: dict[str, bytes] | None = None) -> Path:
    """Copy a zip, swapping the entries in `replace` and appending those in `add`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return out


def corrupt_docx(folder: Path) -> Path:
    """A real .docx whose document.xml is cut off mid-element."""
    good = good_docx(folder, ["IP1: fine so far."], "base_corrupt.docx")
    with zipfile.ZipFile(good) as archive:
        xml = archive.read("word/document.xml")
    return _rewrite_zip(good, folder / "corrupt.docx", {"word/document.xml": xml[: len(xml) // 2]})


def not_a_zip(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    return path


def zip_bomb_entry(size: int = 32 * 2**20) -> bytes:
    """Zeros that deflate about a thousand to one."""
    return b"\0" * size


def docx_zip_bomb(folder: Path) -> Path:
    good = good_docx(folder, ["IP1: a normal transcript."], "base_bomb.docx")
    return _rewrite_zip(good, folder / "bomb.docx", {}, {"word/media/bomb.bin": zip_bomb_entry()})


def docx_traversal(folder: Path) -> tuple[Path, str]:
    """A .docx with entries named to climb out of any folder it is unpacked into."""
    good = good_docx(folder, ["IP1: the text is fine."], "base_traversal.docx")
    evil = {"../../escaped_by_docx.txt": b"escaped", "/tmp/absolute_by_docx.txt": b"x"}
    return _rewrite_zip(good, folder / "traversal.docx", {}, evil), "IP1: the text is fine."


LAUGHS_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def _docx_xml(body_text: str, doctype: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + doctype
        + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{body_text}</w:t></w:r></w:p></w:body></w:document>"
    ).encode()


def docx_billion_laughs(folder: Path) -> Path:
    good = good_docx(folder, ["x"], "base_laughs.docx")
    xml = _docx_xml("IP1: &lol9;", LAUGHS_DTD)
    return _rewrite_zip(good, folder / "laughs.docx", {"word/document.xml": xml})


def docx_external_entity(folder: Path, secret: Path) -> Path:
    good = good_docx(folder, ["x"], "base_xxe.docx")
    xml = _docx_xml("IP1: &xxe;", f'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{secret}">]>')
    return _rewrite_zip(good, folder / "xxe.docx", {"word/document.xml": xml})


_ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def odt(folder: Path, name: str, body: str, doctype: str = "") -> Path:
    """An .odt whose content.xml holds `body` as its text."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
               f"<office:document-content {_ODF_NS}><office:body><office:text>"
               f"{body}</office:text></office:body></office:document-content>")
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return path


def odt_billion_laughs(folder: Path) -> Path:
    return odt(folder, "laughs.odt", "<text:p>IP1: &lol9;</text:p>", LAUGHS_DTD)


def odt_external_entity(folder: Path, secret: Path) -> Path:
    return odt(folder, "xxe.odt", "<text:p>IP1: &xxe;</text:p>",
               f'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{secret}">]>')


def odt_zip_bomb(folder: Path) -> Path:
    good = odt(folder, "base_bomb.odt", "<text:p>IP1: fine.</text:p>")
    return _rewrite_zip(good, folder / "bomb.odt", {}, {"Pictures/bomb.bin": zip_bomb_entry()})


# --- PDF, RTF, captions -----------------------------------------------------------------


def good_pdf(folder: Path, lines: list[str], name: str = "good.pdf") -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = folder / name
    page = canvas.Canvas(str(path), pagesize=A4)
    for n, line in enumerate(lines):
        page.drawString(72, 760 - 16 * n, line)
    page.save()
    return path


def _raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file of numbered objects with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, root, xref))
    return out.getvalue()


def pdf_cyclic_pages(folder: Path) -> Path:
    """A page tree whose Pages node lists itself as its own kid: naive readers loop."""
    path = folder / "cyclic.pdf"
    path.write_bytes(_raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]))
    return path


def pdf_million_pages(folder: Path) -> Path:
    """A tiny PDF whose page tree claims a million pages: a Pages node of 1,000 kids,
    each the same Pages node of 1,000 kids, each the same page."""
    content = b"BT /F1 12 Tf 72 712 Td (IP1: the rent was high) Tj ET"
    path = folder / "million_pages.pdf"
    path.write_bytes(_raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join([b"3 0 R"] * 1000) + b"] /Count 1000000 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [" + b" ".join([b"4 0 R"] * 1000)
        + b"] /Count 1000 >>",
        b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]))
    return path


def pdf_heavy_pages(folder: Path, pages: int = 40) -> Path:
    """A PDF of about 120 kB whose pages each draw 60 MB of text operators (one stream
    shared by every page): extracting them all took two minutes."""
    import zlib

    ops = b"BT /F1 12 Tf 72 712 Td " + b"(IP1: rent) Tj " * 4_000_000 + b"ET"
    stream = zlib.compress(ops, 9)
    content, font = 3 + pages, 4 + pages
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
               + b"] /Count %d >>" % pages]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content, font)] * pages
    objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
                   + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    path = folder / "heavy_pages.pdf"
    path.write_bytes(_raw_pdf(objects))
    return path


def pdf_flate_bomb(folder: Path) -> Path:
    """A page whose content stream inflates from a few kB to hundreds of MB."""
    import zlib

    stream = zlib.compress(b" " * (100 * 2**20))  # past pypdf's 75 MB output cap
    path = folder / "flate_bomb.pdf"
    path.write_bytes(_raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
        + b"\nendstream",
    ]))
    return path


def corrupt_pdf(folder: Path) -> Path:
    path = folder / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 16)
    return path


def rtf(folder: Path, name: str, body: bytes) -> Path:
    path = folder / name
    path.write_bytes(body)
    return path


RTF_CASES: dict[str, bytes] = {
    "unknown_codepage.rtf": b"{\\rtf1\\ansi\\ansicpg99999 IP1: caf\\'e9 con leche\\par}",
    "unbalanced.rtf": b"{\\rtf1 }}}}} IP1: after the braces {{{{ still text\\par",
    "huge_unicode.rtf": b"{\\rtf1 IP1: \\u-99999999? and \\u99999999999999999999? ok\\par}",
    "deep_nesting.rtf": b"{\\rtf1 " + b"{" * 50_000 + b"IP1: deep" + b"}" * 50_000 + b"}",
    "cut_hex.rtf": b"{\\rtf1 IP1: half a byte \\'e",
}


def captions(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


CAPTION_CASES: dict[str, str] = {
    "bad_times.vtt": "WEBVTT\n\n99:99:99.999 --> 00:00:00.000\nIP1: time runs backwards\n",
    "no_cues.srt": "1\nnot a timing line\nIP1: hello\n",
    "huge_hours.srt": "1\n99999999999:00:01,000 --> 99999999999:00:02,000\nIP1: far future\n",
    "tags_only.vtt": "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v IP1><b></b></v>\n",
}


# --- spreadsheets -----------------------------------------------------------------------


def workbook(folder: Path, name: str, rows: Sequence[Sequence[object]],
             sheet: str = "Sheet1") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    path = folder / name
    book.save(path)
    return path


def long_workbook(folder: Path, name: str, header: Sequence[str], row: Sequence[str],
                  rows: int) -> Path:
    """An .xlsx of `rows` numbered copies of `row` under `header`, as raw XML in a zip:
    a million rows in a second or two, where a workbook library takes minutes."""
    def cells(values: Sequence[str]) -> str:
        return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)

    # Each row numbered, so the sheet packs as real ones do (ten times, not a thousand).
    body = f"<row>{cells(header)}</row>" + "".join(
        f"<row>{cells([f'{v} {n}' for v in row])}</row>" for n in range(rows))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    parts = {
        "[Content_Types].xml":
            f'<Types xmlns="{pkg}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels":
            f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{body}'
                                    "</sheetData></worksheet>",
    }
    path = folder / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part, xml in parts.items():
            archive.writestr(part, xml)
    return path


def merged_hidden_sheet(folder: Path, quotes: tuple[str, str]) -> Path:
    """A coding sheet as researchers leave them: a quote merged over two rows (two
    codes on it), a hidden row, a hidden column, and a blank row in between."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "IP1"
    ws.append(["quote", "code", "emphasis", "subdivision", "other subdivisions", "notes"])
    ws.append([quotes[0], "Affordability", "", "Finance", "", ""])
    ws.append([None, "Rent", "", "Finance", "", "second code, merged quote cell"])
    ws.merge_cells("A2:A3")
    ws.append([])
    ws.append([quotes[1], "Hidden but real", "", "", "", ""])
    ws.row_dimensions[5].hidden = True
    ws.column_dimensions["C"].hidden = True
    path = folder / "merged_hidden.xlsx"
    book.save(path)
    return path


def formula_workbook(folder: Path) -> Path:
    """A sheet whose cells hold real formulas with no cached value (never opened in
    Excel): a quote cell reading the text of another cell."""
    return workbook(folder, "formulas.xlsx", [
        ["quote", "code", "emphasis", "subdivision", "other subdivisions", "notes"],
        ["=B3&\"x\"", "=1+1", "", "", "", "=HYPERLINK(\"http://evil\",\"click\")"],
    ])


def xlsx_zip_bomb(folder: Path) -> Path:
    good = workbook(folder, "base_bomb.xlsx", [["case", "group"], ["IP1", "NGO"]])
    return _rewrite_zip(good, folder / "bomb.xlsx", {}, {"xl/media/bomb.bin": zip_bomb_entry()})


def xlsx_with_dtd(folder: Path, doctype: str, cell: str, name: str) -> Path:
    """A workbook whose first sheet's XML declares `doctype` and uses `cell` as text."""
    good = workbook(folder, f"base_{name}", [["case", "group"], ["IP1", "NGO"]])
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + doctype
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>case</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>group</t></is></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>IP1</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>{cell}</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    return _rewrite_zip(good, folder / name, {"xl/worksheets/sheet1.xml": sheet})


def csv_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- REFI-QDA ---------------------------------------------------------------------------

QDA_NS = "urn:QDA-XML:project:1.0"
QDC_NS = "urn:QDA-XML:codebook:1.0"
CODE_GUID = "c0de0000-0000-4000-8000-000000000001"
SOURCE_GUID = "50000000-0000-4000-8000-000000000001"


def qdpx(folder: Path, name: str, qde: str | bytes, files: dict[str, bytes] | None = None
         ) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for entry, data in (files or {}).items():
            archive.writestr(entry, data)
    return path


def qdc(folder: Path, name: str, body: str, doctype: str = "") -> Path:
    path = folder / name
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?>{doctype}'
                    f'<CodeBook xmlns="{QDC_NS}"><Codes>{body}</Codes></CodeBook>',
                    encoding="utf-8")
    return path


def small_project_xml(text: str, spans: list[tuple[int, int]],
                      code_attrs: str = f'guid="{CODE_GUID}" name="Rent" isCodable="true"',
                      source_attrs: str = f'guid="{SOURCE_GUID}" name="IP1" '
                                          'plainTextPath="internal://ip1.txt"') -> str:
    """A small valid REFI-QDA project: one code, one source, one coded selection each span."""
    selections = "".join(
        f'<PlainTextSelection guid="5e100000-0000-4000-8000-{n:012d}" '
        f'startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="c0d10000-0000-4000-8000-{n:012d}">'
        f'<CodeRef targetGUID="{CODE_GUID}"/></Coding></PlainTextSelection>'
        for n, (start, end) in enumerate(spans)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{QDA_NS}" name="p">'
            f"<CodeBook><Codes><Code {code_attrs}/></Codes></CodeBook>"
            f"<Sources><TextSource {source_attrs}>{selections}</TextSource></Sources>"
            "</Project>")


# --- QualCoder --------------------------------------------------------------------------

# QualCoder's table layout (3.x/4.x), column by column, as its CREATE TABLE statements
# have it; a test changes a table's columns by giving that table another list.
QUALCODER_TABLES: dict[str, str] = {
    "project": "databaseversion text, date text, memo text, about text",
    "source": "id integer primary key, name text, fulltext text, mediapath text, memo text, "
              "owner text, date text, av_text_id integer",
    "code_cat": "catid integer primary key, name text, owner text, date text, memo text, "
                "supercatid integer",
    "code_name": "cid integer primary key, name text, memo text, catid integer, owner text, "
                 "date text, color text",
    "code_text": "ctid integer primary key, cid integer, fid integer, seltext text, "
                 "pos0 integer, pos1 integer, owner text, date text, memo text, "
                 "important integer",
    "cases": "caseid integer primary key, name text, memo text, owner text, date text",
    "case_text": "id integer primary key, caseid integer, fid integer, pos0 integer, "
                 "pos1 integer, owner text, date text",
    "attribute_type": "name text primary key, date text, owner text, memo text, "
                      "caseOrFile text, valuetype text",
    "attribute": "attrid integer primary key, name text, attr_type text, value text, "
                 "id integer, date text, owner text",
    "journal": "jid integer primary key, name text, jentry text, date text, owner text",
    "annotation": "anid integer primary key, fid integer, pos0 integer, pos1 integer, "
                  "memo text, owner text, date text",
}
QUALCODER_TEXT = "IP1: the rent was high. Then the cooperative helped."


def qualcoder(folder: Path, name: str, columns: dict[str, str] | None = None,
              rows: dict[str, list[tuple[object, ...]]] | None = None,
              leave_out: Sequence[str] = ()) -> Path:
    """A QualCoder project folder (NAME.qda/data.qda): one source, category, code, coding.

    `columns` replaces a table's column list, `rows` its rows (as the columns read),
    and the tables in `leave_out` are not created at all.
    """
    project = folder / name
    project.mkdir()
    rent = QUALCODER_TEXT.index("the rent was high")
    content: dict[str, list[tuple[object, ...]]] = {
        "source": [(1, "QC1.txt", QUALCODER_TEXT, None, "", "ana", "2024-05-02 12:00:00",
                    None)],
        "code_cat": [(1, "Finance", "ana", "2024-05-02 12:00:00", "", None)],
        "code_name": [(1, "Rent", "", 1, "ana", "2024-05-02 12:00:00", "#F5A9A9")],
        "code_text": [(1, 1, 1, "the rent was high", rent, rent + 17, "ana",
                       "2024-05-02 12:00:00", "", 0)],
        **(rows or {}),
    }
    db = sqlite3.connect(project / "data.qda")
    try:
        for table, spec in {**QUALCODER_TABLES, **(columns or {})}.items():
            if table in leave_out:
                continue
            db.execute(f"CREATE TABLE {table} ({spec})")
            for row in content.get(table, []):
                db.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})", row)
        db.commit()
    finally:
        db.close()
    return project


def lying_sizes(good: Path, entry: str, out: Path, padding: int = 2**30) -> Path:
    """A copy of the zip `good` whose `entry`, as stored, inflates to its real bytes
    followed by `padding` bytes of spaces, while both headers give the size and checksum
    of the real bytes alone: a reader that inflates an entry in one call (zipfile does)
    holds all of it at once, and then finds it whole."""
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != entry:
                new.writestr(info.filename, old.read(info))
        real = old.read(entry)
        with new.open(entry, "w") as stream:
            stream.write(real)
            block = b" " * 2**20
            for _ in range(padding // len(block)):
                stream.write(block)
    data = bytearray(out.read_bytes())
    with zipfile.ZipFile(out) as archive:
        local = archive.getinfo(entry).header_offset
    lie = struct.pack("<I", zlib.crc32(real)), struct.pack("<I", len(real))
    # Local header: CRC at 14, uncompressed size at 22; central header: at 16 and 24.
    data[local + 14:local + 18], data[local + 22:local + 26] = lie
    central = len(data)
    while True:
        central = data.rfind(b"PK\x01\x02", 0, central)
        if data[central + 46:central + 46 + len(entry)] == entry.encode():
            break
    data[central + 16:central + 20], data[central + 24:central + 28] = lie
    out.write_bytes(bytes(data))
    return out
