"""The retention area and the erasure of a case on request, as a coordinator sees
them: the cases past their term (and the empty state that explains what will appear),
the confirmation before anonymising (what goes, what stays, the backups), the case
file of an anonymised or erased case, and the erase dialog with its Meldcode
warning and messages next to the fields. (The access export's own screen test is
tests/ui/test_access_export.py, by the access export's author.)"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from pact.i18n import _, format_date, ngettext
from pact.services import cases, consent, retention
from pact.services.access import KeyMode
from pact.services.cases import ChildData
from pact.ui.context import AppContext
from pact.ui.dialogs.erase_case import EraseCaseDialog
from pact.ui.main_window import MainWindow
from pact.ui.ops import wait_idle
from pact.ui.views.case_file import NO_NAME, anonymised_text
from pact.ui.views.retention import RetentionView, removed_and_kept

from .case_fixtures import *  # noqa: F403
from .case_fixtures import BuildCasesView, CaseWorld, closed, open_case, wait_dialog, wait_file
from .test_case_file import mnemonics, unnamed

TODAY = date.today()
WAIT = 10_000


def closed_case(world: CaseWorld, alias: str, years_ago: int, child: str = "Wesley") -> int:
    """A case of the coordinator's own, closed ``years_ago`` years ago."""
    on = retention.add_years(TODAY, -years_ago)
    header = world.make_case(alias, actor=world.admin, registered_on=on - timedelta(days=60))
    cases.save_child(
        world.db.uow(), world.admin, header.id, ChildData(child, max(on.year - 8, TODAY.year - 23))
    )
    cases.close_case(world.db.uow(), world.admin, header.id, on, "Het gaat goed met het gezin.")
    return header.id


def code_of(world: CaseWorld, case_id: int) -> str:
    return cases.get_case(world.db.uow(), world.admin, case_id, opening=False).header.code


@pytest.fixture
def coordinator_ctx(case_world: CaseWorld, qapp: object):
    context = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)
    yield context
    wait_idle()


@pytest.fixture
def retention_view(coordinator_ctx: AppContext, qtbot: QtBot, tmp_path: object):
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path) + "/qsettings"
    )

    def build() -> RetentionView:
        view = RetentionView(coordinator_ctx)
        qtbot.addWidget(view)
        view.resize(1100, 700)
        view.show()
        qtbot.waitUntil(lambda: view.model.has_loaded and not view.model.busy, timeout=WAIT)
        return view

    return build


def wait_list(qtbot: QtBot, view: RetentionView) -> None:
    wait_idle()
    qtbot.waitUntil(lambda: view.model.has_loaded and not view.model.busy, timeout=WAIT)


def test_only_coordinators_have_the_retention_area(
    qtbot: QtBot, case_world: CaseWorld, tmp_path: object
) -> None:
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path) + "/qsettings"
    )
    for who, has in ((case_world.worker, False), (case_world.admin, True)):
        window = MainWindow(AppContext(case_world.db, KeyMode.KEYRING, who))
        qtbot.addWidget(window)
        window.show()
        assert (_("Retention") in window.area_titles()) is has
        assert (window.retention is not None) is has
        assert (window.findChild(RetentionView) is not None) is has
        window._discard_changes = True
        window.close()


def test_the_empty_state_says_what_will_appear_and_the_term(
    qtbot: QtBot, case_world: CaseWorld, retention_view
) -> None:
    closed_case(case_world, "Fam. R.", 3)  # closed, but well within its term
    view = retention_view()
    assert view.list_stack.currentWidget() is view.no_cases
    text = view.no_cases.texts()
    assert text.startswith(_("No case has passed its retention term"))
    assert retention.term_text(20) in text
    assert retention.term_text(20) in view.intro.text()
    assert not view.anonymise_button.isEnabled()
    assert view.count_label.text() == ngettext(
        "{n} case past its retention term", "{n} cases past their retention term", 0
    ).format(n=0)
    # another term is shown as soon as it is set
    retention.set_years(case_world.db.uow(), case_world.admin, 2)
    view.ctx.changed.emit("retention")  # what the settings dialog says
    wait_list(qtbot, view)
    assert retention.term_text(2) in view.intro.text()
    assert view.list_stack.currentWidget() is view.table
    assert len(view.visible_rows()) == 1


