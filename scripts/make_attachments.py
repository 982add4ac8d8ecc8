#!/usr/bin/env python3
"""Build the attachment fixtures (DOCX, XLSX, PDF) from the embedded snapshot's HTML pages.

Usage:
    python3 scripts/make_attachments.py [--out DIR]

DIR defaults to fixtures/attachments/ in the repository. Standard library only (Python 3.11):
the Office Open XML parts and the PDF objects are written by hand, so every byte is
deliberate and the script needs nothing installed.

What it writes (the figures are those of the snapshot pages, fixtures/site/, so the tests can
compare the attachment's figures with the HTML page's):

- report_2021.docx: the bureau's 2021 report (national 2021 template), every paragraph and
  table of the page's content, in order. Table cells keep the page's merged cells as Word
  writes them: colspan as <w:gridSpan>, rowspan as a <w:vMerge w:val="restart"/> cell and
  <w:vMerge/> continuation cells below it; <br> in a cell is <w:br/>; some runs are split
  (a number's digits in two runs), some text sits in a hyperlink, and the title paragraph has
  the Title style. The tables are Word's "Table Grid" (every border drawn, the text width
  shared by the columns), as the national template's tables are.
- report_2021.pdf is NOT written here: it is report_2021.docx converted by LibreOffice
  (Debian bookworm: apt-get install libreoffice-writer-nogui fonts-noto-cjk; then
  libreoffice --headless --convert-to pdf fixtures/attachments/report_2021.docx
  --outdir fixtures/attachments), committed as made (LibreOffice 7.4.7.2), so the tests and
  CI need no LibreOffice. Its output is not byte-stable: make it again only when the DOCX
  changes, and check tests/attachments.rs still passes.
- indicators_2013.xlsx: the 2013 indicator table (指标名称 / 计量单位 / 本年累计) as one sheet,
  numbers as numeric cells, text in the shared-string table, the table's merged cells as
  <mergeCells>; the document title in docProps/core.xml.
- prose_2017.pdf: the 2017 prose report, lines wrapped at 28 characters (a number may wrap
  across two lines, as in a real PDF), paragraphs indented by position only; as Word writes
  it, the digits of a line are in a second font, each font run its own text object on the
  line's baseline. The font is a Type0 font (Identity-H) whose CIDs are the characters' order
  of first use, with a ToUnicode CMap: the structure of the subset CJK fonts of Chinese PDFs.
  The font program itself is not embedded (text extraction never reads it; a viewer shows
  substitute glyphs). Content streams are Flate-compressed.
- image_only_2015.pdf: one page showing only an image (a scan): no text.
- hostile/: truncated.docx (the DOCX cut in half), zip_bomb.docx (document.xml inflates to
  200 MB of spaces), zip_bomb.xlsx (the same as xl/workbook.xml), nested_tables.docx (10^5 tables nested in each other), huge_gridspan.docx
  (gridSpan 2^31 in 2,000 rows), broken_xref.pdf (the prose PDF with every xref offset
  wrong and no startxref).

Deterministic: fixed timestamps in the ZIP entries and no randomness.
"""

from __future__ import annotations

import argparse
import html
import html.parser
import os
import re
import zipfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = os.path.join(
    ROOT, "fixtures/site/pages/channel_l_sxzspjchannel201911221748522677536714"
)
REPORT_2021 = "doc_61e52360eccbc87e4b3a993c.html"
INDICATORS_2013 = "doc_5dddd1b25dd3a1c2e43ab0f3.html"
PROSE_2017 = "doc_5ddc86c75dd3a1c2e43aa42e.html"
ZIP_TIME = (2022, 1, 17, 16, 8, 0)


# --------------------------------------------------------------------------- HTML


def read_page(name: str) -> str:
    raw = open(os.path.join(PAGES, name), "rb").read()
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", raw[:2048])
    enc = m.group(1).decode().lower() if m else "utf-8"
    if enc in ("gb2312", "gbk"):
        enc = "gb18030"
    return raw.decode(enc).lstrip("\ufeff")


