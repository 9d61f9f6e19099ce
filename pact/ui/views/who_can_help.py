"""'Who can help?': choose a municipality and areas of expertise; see the active
partners ranked by how many of those areas they cover, then whether they work in
that municipality, then name; each with its active contact persons."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pact.i18n import _, format_number, ngettext
from pact.services import partners as svc
from pact.services.vocab import domain_label, domains, sector_label
from pact.ui.context import AppContext
from pact.ui.widgets.empty_state import EmptyState
from pact.ui.widgets.fit_columns import distribute

ID_ROLE = Qt.ItemDataRole.UserRole + 1
# the columns of the results
NAME, ROLE, HELPS, WORKS, PHONE, EMAIL = range(6)


class WhoCanHelpView(QWidget):
    """``open_partner(int)`` fires when a partner is activated (double-click / Enter);
    the main window may switch to the partner directory and open it."""

    open_partner = Signal(int)

    COLUMNS = 6  # partner / contact, sector / function, covers, works in, phone, e-mail

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("whoCanHelpView")
        self.ctx = ctx
        self.matches: list[svc.HelpMatch] = []
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build()
        self._load_municipalities()
        self.refresh()
        ctx.changed.connect(self._on_changed)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)

        intro = QLabel(
            _(
                "Find the partners who can help a family: choose where the family lives "
                "and what kind of help is needed."
            ),
            self,
        )
        intro.setObjectName("whoIntro")
        intro.setWordWrap(True)
        outer.addWidget(intro)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.municipality_combo = QComboBox(self)
        self.municipality_combo.setObjectName("whoMunicipalityCombo")
        self.municipality_combo.setAccessibleName(_("Municipality"))
        self.municipality_combo.setMinimumWidth(240)
        self.municipality_combo.setMaximumWidth(420)
        caption = QLabel(_("Municipality"), self)
        caption.setBuddy(self.municipality_combo)
        form.addRow(caption, self.municipality_combo)

        boxes = QWidget(self)
        boxes.setObjectName("whoDomains")
        grid = QGridLayout(boxes)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        self.domain_checks: dict[str, QCheckBox] = {}
        per_row = 4
        for i, (code, label) in enumerate(domains()):
            check = QCheckBox(label.replace("&", "&&"), boxes)  # "&" is no shortcut key
            check.setObjectName(f"whoDomain_{code}")
            check.setAccessibleName(_("Expertise: {domain}").format(domain=label))
            check.toggled.connect(self._schedule)
            grid.addWidget(check, i // per_row, i % per_row)
            self.domain_checks[code] = check
        grid.setColumnStretch(per_row, 1)
        domains_caption = QLabel(_("Help with"), self)
        domains_caption.setBuddy(next(iter(self.domain_checks.values())))
        form.addRow(domains_caption, boxes)
        outer.addLayout(form)

        self.summary = QLabel(self)
        self.summary.setObjectName("whoSummary")
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)

        self.stack = QStackedWidget(self)
        self.stack.setObjectName("whoStack")
        outer.addWidget(self.stack, 1)

        self.results = QTreeWidget(self.stack)
        self.results.setObjectName("whoResultsTree")
        self.results.setAccessibleName(_("Partners who can help"))
        self.results.setColumnCount(self.COLUMNS)
        self.results.setHeaderLabels(
            [
                _("Partner / contact person"),
                _("Sector / function"),
                _("Helps with"),
                _("Works there"),
                _("Phone"),
                _("E-mail"),
            ]
        )
        self.results.setRootIsDecorated(True)
        self.results.setAlternatingRowColors(True)
        self.results.setUniformRowHeights(True)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.results.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.results.itemActivated.connect(self._on_activated)
        self.stack.addWidget(self.results)

        self.empty = EmptyState("whoEmpty", "", "", self.stack)
        self.stack.addWidget(self.empty)

        self.municipality_combo.currentIndexChanged.connect(self._schedule)
        QWidget.setTabOrder(self.municipality_combo, next(iter(self.domain_checks.values())))
        checks = list(self.domain_checks.values())
        for a, b in itertools.pairwise(checks):
            QWidget.setTabOrder(a, b)
        QWidget.setTabOrder(checks[-1], self.results)

    def _load_municipalities(self) -> None:
        current = self.municipality_combo.currentData()
        self.municipality_combo.blockSignals(True)
        self.municipality_combo.clear()
        self.municipality_combo.addItem(_("Choose a municipality…"), None)
        for m in svc.list_municipalities(self.ctx.uow()):
            self.municipality_combo.addItem(m.name, m.id)
        index = self.municipality_combo.findData(current) if current is not None else 0
        self.municipality_combo.setCurrentIndex(max(index, 0))
        self.municipality_combo.blockSignals(False)

    # ------------------------------------------------------------ state

    def municipality_id(self) -> int | None:
        value = self.municipality_combo.currentData()
        return int(value) if value is not None else None

    def chosen_domains(self) -> list[str]:
        return [code for code, check in self.domain_checks.items() if check.isChecked()]

    def _schedule(self, *_args: object) -> None:
        self._refresh_timer.start()

    def _on_changed(self, what: str) -> None:
        if what == "municipalities":
            self._load_municipalities()
            self._schedule()
        elif what == "partners":
            self._schedule()

    def refresh(self) -> None:
        self._refresh_timer.stop()
        municipality = self.municipality_id()
        chosen = self.chosen_domains()
        if municipality is None and not chosen:
            self.matches = []
            self.results.clear()
            self.summary.clear()
            self.summary.hide()
            self.empty.set_text(
                _("Choose a municipality and one or more areas of expertise"),
                _(
                    "The partners who cover most of the chosen areas come first; among "
                    "them, those working in the municipality."
                ),
            )
            self.stack.setCurrentWidget(self.empty)
            return
        self.matches = svc.who_can_help(self.ctx.uow(), municipality, chosen)
        self._fill(municipality, chosen)

    def _fill(self, municipality: int | None, chosen: list[str]) -> None:
        self.results.clear()
        place = self.municipality_combo.currentText() if municipality is not None else ""
        self.results.setColumnHidden(WORKS, municipality is None)
        self.results.headerItem().setText(
            WORKS, _("Works in {place}").format(place=place) if place else _("Works there")
        )
        self.results.setColumnHidden(HELPS, not chosen)
        if not self.matches:
            self.summary.hide()
            self.empty.set_text(
                _("No active partner covers this"),
                _("Choose fewer areas of expertise or another municipality.")
                if chosen
                else _("No active partner works in {place} yet.").format(place=place),
            )
            self.stack.setCurrentWidget(self.empty)
            return
        n = len(self.matches)
        self.summary.setText(
            ngettext(
                "{n} partner can help. The best match comes first.",
                "{n} partners can help. The best matches come first.",
                n,
            ).format(n=format_number(n))
        )
        self.summary.show()
        bold = QFont(self.results.font())
        bold.setBold(True)
        for rank, match in enumerate(self.matches, start=1):
            org = match.organisation
            item = QTreeWidgetItem(self.results)
            item.setData(NAME, ID_ROLE, org.id)
            item.setFont(NAME, bold)
            texts = {
                NAME: _("{rank}. {name}").format(rank=rank, name=org.name),
                ROLE: sector_label(org.sector),
                PHONE: org.phone,
                EMAIL: org.email,
            }
            if chosen:
                covered = ", ".join(domain_label(d) for d in match.covered)
                texts[HELPS] = _("{covered} ({n} of {total})").format(
                    covered=covered, n=len(match.covered), total=len(chosen)
                )
            if municipality is not None:
                texts[WORKS] = _("Yes") if match.serves_municipality else _("No")
            self._set_texts(item, texts)
            if not match.contacts:
                child = QTreeWidgetItem(item)
                child.setText(NAME, _("No active contact person"))
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for c in match.contacts:
                child = QTreeWidgetItem(item)
                # the name column is as wide as the partners' names: a contact's short
                # name leaves room there to say who represents the partner in the pact
                name = c.name
                if c.representative:
                    name = _("{text} · pact representative").format(text=name)
                self._set_texts(
                    child, {NAME: name, ROLE: c.function, PHONE: c.phone, EMAIL: c.email}
                )
                child.setData(NAME, ID_ROLE, org.id)
            item.setExpanded(True)
        self.stack.setCurrentWidget(self.results)
        self._fit_columns()
        first = self.results.topLevelItem(0)
        if first is not None:
            self.results.setCurrentItem(first)

    @staticmethod
    def _set_texts(item: QTreeWidgetItem, texts: dict[int, str]) -> None:
        """Each cell's text, and the same as its tooltip: a narrow column elides."""
        for column, text in texts.items():
            item.setText(column, text)
            if text:
                item.setToolTip(column, text)

    def _fit_columns(self) -> None:
        """Columns as wide as their contents when that fits; otherwise the columns
        with longer texts (functions, areas, e-mail) give up width in proportion and
        elide, while the partner's name, "works there" and the phone stay whole."""
        tree = self.results
        header = tree.header()
        shown = [c for c in range(self.COLUMNS) if not tree.isColumnHidden(c)]
        if not shown or not tree.topLevelItemCount():
            return
        pad = 2 * tree.fontMetrics().horizontalAdvance("0")
        wanted = {c: max(tree.sizeHintForColumn(c), header.sectionSizeHint(c)) + pad for c in shown}
        available = tree.viewport().width()
        elastic = {NAME, ROLE, HELPS, EMAIL}
        floor = 12 * tree.fontMetrics().horizontalAdvance("0")
        minimum = [wanted[c] if c not in elastic else min(wanted[c], floor) for c in shown]
        # the partner's name first: whole, unless it would take over a third of the width
        minimum[shown.index(NAME)] = min(wanted[NAME], available // 3)
        widths = distribute(available, [wanted[c] for c in shown], minimum)
        if sum(wanted.values()) <= available:  # room for everything: the rest to e-mail
            widths = [wanted[c] for c in shown]
        for column, width in zip(shown, widths, strict=True):
            header.resizeSection(column, width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.stack.currentWidget() is self.results:
            self._fit_columns()

    def ranked_names(self) -> list[str]:
        """The partners' names in the order the list shows them."""
        return [m.organisation.name for m in self.matches]

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        organisation_id = item.data(NAME, ID_ROLE)
        if organisation_id is not None:
            self.open_partner.emit(int(organisation_id))
