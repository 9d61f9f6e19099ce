"""The case file's "Access export (AVG)…": a coordinator chooses a folder (the folder
dialog answered by the test) and gets the PDF and the JSON there, for real; the message
bar names both files; an existing file is refused with a message; a worker has no such
button."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from pact.i18n import _
from pact.models import AuditEntry
from pact.services import cases, subject_access
from pact.services.access import KeyMode
from pact.services.cases import ChildData
from pact.ui.context import AppContext
from pact.ui.ops import wait_idle

from .case_fixtures import *  # noqa: F403
from .case_fixtures import BuildCasesView, CaseWorld, open_case


def _button(view: QWidget) -> QPushButton:
    button = view.findChild(QPushButton, "accessExportButton")
    assert button is not None
    return button


def _message(view: QWidget) -> str:
    label = view.findChild(QWidget, "caseFileMessageText")
    assert label is not None
    return label.text()  # type: ignore[attr-defined]


@pytest.fixture
def chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder the person picks in the folder dialog."""
    folder = tmp_path / "inzage"
    folder.mkdir()
    monkeypatch.setattr(
        "pact.ui.views.case_file.QFileDialog.getExistingDirectory",
        lambda *args, **kw: str(folder),
    )
    return folder


def test_a_coordinator_exports_both_files_from_the_case_file(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView, chosen: Path
) -> None:
    coordinator = case_world.admin  # administrator and coordinator
    header = case_world.make_case("Fam. T.", family_name="Tukker", actor=coordinator)
    cases.save_child(
        case_world.db.uow(), coordinator, header.id, ChildData(name="Wesley", birth_year=2016)
    )
    view = cases_view(AppContext(case_world.db, KeyMode.KEYRING, coordinator))
    open_case(qtbot, view, header.id)
    button = _button(view.case_file)
    assert button.isVisible() and button.isEnabled()
    assert button.accessibleName() or button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle()
    stem = subject_access.file_stem(header.code, subject_access.clock.today())
    pdf, data = chosen / f"{stem}.pdf", chosen / f"{stem}.json"
    qtbot.waitUntil(lambda: str(pdf) in _message(view.case_file), timeout=20_000)
    assert _message(view.case_file) == _("Access export saved: {pdf} and {json}.").format(
        pdf=str(pdf), json=str(data)
    )
    assert button.isEnabled()
    assert pdf.read_bytes().startswith(b"%PDF-")
    exported = json.loads(data.read_bytes())
    assert exported["family"]["family_name"] == "Tukker"
    assert [c["name"] for c in exported["children"]] == ["Wesley"]
    with case_world.db.sessions() as s:
        entries = s.scalars(
            select(AuditEntry).where(
                AuditEntry.event == "export", AuditEntry.case_code == header.code
            )
        ).all()
    assert [e.outcome for e in entries] == ["success"]

    # the same day again: the files are there, nothing is overwritten
    before = pdf.read_bytes()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle()
    refused = _("{path} exists already; pact never overwrites a file.").format(path=pdf)
    qtbot.waitUntil(lambda: refused in _message(view.case_file), timeout=20_000)
    assert _message(view.case_file) == _("The access export failed: {reason}").format(
        reason=refused
    )
    assert pdf.read_bytes() == before
    assert sorted(p.name for p in chosen.iterdir()) == [data.name, pdf.name]


def test_a_worker_has_no_access_export_button(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    header = case_world.make_case("Fam. W.")  # the worker's own case
    view = cases_view()
    open_case(qtbot, view, header.id)
    assert not _button(view.case_file).isVisible()
