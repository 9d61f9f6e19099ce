"""The emergency sheet is a real one-page PDF a person can print and type the key from."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from pact import i18n
from pact.i18n import _
from pact.reports.emergency_sheet import render_emergency_sheet
from pact.security import recovery

KEY = bytes(range(100, 132))
DB_PATH = Path("/home/coordinator/.local/share/pact/pact.db")
CREATED = datetime(2026, 3, 9, 14, 30)


@pytest.fixture
def pdf() -> bytes:
    return render_emergency_sheet(recovery.encode(KEY), DB_PATH, CREATED)


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _fonts(data: bytes) -> dict[str, bool]:
    """Every font used on the pages -> whether its program is embedded."""
    reader = PdfReader(io.BytesIO(data))
    found: dict[str, bool] = {}
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {}).get_object()
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found[str(font["/BaseFont"])] = embedded
    return found


def test_one_a4_page_with_metadata(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    meta = reader.metadata
    assert meta is not None
    assert meta.title == _("pact - emergency sheet")
    assert meta.author == "pact"


def test_the_key_can_be_read_back_from_the_page(pdf: bytes) -> None:
    text = _text(pdf)
    groups = re.findall(r"\b[0-9A-Z]{5}\b", text)
    assert groups == recovery.encode(KEY).split("-")  # in reading order
    # What a person types from the sheet gives back the same 32 bytes.
    assert recovery.decode(" ".join(groups).lower()) == KEY


def test_the_sheet_names_the_file_date_and_what_to_do(pdf: bytes) -> None:
    text = " ".join(_text(pdf).split())
    assert _("pact - emergency sheet") in text
    assert str(DB_PATH) in text.replace(" ", "") or str(DB_PATH) in text
    assert i18n.format_date(CREATED, "long") in text
    assert _("Recovery key") in text
    assert _("Who to contact") in text
    footer = _(
        "Confidential: this sheet holds the key to personal data. Keep it locked away "
        "and destroy it when it is replaced."
    )
    assert "".join(footer.split()) in "".join(text.split())


def test_a_long_path_wraps_and_stays_on_one_page() -> None:
    deep = Path("/srv/" + "a-folder-name-without-spaces-" * 12 + "/pact.db")
    data = render_emergency_sheet(recovery.encode(KEY), deep, CREATED)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    flat = "".join(_text(data).split())
    assert str(deep) in flat


def test_dutch_date_on_the_sheet() -> None:
    i18n.set_language("nl")
    data = render_emergency_sheet(recovery.encode(KEY), DB_PATH, CREATED)
    assert "9 maart 2026" in _text(data)


def test_all_fonts_are_embedded(pdf: bytes) -> None:
    fonts = _fonts(pdf)
    assert fonts, "no fonts found on the page"
    assert all(fonts.values()), f"fonts not embedded: {fonts}"
    assert any("DejaVuSansMono" in name for name in fonts), fonts


def test_pdftoppm_renders_the_page(pdf: bytes, tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing (Debian package poppler-utils)"
    src = tmp_path / "sheet.pdf"
    src.write_bytes(pdf)
    subprocess.run([pdftoppm, "-png", "-r", "40", str(src), str(tmp_path / "sheet")], check=True)
    pngs = sorted(tmp_path.glob("sheet*.png"))
    assert len(pngs) == 1
    with Image.open(pngs[0]) as img:
        assert img.format == "PNG"
        width, height = img.size
        assert abs(width / height - 210 / 297) < 0.01  # portrait A4
        dark = sum(img.convert("L").histogram()[:128])
    assert dark > 1000  # text was drawn, not a blank page