class Content(html.parser.HTMLParser):
    """The page's <h1> and the items of its content (div#zoom) in order:
    ("p", text) for each paragraph outside tables and ("table", rows), each row a list of
    (text, rowspan, colspan) with "\\n" where the cell had <br>."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "li"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.in_h1 = False
        self.depth = 0  # depth inside div#zoom (0 = outside)
        self.items: list = []
        self.buf = ""
        self.tables: list = []  # open tables: list of rows
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h1" and not self.depth:
            self.in_h1 = True
        if self.depth:
            if tag not in ("br", "img", "meta", "input", "hr", "col"):
                self.depth += 1
        elif tag == "div" and a.get("id") == "zoom":
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "table":
            self.flush()
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = ["", int(a.get("rowspan") or 1), int(a.get("colspan") or 1)]
        elif tag == "br":
            if self.cell is not None:
                self.cell[0] += "\n"
        elif tag in self.BLOCKS and self.cell is None:
            self.flush()

    def handle_endtag(self, tag):
        if tag == "h1":
            self.in_h1 = False
        if not self.depth:
            return
        self.depth -= 1
        if self.depth == 0:
            self.flush()
            return
        if tag in ("td", "th") and self.cell is not None and self.tables:
            self.tables[-1][-1].append(tuple(self.cell))
            self.cell = None
        elif tag == "table" and self.tables:
            t = self.tables.pop()
            self.items.append(("table", t))
        elif tag in self.BLOCKS and self.cell is None:
            self.flush()

    def handle_data(self, data):
        if self.in_h1:
            self.title += data
        if not self.depth:
            return
        if self.cell is not None:
            self.cell[0] += data
        elif not self.tables:
            self.buf += data

    def flush(self):
        t = norm(self.buf)
        if t:
            self.items.append(("p", t))
        self.buf = ""


def norm(s: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", " ", s).strip()


def cell_lines(s: str) -> list[str]:
    return [x for x in (norm(p) for p in s.split("\n")) if x]


def content(name: str) -> Content:
    c = Content()
    c.feed(read_page(name))
    c.close()
    c.title = norm(c.title)
    return c


def expand(rows):
    """The HTML table's rows placed on a grid: per row, a list of
    (col, text, rowspan, colspan, 'anchor'|'cont') in column order, 'cont' for the slots a
    rowspan from above covers (one per covering cell, at its first column)."""
    taken: dict = {}
    out = []
    for r, row in enumerate(rows):
        placed = []
        c = 0
        for text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            placed.append((c, text, rs, cs, "anchor"))
            for dr in range(rs):
                for dc in range(cs):
                    taken[(r + dr, c + dc)] = (r, c, cs)
            c += cs
        # continuation slots of rowspans from rows above
        for (tr, tc), (ar, ac, cs) in list(taken.items()):
            if tr == r and ar < r and tc == ac:
                placed.append((tc, "", 1, cs, "cont"))
        placed.sort(key=lambda x: x[0])
        out.append(placed)
    return out


# --------------------------------------------------------------------------- ZIP


def write_zip(path: str, parts: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


def x(s: str) -> str:
    return html.escape(s, quote=True)


CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator>xxgk fixtures</dc:creator></cp:coreProperties>"""

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_parts(body: str, title: str) -> list[tuple[str, bytes]]:
    doc = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    return [
        (
            "[Content_Types].xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            b'<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            b"</Types>",
        ),
        (
            "_rels/.rels",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            b"</Relationships>",
        ),
        ("word/document.xml", doc.encode()),
        ("docProps/core.xml", CORE.format(title=x(title)).encode()),
    ]


def runs(text: str, n: int) -> str:
    """Runs for a paragraph's text: split after the first digit of a number every few
    paragraphs (Word splits runs anywhere), a hyperlink around a URL-like word."""
    if n % 3 == 0:
        m = re.search(r"\d\d", text)
        if m:
            i = m.start() + 1
            return f"<w:r><w:t xml:space=\"preserve\">{x(text[:i])}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{x(text[i:])}</w:t></w:r>"
    if n % 5 == 1 and len(text) > 6:
        return f'<w:r><w:t xml:space="preserve">{x(text[:4])}</w:t></w:r><w:hyperlink r:id="rId9"><w:r><w:t xml:space="preserve">{x(text[4:6])}</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve">{x(text[6:])}</w:t></w:r>'
    return f'<w:r><w:t xml:space="preserve">{x(text)}</w:t></w:r>'