def test_due_cases_are_listed_and_anonymised_after_a_confirmation(
    qtbot: QtBot, case_world: CaseWorld, retention_view
) -> None:
    first = closed_case(case_world, "Fam. T.", 22)
    second = closed_case(case_world, "Fam. B.", 21, child="Jochem")
    kept = closed_case(case_world, "Fam. K.", 19)
    view = retention_view()
    assert view.list_stack.currentWidget() is view.table
    shown = []
    for case_id, years in ((first, 22), (second, 21)):
        closed_on = retention.add_years(TODAY, -years)
        end = retention.retention_end(closed_on, 20)
        shown.append(
            (code_of(case_world, case_id), "1", "Hengelo", format_date(closed_on), format_date(end))
        )
    assert view.visible_rows() == shown
    assert code_of(case_world, kept) not in {r[0] for r in view.visible_rows()}
    assert view.count_label.text() == ngettext(
        "{n} case past its retention term", "{n} cases past their retention term", 2
    ).format(n=2)

    # choose the first row: the button says how many
    rect = view.table.visualRect(view.model.index(0, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.anonymise_button.isEnabled()
    assert view.anonymise_button.text() == ngettext(
        "&Anonymise {n} case…", "&Anonymise {n} cases…", 1
    ).format(n=1)

    # Cancel changes nothing
    qtbot.mouseClick(view.anonymise_button, Qt.MouseButton.LeftButton)
    box = view.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    qtbot.mouseClick(box.findChild(QWidget, "cancelButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(box), timeout=WAIT)
    wait_idle()
    assert retention.count_due(case_world.db.uow(), case_world.admin) == 2

    # the confirmation says what goes, what stays, and about the backups
    qtbot.mouseClick(view.anonymise_button, Qt.MouseButton.LeftButton)
    box = view.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    code = code_of(case_world, first)
    assert box.text() == ngettext(
        "Anonymise {n} case ({codes})?", "Anonymise {n} cases ({codes})?", 1
    ).format(n=1, codes=code)
    assert box.informativeText() == removed_and_kept(code)
    assert _("Case {code}: discussed.").format(code=code) in box.informativeText()
    backups = _(
        "This cannot be undone. Backups made before today still hold the old "
        "data until they are replaced by newer ones."
    )
    assert backups in box.informativeText()
    assert box.defaultButton() is box.findChild(QWidget, "cancelButton")
    qtbot.mouseClick(box.findChild(QWidget, "confirmButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(view.message.message()), timeout=WAIT)
    wait_list(qtbot, view)
    assert view.message.message() == ngettext(
        "{n} case anonymised: {codes}.", "{n} cases anonymised: {codes}.", 1
    ).format(n=1, codes=code)
    assert [r[0] for r in view.visible_rows()] == [code_of(case_world, second)]
    header = cases.get_case(case_world.db.uow(), case_world.admin, first, opening=False).header
    assert header.alias == code and header.anonymised_kind == "retention"

    # select all, and the last one goes too: the empty state
    qtbot.mouseClick(view.select_all_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.anonymise_button, Qt.MouseButton.LeftButton)
    box = view.confirm_box
    assert box is not None
    qtbot.mouseClick(box.findChild(QWidget, "confirmButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.list_stack.currentWidget() is view.no_cases, timeout=WAIT)


def test_the_case_file_of_an_anonymised_case_says_so_and_is_read_only(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView, coordinator_ctx: AppContext
) -> None:
    case_id = closed_case(case_world, "Fam. T.", 22)
    retention.anonymise(case_world.db.uow(), case_world.admin, [case_id])
    view = cases_view(coordinator_ctx)
    open_case(qtbot, view, case_id)
    file = view.case_file
    header = cases.get_case(case_world.db.uow(), case_world.admin, case_id, opening=False).header
    assert file.closed_bar.isVisible()
    assert file.closed_bar.message() == anonymised_text(header)
    assert file.closed_bar.message().startswith(
        _(
            "Anonymised on {date}, after its retention term: the names, free texts and "
            "contact details of this case were removed."
        ).format(date=format_date(TODAY))
    )
    assert file.alias_label.text() == _("(anonymised)")
    assert not file.reopen_button.isVisible()
    assert not file.closed_bar.action.isVisible()  # no "Reopen case…"
    assert file.erase_button.isVisible() and not file.erase_button.isEnabled()
    assert file.family_tab.children_table.text(0, 0) == NO_NAME


def test_erasing_a_meldcode_case_asks_for_a_justification(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView, coordinator_ctx: AppContext
) -> None:
    header = case_world.make_case(
        "Fam. R.", level=4, actor=case_world.admin, registered_on=TODAY - timedelta(days=200)
    )
    cases.save_child(case_world.db.uow(), case_world.admin, header.id, ChildData("Mirthe", 2018))
    consent.record_meldcode(
        case_world.db.uow(),
        case_world.admin,
        header.id,
        consent.MeldcodeInput(
            TODAY,
            "Zorgen over de veiligheid; Veilig Thuis geraadpleegd",
            (case_world.orgs["social"],),
        ),
    )
    view = cases_view(coordinator_ctx)
    open_case(qtbot, view, header.id)
    file = view.case_file
    assert file.erase_button.isVisible() and file.erase_button.isEnabled()
    qtbot.mouseClick(file.erase_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, view, "eraseCaseDialog")
    assert isinstance(dialog, EraseCaseDialog)
    notice = dialog.findChild(QLabel, "meldcodeKeepNotice")
    assert notice is not None and notice.isVisible()
    assert _("Information about this case was shared under the Meldcode.") in notice.text()
    assert dialog.findChild(QLabel, "eraseOpenNotice").isVisible()  # still open: closes today
    justification = dialog.findChild(QPlainTextEdit, "eraseJustificationEdit")
    assert justification is not None and justification.isVisible()
    assert dialog.findChild(QLabel, "eraseFinalNotice").text() == _(
        "This cannot be undone. Backups made before today still hold the old data "
        "until they are replaced by newer ones."
    )
    assert unnamed(dialog) == [], unnamed(dialog)
    keys = mnemonics(dialog)
    assert len(keys) == len(set(keys)), keys

    # nothing typed: the messages next to the fields, nothing erased
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    qtbot.waitUntil(lambda: bool(dialog.error_of("reason")), timeout=WAIT)
    assert dialog.error_of("reason") == _(
        "Say whose request it is and how it came in (at least {n} characters)."
    ).format(n=10)
    assert dialog.error_of("justification") == _(
        "Write down why the case is erased anyway (at least {n} characters)."
    ).format(n=20)
    assert dialog.isVisible()
    assert not cases.get_case(
        case_world.db.uow(), case_world.admin, header.id, opening=False
    ).header.anonymised

    qtbot.keyClicks(dialog.reason_edit, "Beide ouders vroegen het per brief")
    qtbot.keyClicks(justification, "Veilig Thuis houdt het dossier zelf bij")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    qtbot.waitUntil(lambda: closed(dialog), timeout=WAIT)
    wait_file(qtbot, view)
    qtbot.waitUntil(lambda: file.alias_label.text() == _("(anonymised)"), timeout=WAIT)
    code = header.code
    assert file.message.message() == " ".join(
        (
            _("The personal data of case {code} were erased.").format(code=code),
            _("The case was still open: it is closed now."),
        )
    )
    assert file.closed_bar.message().startswith(
        _(
            "Erased on request on {date} (the request was made on {requested}): the names, "
            "free texts and contact details of this case were removed."
        ).format(date=format_date(TODAY), requested=format_date(TODAY))
    )
    assert file.family_tab.children_table.text(0, 0) == NO_NAME


def test_a_late_request_is_erased_with_a_warning(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView, coordinator_ctx: AppContext
) -> None:
    case_id = closed_case(case_world, "Fam. L.", 1)
    view = cases_view(coordinator_ctx)
    open_case(qtbot, view, case_id)
    file = view.case_file
    qtbot.mouseClick(file.erase_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, view, "eraseCaseDialog")
    assert isinstance(dialog, EraseCaseDialog)
    # a plain, closed case: no Meldcode warning, no justification, no closing
    assert not dialog.keep_notice.isVisible() and not dialog.open_notice.isVisible()
    assert not dialog.justification_edit.isVisible()
    late = dialog.findChild(QLabel, "eraseLateNotice")
    assert late is not None and not late.isVisible()
    requested = TODAY - timedelta(days=130)
    dialog.date_edit.setDate(requested)
    assert late.isVisible() and late.text() == _(
        "More than {n} months ago: the legal term has passed. The case is erased all "
        "the same; tell the family why it took longer."
    ).format(n=3)
    qtbot.keyClicks(dialog.reason_edit, "Moeder vroeg het per e-mail")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    qtbot.waitUntil(lambda: closed(dialog), timeout=WAIT)
    wait_file(qtbot, view)
    qtbot.waitUntil(lambda: file.message.kind == "warning", timeout=WAIT)
    assert retention.late_warning(requested) in file.message.message()


def test_workers_see_neither_avg_action_and_every_control_is_named(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView, coordinator_ctx: AppContext
) -> None:
    case_id = closed_case(case_world, "Fam. W.", 1)
    mine = case_world.make_case("Fam. M.")  # the worker's own
    worker_view = cases_view()
    open_case(qtbot, worker_view, mine.id)
    assert not worker_view.case_file.access_button.isVisible()
    assert not worker_view.case_file.erase_button.isVisible()

    view = cases_view(coordinator_ctx)
    open_case(qtbot, view, case_id)
    file = view.case_file
    assert file.access_button.isVisible() and file.access_button.isEnabled()
    assert file.access_button.text() == _("&Access export (AVG)…")
    assert file.erase_button.text() == _("Erase on re&quest (AVG)…")
    assert unnamed(file) == [], unnamed(file)
    keys = mnemonics(file)
    assert len(keys) == len(set(keys)), keys
