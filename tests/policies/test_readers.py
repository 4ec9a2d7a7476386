"""Readers: every supported format, every encoding we promise, and broken or hostile files."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from policies.extraction import readers
from policies.extraction.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, ReadResult
from policies.extraction.readers import (
    ReadError,
    decode_bytes,
    detect_media_type,
    normalise_text,
    read_document,
)


def assert_blocks_valid(result: ReadResult) -> None:
    previous_end = 0
    for block in result.blocks:
        assert 0 <= block.start < block.end <= len(result.text)
        assert block.start >= previous_end
        body = result.text[block.start : block.end]
        assert body == body.strip() and body
        previous_end = block.end


def block_texts(result: ReadResult, kind: str) -> list[str]:
    return [result.text[b.start : b.end] for b in result.blocks if b.kind == kind]


def read_error(data: bytes, filename: str, **kwargs: object) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_document(data, filename, **kwargs)  # type: ignore[arg-type]
    assert filename.rsplit("/", 1)[-1] in str(caught.value)  # messages name the file
    return caught.value


# --------------------------------------------------------------------------------------------
# Plain text: encodings and normalisation
# --------------------------------------------------------------------------------------------

SMART = "Our “privacy” notice – it’s short. Café, naïve, Straße."


@pytest.mark.parametrize(
    "data",
    [
        SMART.encode("utf-8"),
        b"\xef\xbb\xbf" + SMART.encode("utf-8"),
        SMART.encode("utf-16"),  # with BOM
        b"\xfe\xff" + SMART.encode("utf-16-be"),
        SMART.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "cp1252"],
)
def test_plain_text_encodings(data: bytes) -> None:
    result = read_document(data, "policy.txt")
    assert result.text == SMART
    assert result.media_type == "text/plain"
    assert result.blocks == ()


def test_latin1_text() -> None:
    text = "Données personnelles: à déjà façade, señor, Größe ±5 °C."
    assert read_document(text.encode("latin-1"), "p.txt").text == text


def test_utf16_without_bom() -> None:
    assert decode_bytes("Privacy notice for everyone".encode("utf-16-le")) == (
        "Privacy notice for everyone"
    )


def test_cyrillic_single_byte_uses_detector() -> None:
    text = "Политика конфиденциальности. Мы собираем ваши персональные данные и храним их. " * 3
    assert decode_bytes(text.encode("cp1251")) == text


def test_normalisation_rules() -> None:
    raw = "Title\r\nLine\twith tab  \r\rA\x00B\x07C\u00a0D\ufeff\n\n\n\n\nE\u0301nd   \n\n"
    assert normalise_text(raw) == "Title\nLine\twith tab\n\nABC D\n\nÉnd"
    assert normalise_text(normalise_text(raw)) == normalise_text(raw)


def test_plain_title_detection() -> None:
    text = "A very long opening line that rambles on and on. " * 4 + "\nACME Privacy Notice\nBody."
    assert read_document(text.encode(), "p.txt").title == "ACME Privacy Notice"
    assert read_document(b"Welcome\nWe collect data.", "p.txt").title == "Welcome"
    assert read_document(b"We collect data. We keep it.\nMore.", "p.txt").title == ""


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------


def test_markdown() -> None:
    md = (
        "# Privacy Policy\n\nWe **collect** your *name* and `email`, see [our site](https://x.example)."
        "\nThis continues.\n\n## Cookies\n\n- one\n- two\n  wrapped\n1. first\n\n"
        "| Cookie | Purpose |\n|---|---|\n| sid | login |\n\nSetext Heading\n---\n\nEnd."
    )
    result = read_document(md.encode(), "policy.md")
    assert result.media_type == "text/markdown"
    assert result.title == "Privacy Policy"
    assert "**" not in result.text and "`" not in result.text and "](" not in result.text
    assert "see our site (https://x.example)." in result.text
    assert [(b.kind, b.level) for b in result.blocks if b.kind == HEADING] == [
        (HEADING, 1),
        (HEADING, 2),
        (HEADING, 2),
    ]
    assert block_texts(result, HEADING) == ["Privacy Policy", "Cookies", "Setext Heading"]
    assert block_texts(result, LIST_ITEM) == ["- one", "- two\nwrapped", "1. first"]
    assert block_texts(result, TABLE_ROW) == ["Cookie | Purpose", "sid | login"]
    assert block_texts(result, PARAGRAPH)[0].endswith("This continues.")
    assert_blocks_valid(result)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

PAGE = b"""<!DOCTYPE html>
<html><head><title>ACME  Privacy</title><style>p { color: red }</style>
<script>var secret = "SCRIPT-TEXT";</script></head>
<body>
<nav>NAV-TEXT</nav><header>HEADER-TEXT</header>
<div id="cookie-banner" role="dialog"><h2>COOKIE-BANNER</h2><p>We use cookies.</p></div>
<div role="navigation">ROLE-NAV</div>
<h1>Privacy   Policy</h1>
<p>We <b>collect</b> data<br>on two lines.</p>
<div hidden>HIDDEN-ATTR</div><p style="color:red; display : none">HIDDEN-STYLE</p>
<span aria-hidden="true">ARIA-HIDDEN</span>
<form><button>BUTTON-TEXT</button><select><option>OPTION-TEXT</option></select></form>
<noscript>NOSCRIPT-TEXT</noscript><template>TEMPLATE-TEXT</template><svg><text>SVG-TEXT</text></svg>
<iframe>IFRAME-TEXT</iframe>
<h2>Sharing</h2>
<ul><li>Partners</li><li>Processors <ul><li>Nested</li></ul></li></ul>
<table><tr><th>Name</th><th>Purpose</th></tr><tr><td>sid</td><td>login</td></tr></table>
<div>Tail text<!-- COMMENT-TEXT --></div>
<footer>FOOTER-TEXT</footer>
</body></html>"""


def test_html_visible_text_and_structure() -> None:
    result = read_document(PAGE, "policy.html")
    assert result.media_type == "text/html"
    assert result.title == "ACME Privacy"
    for hidden in (
        "SCRIPT",
        "NAV",
        "HEADER",
        "COOKIE-BANNER",
        "HIDDEN",
        "ARIA",
        "BUTTON",
        "OPTION",
        "NOSCRIPT",
        "TEMPLATE",
        "SVG",
        "IFRAME",
        "COMMENT",
        "FOOTER",
        "color",
    ):
        assert hidden not in result.text
    assert block_texts(result, HEADING) == ["Privacy Policy", "Sharing"]
    assert [b.level for b in result.blocks if b.kind == HEADING] == [1, 2]
    assert "We collect data\non two lines." in block_texts(result, PARAGRAPH)
    assert block_texts(result, LIST_ITEM) == ["Partners", "Processors", "Nested"]
    assert block_texts(result, TABLE_ROW) == ["Name | Purpose", "sid | login"]
    assert result.text.endswith("Tail text")
    assert "\n\n" in result.text and "\n\n\n" not in result.text
    assert_blocks_valid(result)


def test_html_title_falls_back_to_h1() -> None:
    result = read_document(b"<html><body><h1>Our Notice</h1><p>x y</p></body></html>", "a.htm")
    assert result.title == "Our Notice"


def test_html_deep_nesting_is_refused() -> None:
    deep = b"<html><body>" + b"<div>" * 5000 + b"x" + b"</div>" * 5000 + b"</body></html>"
    assert read_error(deep, "deep.html").code == "too_deep"


def test_html_moderate_nesting_is_fine() -> None:
    nested = b"<html><body>" + b"<div>" * 100 + b"deep text" + b"</div>" * 100 + b"</body></html>"
    assert read_document(nested, "ok.html").text == "deep text"


def test_html_hostile_tricks() -> None:
    page = (
        b'<!DOCTYPE html [<!ENTITY boom "EXPANDED">]><html><body>'
        b'<p title="' + b"A" * 200_000 + b'">&boom; &lt;script&gt;alert(1)&lt;/script&gt;</p>'
        b"<p>&#x3C;b&#x3E; &amp;amp;</p><scr<script>x</script>ipt>"
        b"<script>document.write('INJECTED')</script><SCRIPT>UPPER-SCRIPT</SCRIPT>"
        b"</body></html>"
    )
    result = read_document(page, "evil.html")
    assert "EXPANDED" not in result.text
    assert "INJECTED" not in result.text and "UPPER-SCRIPT" not in result.text
    assert "AAAA" not in result.text
    # Escaped markup is shown as literal text, never interpreted.
    assert "<script>alert(1)</script>" in result.text
    assert "<b> &amp;" in result.text


def test_html_meta_charset() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>“Quoted” café</p>'
    assert read_document(page.encode("cp1252"), "a.html").text == "“Quoted” café"


def test_html_sniffed_without_extension() -> None:
    assert detect_media_type(b"  <!doctype html><html></html>", "upload") == "text/html"


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF with one Helvetica text line per entry (empty string: no text)."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for i, line in enumerate(pages):
        content = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode() if line else b""
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {4 + 2 * i} 0 R >>".encode()
        )
        objects.append(
            f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream"
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def test_pdf_text_pages() -> None:
    data = make_pdf(["Privacy Notice", "We collect your e-mail address.", "", "3"])
    result = read_document(data, "notice.pdf")
    assert result.media_type == "application/pdf"
    assert result.text == "Privacy Notice\n\nWe collect your e-mail address."
    assert result.title == "Privacy Notice"
    assert any("no text layer" in w for w in result.warnings)


def test_pdf_sentence_running_across_a_page_break_is_not_split() -> None:
    result = read_document(make_pdf(["We do not use", "your data for ads."]), "run.pdf")
    assert result.text == "We do not use\nyour data for ads."


def test_pdf_detected_by_magic_despite_extension() -> None:
    assert detect_media_type(make_pdf(["x"]), "notice.txt") == "application/pdf"


def test_pdf_without_text_layer() -> None:
    error = read_error(make_pdf(["", ""]), "scan.pdf")
    assert error.code == "no_text" and "scanned" in str(error)


def test_pdf_corrupt_and_truncated() -> None:
    assert read_error(b"%PDF-1.4\ngarbage garbage\n", "broken.pdf").code == "corrupt_pdf"
    truncated = make_pdf(["Hello there"])[:60]
    assert read_error(truncated, "cut.pdf").code in ("corrupt_pdf", "no_text")


def test_pdf_encrypted() -> None:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(make_pdf(["Secret policy text"])))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt(user_password="hunter2", owner_password="owner", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    error = read_error(locked.getvalue(), "report.pdf")
    assert error.code == "encrypted_pdf" and "password" in str(error)

    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    open_copy = io.BytesIO()
    writer.write(open_copy)
    assert read_document(open_copy.getvalue(), "open.pdf").text == "Secret policy text"


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "ACME Privacy Notice"
    document.add_heading("Privacy Notice", level=1)
    document.add_paragraph("We collect the following data:")
    document.add_paragraph("your name", style="List Bullet")
    document.add_paragraph("your address", style="List Number")
    document.add_heading("Cookies", level=2)
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate([("Cookie", "Purpose"), ("sid", "login")]):
        for col, value in enumerate(cells):
            table.cell(row, col).text = value
    document.add_paragraph("Closing paragraph.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_structure() -> None:
    data = make_docx()
    assert detect_media_type(data, "x.bin") == readers.APPLICATION_DOCX
    result = read_document(data, "notice.docx")
    assert result.title == "ACME Privacy Notice"
    assert block_texts(result, HEADING) == ["Privacy Notice", "Cookies"]
    assert [b.level for b in result.blocks if b.kind == HEADING] == [1, 2]
    assert block_texts(result, LIST_ITEM) == ["your name", "your address"]
    assert block_texts(result, TABLE_ROW) == ["Cookie | Purpose", "sid | login"]
    assert block_texts(result, PARAGRAPH) == [
        "We collect the following data:",
        "Closing paragraph.",
    ]
    assert result.text.index("Cookie | Purpose") < result.text.index("Closing paragraph.")
    assert_blocks_valid(result)


def test_docx_zip_bomb_is_refused_before_opening() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    error = read_error(data, "bomb.docx")
    assert error.code == "zip_bomb"


def test_docx_too_many_members() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
        for i in range(readers.MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"word/media/{i}.bin", "")
    assert read_error(out.getvalue(), "many.docx").code == "zip_bomb"


def test_docx_corrupt() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<not-a-docx")
    assert read_error(out.getvalue(), "broken.docx").code == "corrupt_docx"
    assert read_error(b"PK\x03\x04 truncated", "cut.docx").code == "corrupt_docx"


# --------------------------------------------------------------------------------------------
# Limits and refusals
# --------------------------------------------------------------------------------------------


def test_too_large_names_the_limit() -> None:
    error = read_error(b"x" * (2 * 1024 * 1024 + 1), "big.txt", max_bytes=2 * 1024 * 1024)
    assert error.code == "too_large" and "2 MB" in str(error)


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n ", b"\xef\xbb\xbf", b"<html><body></body>"])
def test_empty_files(data: bytes) -> None:
    name = "empty.html" if data.startswith(b"<") else "empty.txt"
    assert read_error(data, name).code == "empty"


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".doc"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_unsupported_binaries(data: bytes, label: str) -> None:
    error = read_error(data, "upload.txt" if label == "PNG" else "upload.bin")
    assert error.code == "unsupported_type"
    assert label in str(error) and ".docx" in str(error)


def test_plain_zip_is_unsupported() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "hello")
    assert read_error(out.getvalue(), "archive.zip").code == "unsupported_type"


def test_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_reader(data: bytes, name: str, max_bytes: int, deadline: float) -> ReadResult:
        time.sleep(0.5)
        return ReadResult(text="late", media_type="text/plain")

    monkeypatch.setitem(readers._READERS, "text/plain", slow_reader)
    started = time.monotonic()
    error = read_error(b"hello", "slow.txt", timeout_seconds=0.05)
    assert error.code == "timeout"
    assert time.monotonic() - started < 0.4


def test_nul_bytes_and_controls_removed() -> None:
    result = read_document(b"Pri\x00vacy\x01 notice\x1b text.\n", "p.txt")
    assert result.text == "Privacy notice text."
