"""The case list: filtered and sorted in SQL, paged on scrolling, the Meldcode
marker, the empty states, and what it remembers."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from pact.i18n import _, ngettext
from pact.services import cases, clock, consent
from pact.services.access import KeyMode
from pact.ui.context import AppContext
from pact.ui.itemmodels.cases import ID_ROLE, MELDCODE_ROLE
from pact.ui.ops import wait_idle
from pact.ui.widgets.case_badges import MELDCODE_TEXT, MELDCODE_TIP

from .case_fixtures import *  # noqa: F403
from .case_fixtures import (
    BuildCasesView,
    CaseWorld,
    shown_codes,
    wait_dialog,
    wait_loaded,
)


def click_header(qtbot: QtBot, view: object, column: int) -> None:
    header = view.table.horizontalHeader()  # type: ignore[attr-defined]
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def set_combo(qtbot: QtBot, combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)


def test_the_list_shows_code_alias_and_count(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    a = case_world.make_case("Fam. T.")
    b = case_world.make_case("J&M", municipality="Almelo", level=3)
    view = cases_view()
    assert shown_codes(view) == [a.code, b.code]
    model = view.table.model()
    assert [model.index(r, 1).data() for r in range(2)] == ["Fam. T.", "J&M"]
    assert model.index(1, 2).data() == "Almelo"
    assert view.list_stack.currentWidget() is view.table
    assert view.count_label.text() == ngettext("{n} case", "{n} cases", 2).format(n=2)
    # consent is shown as words, never as a code
    assert model.index(0, 5).data() == _("None recorded")


def test_filters_run_in_sql(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    hengelo = case_world.make_case("Fam. H.", level=2)
    almelo = case_world.make_case("Fam. A.", municipality="Almelo", level=3)
    closed = case_world.make_case("Fam. C.")
    cases.close_case(
        case_world.db.uow(), case_world.worker, closed.id, clock.today(), "Goes well again"
    )
    view = cases_view()
    assert shown_codes(view) == [hengelo.code, almelo.code]  # open cases by default

    set_combo(qtbot, view.status_filter, "closed")
    wait_loaded(qtbot, view)
    assert shown_codes(view) == [closed.code]
    set_combo(qtbot, view.status_filter, "")
    wait_loaded(qtbot, view)
    assert shown_codes(view) == [hengelo.code, almelo.code, closed.code]

    qtbot.waitUntil(lambda: view.municipality_filter.count() > 1)
    set_combo(qtbot, view.municipality_filter, case_world.municipalities["Almelo"])
    wait_loaded(qtbot, view)
    assert shown_codes(view) == [almelo.code]
    assert view.count_label.text() == ngettext("{n} case", "{n} cases", 1).format(n=1)

    view.clear_filter()
    wait_loaded(qtbot, view)
    set_combo(qtbot, view.level_filter, 2)
    wait_loaded(qtbot, view)
    assert shown_codes(view) == [hengelo.code]

    view.clear_filter()
    wait_loaded(qtbot, view)
    qtbot.keyClicks(view.search_edit, "A.")
    wait_loaded(qtbot, view)
    qtbot.waitUntil(lambda: shown_codes(view) == [almelo.code])
    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, almelo.code)
    qtbot.waitUntil(lambda: shown_codes(view) == [almelo.code])


def test_my_cases(qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView) -> None:
    """A coordinator sees every case; "My cases" keeps the ones they registered."""
    theirs = case_world.make_case("Fam. W.")  # registered by the welfare worker
    mine = case_world.make_case("Fam. C.", actor=case_world.admin)
    ctx = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)
    view = cases_view(ctx)
    assert shown_codes(view) == [theirs.code, mine.code]
    qtbot.mouseClick(view.mine_check, Qt.MouseButton.LeftButton)
    assert view.mine_check.isChecked()
    wait_loaded(qtbot, view)
    assert shown_codes(view) == [mine.code]


def test_case_lead_filter(qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView) -> None:
    led = case_world.make_case("Fam. L.", lead="Wendy Wolters")
    case_world.make_case("Fam. N.")
    view = cases_view()
    qtbot.waitUntil(lambda: view.lead_filter.count() == 2)
    assert view.lead_filter.itemText(1).startswith("Wendy Wolters")
    set_combo(qtbot, view.lead_filter, case_world.contacts["Wendy Wolters"])
    wait_loaded(qtbot, view)
    assert shown_codes(view) == [led.code]
    assert view.table.model().index(0, 6).data() == "Wendy Wolters"


def test_meldcode_is_flagged_in_its_row(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    plain = case_world.make_case("Fam. P.", level=4)
    flagged = case_world.make_case("Fam. R.", level=4)
    consent.record_meldcode(
        case_world.db.uow(),
        case_world.worker,
        flagged.id,
        consent.MeldcodeInput(
            clock.today(),
            "Father threatened the mother; Veilig Thuis advised sharing with the school.",
            (case_world.orgs["school"],),
        ),
    )
    view = cases_view()
    model = view.table.model()
    rows = {model.index(r, 0).data(ID_ROLE): r for r in range(model.rowCount())}
    flag_row, plain_row = rows[flagged.id], rows[plain.id]
    code = model.index(flag_row, 0)
    assert code.data() == flagged.code
    assert _(MELDCODE_TEXT) in code.data(Qt.ItemDataRole.AccessibleTextRole)
    assert code.data(Qt.ItemDataRole.FontRole).bold()
    assert code.data(MELDCODE_ROLE) is True
    assert code.data(Qt.ItemDataRole.DecorationRole) is not None
    assert _(MELDCODE_TIP) in code.data(Qt.ItemDataRole.ToolTipRole)
    other = model.index(plain_row, 0)
    assert other.data() == plain.code
    assert other.data(Qt.ItemDataRole.DecorationRole) is None


def test_overdue_and_consent_filters(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    today = clock.today()
    late = case_world.make_case("Fam. L.")
    case_world.add_step(late.id, "Call the school", today - timedelta(days=3))
    case_world.add_step(late.id, "Visit the family", today + timedelta(days=10))
    fine = case_world.make_case("Fam. F.")
    case_world.add_family(fine.id)
    case_world.give_consent(fine.id, ["school"])
    view = cases_view()
    model = view.table.model()
    late_row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == late.code)
    due = model.index(late_row, 7)
    assert ngettext("{n} overdue", "{n} overdue", 1).format(n=1) in due.data()
    assert due.data(Qt.ItemDataRole.DecorationRole) is not None
    assert due.data(Qt.ItemDataRole.FontRole).bold()

    qtbot.mouseClick(view.overdue_check, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, view)
    assert shown_codes(view) == [late.code]
    qtbot.mouseClick(view.overdue_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.consent_check, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, view)
    assert shown_codes(view) == [late.code]  # the other one's consent is complete
    fine_file = cases.get_case(case_world.db.uow(), case_world.worker, fine.id)
    assert fine_file.header.consent == "complete"


def test_sorting_happens_in_sql_across_pages(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    aliases = ["Fam. D.", "Fam. A.", "Fam. G.", "Fam. B.", "Fam. F.", "Fam. C.", "Fam. E."]
    for alias in aliases:
        case_world.make_case(alias)
    view = cases_view(height=400)
    view.model.page_size = 3
    view.model.reload()
    wait_loaded(qtbot, view)
    click_header(qtbot, view, 1)  # Family
    wait_loaded(qtbot, view)
    model = view.table.model()
    first = [model.index(r, 1).data() for r in range(min(3, model.rowCount()))]
    assert first == ["Fam. A.", "Fam. B.", "Fam. C."]
    click_header(qtbot, view, 1)  # again: reversed, from the whole table, not one page
    wait_loaded(qtbot, view)
    first = [model.index(r, 1).data() for r in range(min(3, model.rowCount()))]
    assert first == ["Fam. G.", "Fam. F.", "Fam. E."]
    assert view.model.sort_key == ("alias", True)


def test_paging_loads_more_on_scrolling(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    for n in range(30):
        case_world.make_case(f"Fam. {n:02d}")
    view = cases_view(height=420)
    view.model.page_size = 5
    view.model.reload()
    wait_loaded(qtbot, view)
    model = view.model
    assert model.total == 30
    assert model.loaded() < 30  # only the pages the view needed so far
    for _round in range(20):
        if model.loaded() == 30:
            break
        view.table.scrollToBottom()
        wait_idle()
        qtbot.wait(20)
    assert model.loaded() == 30
    assert shown_codes(view)[-1].endswith("0030")
    assert len(set(shown_codes(view))) == 30  # no page twice


def test_no_cases_yet_offers_to_register(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    ctx = AppContext(case_world.db, KeyMode.KEYRING, case_world.admin)  # a coordinator
    view = cases_view(ctx)
    assert view.list_stack.currentWidget() is view.no_cases
    assert view.no_cases.title.text() == _("No cases yet")
    qtbot.mouseClick(view.empty_new_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, view, "registerCaseDialog")
    dialog.reject()


def test_a_worker_who_sees_no_cases_is_told_why(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case_world.make_case("Fam. X.", actor=case_world.admin)  # a case the worker does not see
    view = cases_view()
    assert view.list_stack.currentWidget() is view.no_cases
    # not "no cases yet": there are, this user does not see them
    assert view.no_cases.title.text() == _("No cases for you yet")
    assert view.no_cases.body.text().startswith(
        _(
            "You see only the cases you registered or lead, and those in which your "
            "organisation is involved. Register a case to start one: the family's initials "
            "or an alias and the municipality are enough."
        )
    )
    assert view.empty_new_button.isVisible()


def test_nothing_matches_offers_to_clear_the_filter(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case_world.make_case("Fam. T.")
    view = cases_view()
    qtbot.keyClicks(view.search_edit, "nobody like this")
    qtbot.waitUntil(lambda: view.list_stack.currentWidget() is view.no_matches)
    assert _("No cases match this filter") in view.no_matches.texts()
    assert view.clear_filter_button.text() == _("Clear filter")
    qtbot.mouseClick(view.clear_filter_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, view)
    assert view.search_edit.text() == ""
    assert view.list_stack.currentWidget() is view.table


def test_only_closed_cases_match_shows_the_way_to_them(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    closed = case_world.make_case("Fam. C.")
    cases.close_case(case_world.db.uow(), case_world.worker, closed.id, clock.today(), "Done")
    view = cases_view()
    assert view.list_stack.currentWidget() is view.no_matches
    assert view.clear_filter_button.text() == _("Show all statuses")
    qtbot.mouseClick(view.clear_filter_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, view)
    assert shown_codes(view) == [closed.code]


def test_enter_opens_the_case_file(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    a = case_world.make_case("Fam. T.")
    view = cases_view()
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Down)  # to the list, first row
    assert view.table.hasFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.showing_case() == a.id)
    assert view.case_file.code_label.text() == a.code
    # back with Alt+Left: the list, the case still selected
    qtbot.keyClick(view.case_file.tabs.tabBar(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert view.showing_case() is None
    assert view.table.currentIndex().data(ID_ROLE) == a.id


def test_layout_is_remembered_never_what_was_typed(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    case_world.make_case("Fam. Tukker", family_name="Tukker")
    view = cases_view()
    qtbot.keyClicks(view.search_edit, "Tukker")
    click_header(qtbot, view, 2)
    wait_loaded(qtbot, view)
    view._save_state()
    settings = QSettings("pact", "pact")
    settings.sync()
    values = [str(settings.value(k)) for k in settings.allKeys()]
    assert any(k == "casesView/sortColumn" for k in settings.allKeys())
    assert settings.value("casesView/sortColumn") == "municipality"
    assert not any("Tukker" in v for v in values)


def test_the_search_finds_a_childs_name_and_enter_opens_the_one_case(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    wesley = case_world.make_case("Fam. T.")
    case_world.add_family(wesley.id, child="Wesley")
    other = case_world.make_case("Fam. B.")
    case_world.add_family(other.id, child="Bram")
    case_world.make_case("Fam. W.", family_name="Westerhof")
    view = cases_view()
    assert view.search_edit.placeholderText() == _(
        "Search case code, alias, family or child's name…"
    )
    assert "Ctrl+F" in view.search_edit.toolTip()
    view.search_edit.setFocus()
    # two cases match "wes" (a child, a family name): Enter goes to the list
    qtbot.keyClicks(view.search_edit, "wes")
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)
    wait_loaded(qtbot, view)
    qtbot.waitUntil(lambda: len(shown_codes(view)) == 2)
    assert view.showing_case() is None
    assert view.table.hasFocus()
    # one match: Enter opens it at once (without waiting for the search to run)
    view.search_edit.setFocus()
    view.search_edit.selectAll()
    qtbot.keyClicks(view.search_edit, "wesley")
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.showing_case() == wesley.id, timeout=10_000)


def test_the_next_step_column_shows_its_overdue_text_whole(
    qtbot: QtBot, case_world: CaseWorld, cases_view: BuildCasesView
) -> None:
    from pact.ui.itemmodels.cases import COLUMN_KEYS

    case = case_world.make_case("Fam. T.")
    case_world.add_step(case.id, "Call the school", clock.today() - timedelta(days=3))
    case_world.add_step(case.id, "Call the GP", clock.today() - timedelta(days=1))
    view = cases_view(width=1170)  # the cases area of a 1360 pixels wide window
    column = COLUMN_KEYS.index("next_due")
    text = str(view.table.model().index(0, column).data())
    assert text.endswith(ngettext("{n} overdue", "{n} overdue", 2).format(n=2))
    # as wide as the (bold) text with its icon needs, with room to spare for a desktop's
    # font (wider than the test platform's): nothing is cut off
    need = view.table.sizeHintForColumn(column)
    assert view.table.columnWidth(column) >= 1.2 * need, (text, need)
