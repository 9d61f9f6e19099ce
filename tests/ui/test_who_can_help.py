"""'Who can help?': ranking, contact persons and empty states as the person sees them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from pact.db.database import Database
from pact.i18n import _, ngettext
from pact.services import partners as svc
from pact.services.vocab import sector_label
from pact.ui.views.who_can_help import EMAIL, HELPS, NAME, PHONE, ROLE, WORKS, WhoCanHelpView

from .conftest import MakePartner

Build = Callable[[], WhoCanHelpView]


def top_level(view: WhoCanHelpView) -> list[QTreeWidgetItem]:
    tree = view.results
    return [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]


def children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [item.child(i) for i in range(item.childCount())]


def choose(qtbot: QtBot, view: WhoCanHelpView, place: str, domains: list[str]) -> None:
    view.municipality_combo.setCurrentIndex(view.municipality_combo.findText(place))
    for code in domains:
        qtbot.mouseClick(view.domain_checks[code], Qt.MouseButton.LeftButton)


def test_partners_are_listed_in_ranking_order_with_their_contacts(
    db: Database, make_partner: MakePartner, who_view: Build, qtbot: QtBot
) -> None:
    # covers 1 of 2, works in Hengelo
    make_partner("Welzijn Hengelo", places=("Hengelo",), domains=("parenting",))
    # covers 2 of 2, not in Hengelo
    make_partner(
        "Mediation Enschede",
        "legal",
        places=("Enschede",),
        domains=("legal", "parenting"),
        contacts=[
            svc.ContactData(name="Lars Brink", function="mediator", phone="06 12345678"),
            svc.ContactData(name="Oud Collega", active=False),
        ],
    )
    # covers 2 of 2, in Hengelo: first
    make_partner(
        "Advocaten Hengelo",
        "legal",
        places=("Hengelo", "Borne"),
        domains=("legal", "parenting", "safety"),
        contacts=[
            svc.ContactData(name="Anna Smit", function="advocaat", email="anna@example.nl"),
            svc.ContactData(name="Bram Vos", representative=True),
        ],
    )
    make_partner("Schuldhulp", "financial", domains=("financial",))  # covers none
    make_partner("Gesloten", domains=("legal", "parenting"), archived=True)  # archived

    view = who_view()
    choose(qtbot, view, "Hengelo", ["legal", "parenting"])
    qtbot.waitUntil(lambda: view.results.isVisible())

    names = [item.text(0) for item in top_level(view)]
    assert names == ["1. Advocaten Hengelo", "2. Mediation Enschede", "3. Welzijn Hengelo"]
    # the order the service ranks is the order shown
    ranked = svc.who_can_help(db.uow(), view.municipality_id(), ["legal", "parenting"])
    assert [n.split(". ", 1)[1] for n in names] == [m.organisation.name for m in ranked]

    first, second, third = top_level(view)
    assert first.text(HELPS) == _("{covered} ({n} of {total})").format(
        covered=f"{_('Legal')}, {_('Parenting')}", n=2, total=2
    )
    assert third.text(HELPS) == _("{covered} ({n} of {total})").format(
        covered=_("Parenting"), n=1, total=2
    )
    assert [first.text(WORKS), second.text(WORKS), third.text(WORKS)] == [
        _("Yes"),
        _("No"),
        _("Yes"),
    ]
    assert view.results.headerItem().text(WORKS) == _("Works in {place}").format(place="Hengelo")
    assert first.text(ROLE) == sector_label("legal")
    # active contact persons only, the pact representative first; the function and
    # the representative in a column of their own
    contacts = [
        (first.child(i).text(NAME), first.child(i).text(ROLE)) for i in range(first.childCount())
    ]
    assert contacts == [
        (_("{text} · pact representative").format(text="Bram Vos"), ""),
        ("Anna Smit", "advocaat"),
    ]
    assert first.child(1).text(EMAIL) == "anna@example.nl"
    assert [(c.text(NAME), c.text(ROLE)) for c in children(second)] == [("Lars Brink", "mediator")]
    assert second.child(0).text(PHONE) == "06 12345678"
    assert view.summary.text() == ngettext(
        "{n} partner can help. The best match comes first.",
        "{n} partners can help. The best matches come first.",
        3,
    ).format(n=3)


def test_empty_states(make_partner: MakePartner, who_view: Build, qtbot: QtBot) -> None:
    make_partner("Schuldhulp", "financial", domains=("financial",))
    view = who_view()
    assert view.empty.isVisible()
    assert view.empty.title.text() == _("Choose a municipality and one or more areas of expertise")

    choose(qtbot, view, "Almelo", ["safety"])
    qtbot.waitUntil(lambda: view.empty.title.text() == _("No active partner covers this"))
    assert view.empty.isVisible() and not view.results.isVisible()


def test_refreshes_when_partners_change(
    make_partner: MakePartner, who_view: Build, qtbot: QtBot
) -> None:
    view = who_view()
    choose(qtbot, view, "Borne", ["safety"])
    qtbot.waitUntil(lambda: view.empty.title.text() == _("No active partner covers this"))

    make_partner("Veilig Thuis Twente", "youth_protection", places=("Borne",), domains=("safety",))
    view.ctx.changed.emit("partners")
    qtbot.waitUntil(lambda: [i.text(0) for i in top_level(view)] == ["1. Veilig Thuis Twente"])
    child = top_level(view)[0].child(0)
    assert child.text(NAME) == _("No active contact person")


def test_keyboard_order_and_names(who_view: Build, qtbot: QtBot) -> None:
    view = who_view()
    view.municipality_combo.setFocus()
    order = [view.municipality_combo.objectName()]
    for _step in range(8):
        qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Tab)
        order.append(view.focusWidget().objectName())
    assert order == [
        "whoMunicipalityCombo",
        "whoDomain_legal",
        "whoDomain_relational",
        "whoDomain_parenting",
        "whoDomain_safety",
        "whoDomain_financial",
        "whoDomain_psychoeducation",
        "whoDomain_child_school",
        "whoMunicipalityCombo",  # the results are empty and hidden: back to the start
    ]
    for check in view.domain_checks.values():
        assert check.accessibleName()
    qtbot.keyClick(view.domain_checks["legal"], Qt.Key.Key_Space)
    assert view.chosen_domains() == ["legal"]


def test_long_functions_are_not_cut_off_without_a_tooltip(
    make_partner: MakePartner, who_view: Build, qtbot: QtBot
) -> None:
    """The reviewer saw "… · pactvertege…": the name and the function each have a
    column now, wide enough for what fits, and every cell shows its whole text as a
    tooltip."""
    function = "Coördinator maatjesproject en ervaringsdeskundige ouderbegeleiding"
    make_partner(
        "Maatjesproject Samen Sterk Twente",
        "experience_experts",
        places=("Hengelo",),
        domains=("relational", "child_school"),
        phone="074 720 3344",
        email="info@samensterk.voorbeeld.nl",
        contacts=[
            svc.ContactData(
                name="Jesse Tijink",
                function=function,
                representative=True,
                phone="06 17 22 40 90",
                email="j.tijink@samensterk.voorbeeld.nl",
            )
        ],
    )
    view = who_view()
    choose(qtbot, view, "Hengelo", ["relational", "child_school"])
    qtbot.waitUntil(lambda: view.results.isVisible())
    tree = view.results
    contact = top_level(view)[0].child(0)
    name = _("{text} · pact representative").format(text="Jesse Tijink")
    assert contact.text(NAME) == name
    assert contact.text(ROLE) == function
    for column in (NAME, ROLE, PHONE, EMAIL):
        assert contact.toolTip(column) == contact.text(column)
    metrics = tree.fontMetrics()
    # the name (with "pact representative") and the phone number fit whole
    assert tree.columnWidth(NAME) >= metrics.horizontalAdvance(name)
    assert tree.columnWidth(PHONE) >= metrics.horizontalAdvance("06 17 22 40 90")
    # and the columns fill the width without a horizontal scroll bar
    shown = [c for c in range(view.COLUMNS) if not tree.isColumnHidden(c)]
    assert sum(tree.columnWidth(c) for c in shown) <= tree.viewport().width()
    assert not tree.horizontalScrollBar().isVisible()

    # with room for it all, nothing is cut off
    view.resize(1900, 700)
    qtbot.waitUntil(lambda: tree.columnWidth(ROLE) >= metrics.horizontalAdvance(function))