def docx_cell(text: str, rs_kind: str, cs: int, n: int) -> str:
    props = ""
    if cs > 1:
        props += f'<w:gridSpan w:val="{cs}"/>'
    if rs_kind == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif rs_kind == "cont":
        props += "<w:vMerge/>"
    lines = cell_lines(text)
    if lines:
        inner = "<w:br/>".join(f'<w:t xml:space="preserve">{x(s)}</w:t>' for s in lines)
        para = f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r>{inner}</w:r></w:p>'
    else:
        para = "<w:p/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{para}</w:tc>"


TABLE_GRID = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)


def make_docx(out: str) -> None:
    c = content(REPORT_2021)
    body = [
        f'<w:p><w:pPr><w:pStyle w:val="Title"/><w:jc w:val="center"/></w:pPr>{runs(c.title, 1)}</w:p>'
    ]
    n = 0
    for kind, item in c.items:
        n += 1
        if kind == "p":
            body.append(f"<w:p>{runs(item, n)}</w:p>")
            continue
        grid = expand(item)
        width = max(sum(p[3] for p in row) for row in grid)
        rows = []
        for row in grid:
            cells = []
            for col, text, rs, cs, what in row:
                kind_ = "cont" if what == "cont" else ("restart" if rs > 1 else "")
                cells.append(docx_cell(text, kind_, cs, n))
            rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
        # the text width (8,640 twips between Word's default margins) shared by the
        # columns, every border drawn: Word's "Table Grid", as the template's tables are
        grid_cols = "".join(f'<w:gridCol w:w="{8640 // width}"/>' for _ in range(width))
        body.append(
            f'<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/>{TABLE_GRID}</w:tblPr>'
            f"<w:tblGrid>{grid_cols}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )
    write_zip(out, docx_parts("".join(body), c.title))


# --------------------------------------------------------------------------- XLSX


def col_name(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def make_xlsx(out: str) -> None:
    c = content(INDICATORS_2013)
    tables = [t for k, t in c.items if k == "table"]
    grid = expand(tables[0])
    strings: list[str] = []
    index: dict = {}
    rows_xml = []
    merges = []
    for r, row in enumerate(grid):
        cells = []
        for col, text, rs, cs, what in row:
            if what == "cont":
                continue
            if rs > 1 or cs > 1:
                merges.append(f"{col_name(col)}{r + 1}:{col_name(col + cs - 1)}{r + rs}")
            t = " ".join(cell_lines(text))
            ref = f"{col_name(col)}{r + 1}"
            if not t:
                continue
            if re.fullmatch(r"-?\d+(\.\d+)?", t):
                cells.append(f'<c r="{ref}"><v>{t}</v></c>')
            else:
                if t not in index:
                    index[t] = len(strings)
                    strings.append(t)
                cells.append(f'<c r="{ref}" t="s"><v>{index[t]}</v></c>')
        rows_xml.append(f'<row r="{r + 1}">{"".join(cells)}</row>')
    merge_xml = (
        f'<mergeCells count="{len(merges)}">'
        + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
        + "</mergeCells>"
        if merges
        else ""
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{"".join(rows_xml)}</sheetData>{merge_xml}</worksheet>'
    )
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{x(s)}</t></si>' for s in strings)
        + "</sst>"
    )
    parts = [
        (
            "[Content_Types].xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            b'<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            b"</Types>",
        ),
        (
            "_rels/.rels",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            b"</Relationships>",
        ),
        (
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="2013年" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            b"</Relationships>",
        ),
        ("xl/worksheets/sheet1.xml", sheet.encode()),
        ("xl/sharedStrings.xml", sst.encode()),
        ("docProps/core.xml", CORE.format(title=x(c.title)).encode()),
    ]
    write_zip(out, parts)


# --------------------------------------------------------------------------- PDF


def pdf_file(objects: list[bytes], info_title: str | None, xref_ok: bool = True) -> bytes:
    """A PDF from its objects (object i+1 is objects[i]); object 1 is the catalog."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects):
        offsets.append(len(out))
        out += f"{i + 1} 0 obj\n".encode() + body + b"\nendobj\n"
    info_ref = ""
    if info_title is not None:
        offsets.append(len(out))
        t = "feff" + info_title.encode("utf-16-be").hex()
        out += f"{len(objects) + 1} 0 obj\n<< /Title <{t}> >>\nendobj\n".encode()
        info_ref = f" /Info {len(objects) + 1} 0 R"
    xref = len(out)
    n = len(offsets) + 1
    out += f"xref\n0 {n}\n0000000000 65535 f \n".encode()
    for o in offsets:
        out += f"{(o if xref_ok else o + 7):010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {n} /Root 1 0 R{info_ref} >>\n".encode()
    if xref_ok:
        out += f"startxref\n{xref}\n".encode()
    out += b"%%EOF\n"
    return bytes(out)


def stream(data: bytes, extra: str = "", compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += " /Filter /FlateDecode"
    return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"


def wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def make_prose_pdf(out: str, broken: str | None = None) -> bytes:
    c = content(PROSE_2017)
    paras = [t for k, t in c.items if k == "p"]
    width = 28
    lines: list[tuple[str, bool]] = [(c.title, False)]
    for p in paras:
        for i, line in enumerate(wrap(p, width)):
            lines.append((line, i == 0))
    # CIDs: characters in order of first use, from 1
    cids: dict = {}
    for line, _ in lines:
        for ch in line:
            cids.setdefault(ch, len(cids) + 1)
    per_page = 38
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    n_pages = len(pages)
    # objects: 1 catalog, 2 pages, 3 font, 4 descendant, 5 descriptor, 6 tounicode,
    # then per page: page, content
    objs: list[bytes] = []
    kids = " ".join(f"{7 + 2 * i} 0 R" for i in range(n_pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objs.append(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 6 0 R >>"
    )
    objs.append(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 5 0 R /DW 1000 /CIDToGIDMap /Identity >>"
    )
    objs.append(
        b"<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 6 "
        b"/FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 "
        b"/CapHeight 700 /StemV 80 >>"
    )
    items = sorted(cids.items(), key=lambda kv: kv[1])
    chunks = []
    for i in range(0, len(items), 100):
        part = items[i : i + 100]
        body = "".join(
            f"<{cid:04x}> <{ch.encode('utf-16-be').hex()}>\n" for ch, cid in part
        )
        chunks.append(f"{len(part)} beginbfchar\n{body}endbfchar\n")
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
        + "".join(chunks)
        + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    objs.append(stream(cmap.encode()))
    for pi, page in enumerate(pages):
        ops = []
        y = 800
        for line, first in page:
            x0 = 72 + (24 if first else 0)
            # as Word writes it: digits in another font, each font run its own text
            # object on the same baseline
            for run in re.findall(r"\d+|\D+", line):
                font = "F2" if run[0].isdigit() else "F1"
                hexs = "".join(f"{cids[ch]:04x}" for ch in run)
                ops.append(f"BT /{font} 12 Tf {x0} {y} Td <{hexs}> Tj ET")
                x0 += 12 * len(run)
            y -= 20
        ops.append(f"BT /F1 9 Tf 290 30 Td <{''.join(f'{cids.setdefault(ch, len(cids) + 1):04x}' for ch in str(pi + 1))}> Tj ET")
        content_stream = "\n".join(ops).encode()
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R /F2 3 0 R >> >> /Contents {8 + 2 * pi} 0 R >>".encode()
        )
        objs.append(stream(content_stream))
    # the page numbers' digits were added to the CIDs after the CMap was written: rewrite
    # the CMap with them (deterministic: same order every run)
    items = sorted(cids.items(), key=lambda kv: kv[1])
    chunks = []
    for i in range(0, len(items), 100):
        part = items[i : i + 100]
        body = "".join(
            f"<{cid:04x}> <{ch.encode('utf-16-be').hex()}>\n" for ch, cid in part
        )
        chunks.append(f"{len(part)} beginbfchar\n{body}endbfchar\n")
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
        + "".join(chunks)
        + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    objs[5] = stream(cmap.encode())
    data = pdf_file(objs, c.title, xref_ok=broken is None)
    open(out, "wb").write(data)
    return data


def make_image_pdf(out: str) -> None:
    # a 2x2 grey image, drawn over the page: a "scanned" report with no text layer
    img = bytes([0x80, 0x90, 0xA0, 0xB0])
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
        stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        stream(
            img,
            " /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
            "/BitsPerComponent 8",
        ),
    ]
    open(out, "wb").write(pdf_file(objs, None))


# --------------------------------------------------------------------------- hostile


def make_hostile(out: str, docx_path: str, pdf_path: str) -> None:
    os.makedirs(out, exist_ok=True)
    data = open(docx_path, "rb").read()
    open(os.path.join(out, "truncated.docx"), "wb").write(data[: len(data) // 2])

    # document.xml inflating to 200 MB (more than the 64 MB a part may)
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode()
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = co.compress(head)
    block = b" " * (1 << 20)
    for _ in range(200):
        body += co.compress(block)
    body += co.compress(b"</w:t></w:r></w:p></w:body></w:document>") + co.flush()
    write_raw_deflated_zip(
        os.path.join(out, "zip_bomb.docx"),
        "word/document.xml",
        body,
        len(head) + 200 * len(block) + 40,
    )

    # the same bomb as the workbook part of an XLSX (read through calamine)
    write_raw_deflated_zip(
        os.path.join(out, "zip_bomb.xlsx"),
        "xl/workbook.xml",
        body,
        len(head) + 200 * len(block) + 40,
    )

    n = 100_000
    nested = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p>" * n + "</w:tc></w:tr></w:tbl>" * n
    write_zip(os.path.join(out, "nested_tables.docx"), docx_parts(nested, "nested"))

    row = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2147483647"/></w:tcPr><w:p><w:r><w:t>9</w:t></w:r></w:p></w:tc></w:tr>'
    write_zip(
        os.path.join(out, "huge_gridspan.docx"),
        docx_parts(f"<w:tbl>{row * 2000}</w:tbl>", "gridspan"),
    )

    pdf = open(pdf_path, "rb").read()
    # every xref offset off by 7 bytes and no startxref: lopdf must rebuild or refuse
    broken = re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7), pdf)
    broken = re.sub(rb"startxref\n\d+\n", b"", broken)
    open(os.path.join(out, "broken_xref.pdf"), "wb").write(broken)


def write_raw_deflated_zip(path: str, name: str, deflated: bytes, size: int) -> None:
    """A one-entry ZIP from already deflated data (zipfile would deflate 200 MB itself)."""
    import struct

    crc = 0  # wrong on purpose is not needed: readers stop at the size limit first
    nameb = name.encode()
    size32 = size & 0xFFFFFFFF
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0x8000, 0x5431, crc, len(deflated), size32, len(nameb), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50, 20, 20, 0, 8, 0x8000, 0x5431, crc, len(deflated), size32,
        len(nameb), 0, 0, 0, 0, 0o644 << 16, 0,
    )
    offset_cd = len(local) + len(nameb) + len(deflated)
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(nameb), offset_cd, 0
    )
    with open(path, "wb") as f:
        f.write(local + nameb + deflated + central + nameb + end)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "fixtures/attachments"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    docx = os.path.join(a.out, "report_2021.docx")
    make_docx(docx)
    make_xlsx(os.path.join(a.out, "indicators_2013.xlsx"))
    pdf = os.path.join(a.out, "prose_2017.pdf")
    make_prose_pdf(pdf)
    make_image_pdf(os.path.join(a.out, "image_only_2015.pdf"))
    make_hostile(os.path.join(a.out, "hostile"), docx, pdf)


if __name__ == "__main__":
    main()
