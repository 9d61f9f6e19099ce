"""The partner directory (sociale kaart): a filtered, sorted, paged list beside the
editor of one organisation and its contact persons.

The main window owns the menus and shortcuts (Ctrl+N, Ctrl+F, Ctrl+S) and calls
``new_organisation``, ``focus_filter``, ``save``, ``import_csv``, ``export_csv`` and
``has_unsaved_changes``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pact.config import atomic_write
from pact.errors import ConflictError, NotFoundError, PactError, ValidationError, error_text
from pact.i18n import _, format_number, ngettext
from pact.services import partner_csv
from pact.services import partners as svc
from pact.services.vocab import domains, sectors
from pact.ui.context import AppContext
from pact.ui.dialogs.conflict import FieldValue, FormConflict
from pact.ui.dialogs.import_csv import ImportCsvDialog
from pact.ui.itemmodels.partners import COLUMNS, PartnerTableModel
from pact.ui.ops import Op
from pact.ui.widgets.empty_state import EmptyState
from pact.ui.widgets.fit_columns import FitColumns, FitTableView
from pact.ui.widgets.list_table import (
    LayoutSaver,
    configure_list_table,
    restore_column_weights,
    save_column_weights,
)
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.organisation_editor import OrganisationEditor, blank_organisation

# The columns fill the list's width in these proportions (never sized to their
# contents: that would read every loaded row on each reset). Long texts are elided
# and shown whole in a tooltip.
_WEIGHTS = (3.0, 1.3, 1.5, 1.5, 1.2, 1.8, 0.9)
_SETTINGS_GROUP = "partnersView"


def contacts_text(contacts: Sequence[svc.ContactData]) -> str:
    """The contact persons, one a line, as the conflict dialog compares them."""
    lines = []
    for c in contacts:
        parts = [c.name, c.function, c.phone, c.email]
        line = ", ".join(p.strip() for p in parts if p and p.strip())
        if not c.active:
            line = _("{contact} (no longer active)").format(contact=line)
        lines.append(line)
    return "\n".join(lines)


def _settings() -> QSettings:
    return QSettings("pact", "pact")


class PartnersView(QWidget):
    """``has_partners_changed(bool)`` fires when the directory becomes empty or not
    (archived partners count): the main window enables its export action with it."""

    has_partners_changed = Signal(bool)

    # Filter keystrokes are applied on the next turn of the event loop, so a burst of
    # typing (or a paste) costs one query. Query and repaint take a median 30-45 ms at
    # 5,000 organisations (benchmarks/bench_partner_list.py), so no longer debounce.
    FILTER_DELAY_MS = 0

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("partnersView")
        self.ctx = ctx
        self.model = PartnerTableModel(ctx.uow, parent=self)
        self.import_dialog: ImportCsvDialog | None = None
        self._has_partners = True  # until a query finds none
        self._no_matches_shows_archived = False
        self._suppress_selection = False
        self._saving = False
        self._conflicts: FormConflict | None = None
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(self.FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self._layout_saver = LayoutSaver(self, self._save_state)

        self._build()
        self._load_vocabulary()
        self.model.reloaded.connect(self._on_reloaded)
        self.model.rowsInserted.connect(self._update_count)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # sorts (and so loads) the first page
        if not self.model.has_loaded:
            self.model.reload()
        self._restore_state()
        ctx.changed.connect(self._on_changed)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)

        bar = QHBoxLayout()
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("partnerSearch")
        self.search_edit.setAccessibleName(_("Search partners"))
        self.search_edit.setPlaceholderText(_("Search name, offer or contact person…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(_("Search (Ctrl+F)"))
        self.search_edit.setMinimumWidth(220)
        bar.addWidget(self.search_edit, 2)

        self.sector_filter = QComboBox(self)
        self.sector_filter.setObjectName("sectorFilter")
        self.sector_filter.setAccessibleName(_("Filter by sector"))
        bar.addWidget(self.sector_filter, 1)
        self.municipality_filter = QComboBox(self)
        self.municipality_filter.setObjectName("municipalityFilter")
        self.municipality_filter.setAccessibleName(_("Filter by municipality"))
        bar.addWidget(self.municipality_filter, 1)
        self.domain_filter = QComboBox(self)
        self.domain_filter.setObjectName("domainFilter")
        self.domain_filter.setAccessibleName(_("Filter by expertise"))
        bar.addWidget(self.domain_filter, 1)
        self.archived_check = QCheckBox(_("Show archived"), self)
        self.archived_check.setObjectName("showArchivedCheck")
        self.archived_check.setAccessibleName(_("Show archived partners"))
        bar.addWidget(self.archived_check)
        bar.addSpacing(12)
        self.new_button = QPushButton(_("New partner"), self)
        self.new_button.setObjectName("newPartnerButton")
        self.new_button.setAccessibleName(_("New partner"))
        self.new_button.setToolTip(_("Add a partner organisation (Ctrl+N)"))
        bar.addWidget(self.new_button)
        outer.addLayout(bar)

        self.message = MessageBar("viewMessage", self)
        outer.addWidget(self.message)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("partnersSplitter")
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)

        # left: the list, or an empty state
        left = QWidget(self.splitter)
        left.setObjectName("partnerListPane")
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        self.list_stack = QStackedWidget(left)
        self.list_stack.setObjectName("partnerListStack")
        left_box.addWidget(self.list_stack, 1)

        self.table = FitTableView(self.list_stack)
        header = configure_list_table(
            self.table, "partnerTable", _("Partners"), self.model, self.fontMetrics().height() + 10
        )
        # the columns never get narrower than ``minimum``; when their comfortable widths
        # do not all fit, the number of contacts goes first, then the e-mail address
        # (the editor shows it); the name gets the most room
        digit = self.fontMetrics().horizontalAdvance("0")
        contacts = header.fontMetrics().horizontalAdvance(_(COLUMNS[6][1])) + 4 * digit
        self.columns = FitColumns(
            self.table,
            _WEIGHTS,
            minimum=[*(n * digit for n in (26, 10, 10, 10, 13, 20)), contacts],
            comfortable=[*(n * digit for n in (32, 12, 12, 12, 13, 24)), contacts],
            hide_first=(6, 5),
        )
        self.table.columns = self.columns
        self.list_stack.addWidget(self.table)

        self.empty_directory = EmptyState(
            "emptyDirectory",
            _("Your partner directory is still empty"),
            _(
                "Add the organisations your pact works with: schools, GPs, the social "
                "team, mediators and more. Add the first partner with “New partner” "
                "(Ctrl+N), or import a CSV file of partners you already have."
            ),
            self.list_stack,
        )
        self.empty_new_button = self.empty_directory.add_button(
            "emptyNewPartnerButton", _("New partner")
        )
        self.empty_import_button = self.empty_directory.add_button(
            "emptyImportButton", _("Import a CSV file…")
        )
        self.list_stack.addWidget(self.empty_directory)

        self.no_matches = EmptyState("noMatches", "", "", self.list_stack)
        self.clear_filter_button = self.no_matches.add_button(
            "clearFilterButton", _("Clear filter")
        )
        self.list_stack.addWidget(self.no_matches)

        footer = QHBoxLayout()
        footer.setContentsMargins(0, 4, 0, 0)
        self.count_label = QLabel(left)
        self.count_label.setObjectName("partnerCount")
        footer.addWidget(self.count_label, 1)
        self.import_button = QPushButton(_("Import…"), left)
        self.import_button.setObjectName("importCsvButton")
        self.import_button.setAccessibleName(_("Import partners from a CSV file"))
        self.import_button.setToolTip(_("Import partners from a CSV file"))
        footer.addWidget(self.import_button)
        self.export_button = QPushButton(_("Export…"), left)
        self.export_button.setObjectName("exportCsvButton")
        self.export_button.setAccessibleName(_("Export partners to a CSV file"))
        self.export_button.setToolTip(_("Export partners to a CSV file"))
        footer.addWidget(self.export_button)
        left_box.addLayout(footer)

        # right: the editor, or what to do
        self.editor_stack = QStackedWidget(self.splitter)
        self.editor_stack.setObjectName("editorStack")
        self.no_selection = EmptyState(
            "noSelection",
            _("Select a partner on the left or add a new one."),
            "",
            self.editor_stack,
        )
        self.editor_stack.addWidget(self.no_selection)
        # the editor is built when first needed: opening the list stays fast
        self._editor: OrganisationEditor | None = None
        self._municipalities: list[svc.MunicipalityData] = []

        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor_stack)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 520])

        # behaviour
        self.search_edit.textChanged.connect(self._schedule_filter)
        for combo in (self.sector_filter, self.municipality_filter, self.domain_filter):
            combo.currentIndexChanged.connect(self._schedule_filter)
        self.archived_check.toggled.connect(self._schedule_filter)
        self.new_button.clicked.connect(self.new_organisation)
        self.empty_new_button.clicked.connect(self.new_organisation)
        self.empty_import_button.clicked.connect(self.import_csv)
        self.import_button.clicked.connect(self.import_csv)
        self.export_button.clicked.connect(self.export_csv)
        self.clear_filter_button.clicked.connect(self._on_clear_filter_button)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.activated.connect(lambda _i: self.editor.focus_first_field())
        self.table.viewport_resized.connect(self._keep_current_row_visible)
        self.splitter.splitterMoved.connect(self._layout_saver.changed)
        header.sectionResized.connect(self._layout_saver.changed)

        # view-local keys (the main window owns Ctrl+N / Ctrl+F / Ctrl+S)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_edit)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self._escape_in_search)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._focus_table)

        # Tab in visual order: the filter bar, the list (or the buttons of the empty
        # state shown instead), the buttons under it, then the editor (see ``editor``)
        chain: list[QWidget] = [
            self.search_edit,
            self.sector_filter,
            self.municipality_filter,
            self.domain_filter,
            self.archived_check,
            self.new_button,
            self.table,
            self.empty_new_button,
            self.empty_import_button,
            self.clear_filter_button,
            self.import_button,
            self.export_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    @property
    def editor(self) -> OrganisationEditor:
        """The organisation editor (built on first use)."""
        if self._editor is None:
            editor = OrganisationEditor(self.editor_stack)
            self.editor_stack.addWidget(editor)
            editor.set_municipalities(self._municipalities)
            editor.save_requested.connect(self.save)
            editor.archive_requested.connect(self.toggle_archived)
            editor.revert_requested.connect(self.revert)
            # the whole editor follows the list's buttons (moving only its first field
            # would leave the rest where Qt put it: after the navigation)
            chain = [self.export_button, *editor.tab_chain()]
            for first, second in itertools.pairwise(chain):
                QWidget.setTabOrder(first, second)
            self._editor = editor
        return self._editor

    def _load_vocabulary(self) -> None:
        """Fill the filter combos (and the editor's municipalities) from the database."""
        self._fill_combo(self.sector_filter, _("All sectors"), sectors())
        self._fill_combo(self.domain_filter, _("All areas of expertise"), domains())
        municipalities = svc.list_municipalities(self.ctx.uow(), include_inactive=True)
        self._fill_combo(
            self.municipality_filter,
            _("All municipalities"),
            [(m.id, m.name) for m in municipalities if m.active],
        )
        self._municipalities = municipalities
        if self._editor is not None:
            self._editor.set_municipalities(municipalities)

    @staticmethod
    def _fill_combo(combo: QComboBox, everything: str, items: Sequence[tuple[object, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for value, label in items:
            combo.addItem(label, value)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    # ------------------------------------------------------------ public API

    def new_organisation(self) -> None:
        """Ctrl+N: an empty editor for a new partner."""
        self._guard(self._start_new)

    def focus_filter(self) -> None:
        """Ctrl+F: to the search field, its text selected."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def save(self) -> None:
        """Ctrl+S: save the organisation in the editor."""
        if self._editing():
            self._save()

    def import_csv(self) -> None:
        path, _selected = QFileDialog.getOpenFileName(
            self,
            _("Import partners from a CSV file"),
            self._csv_folder(),
            _("CSV files (*.csv *.txt);;All files (*)"),
        )
        if path:
            self.import_file(Path(path))

    def export_csv(self) -> None:
        if not self._has_partners:
            return  # the button and the menu action are disabled: nothing to export
        suggested = str(Path(self._csv_folder()) / _("partners.csv"))
        path, _selected = QFileDialog.getSaveFileName(
            self, _("Export the partner directory"), suggested, _("CSV files (*.csv)")
        )
        if path:
            target = Path(path)
            if not target.suffix:
                target = target.with_suffix(".csv")
            self.export_to(target)

    def show_organisation(self, organisation_id: int) -> None:
        """Open one partner in the editor (e.g. from "Who can help?"), asking first
        when the open one has unsaved changes."""
        self._guard(lambda: self._open(organisation_id))

    def has_unsaved_changes(self) -> bool:
        return self._editing() and self.editor.is_dirty()

    # ------------------------------------------------------------ filter

    def current_filter(self) -> svc.PartnerFilter:
        return svc.PartnerFilter(
            text=self.search_edit.text(),
            sector=self.sector_filter.currentData(),
            municipality_id=self.municipality_filter.currentData(),
            domain=self.domain_filter.currentData(),
            include_archived=self.archived_check.isChecked(),
        )

    def _schedule_filter(self, *_args: object) -> None:
        self._filter_timer.start()

    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(self.current_filter())

    def clear_filter(self) -> None:
        widgets = (
            self.search_edit,
            self.sector_filter,
            self.municipality_filter,
            self.domain_filter,
            self.archived_check,
        )
        for w in widgets:
            w.blockSignals(True)
        self.search_edit.clear()
        for combo in (self.sector_filter, self.municipality_filter, self.domain_filter):
            combo.setCurrentIndex(0)
        self.archived_check.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self._apply_filter()

    def _on_clear_filter_button(self) -> None:
        if self._no_matches_shows_archived:
            self.archived_check.setChecked(True)
            self._apply_filter()
        else:
            self.clear_filter()
        self.search_edit.setFocus()

    def _escape_in_search(self) -> None:
        if self.search_edit.text():
            self.search_edit.clear()
        else:
            self._focus_table()

    def _keep_current_row_visible(self, old_size: QSize, new_size: QSize) -> None:
        """The list got smaller (a message appeared above it, the window shrank): a
        selected row that was visible stays visible."""
        current = self.table.currentIndex()
        if not current.isValid():
            return
        rect = self.table.visualRect(current)
        old = QRect(QPoint(0, 0), old_size)
        new = QRect(QPoint(0, 0), new_size)
        if old.isValid() and old.intersects(rect) and not new.contains(rect):
            self.table.scrollTo(current)

    def _focus_table(self) -> None:
        if self.list_stack.currentWidget() is self.table:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.currentIndex().isValid() and self.model.rowCount():
                self.table.setCurrentIndex(self.model.index(0, 0))

    @staticmethod
    def _is_unfiltered(f: svc.PartnerFilter) -> bool:
        return (
            not f.text.strip()
            and f.sector is None
            and f.municipality_id is None
            and f.domain is None
        )

    # ------------------------------------------------------------ list state

    def _on_reloaded(self) -> None:
        if self.model.total:
            self.list_stack.setCurrentWidget(self.table)
            self._set_has_partners(True)
        else:
            self._show_nothing_found(self.model.partner_filter)
        self._update_count()
        self._select_id(self.editor.organisation_id if self._editing() else None)

    def _show_nothing_found(self, f: svc.PartnerFilter) -> None:
        """The filter found nothing: say why, and what to do."""
        unfiltered = self._is_unfiltered(f)
        # one count: would the same filter find archived partners?
        archived = (
            0
            if f.include_archived
            else svc.count_organisations(self.ctx.uow(), replace(f, include_archived=True))
        )
        if archived:
            self._set_has_partners(True)
        elif unfiltered:
            self._set_has_partners(False)  # not even an archived one
        elif not self._has_partners:
            # only to know whether there is anything to export (partners are archived,
            # never deleted: once there is one, there always is)
            everything = svc.PartnerFilter(include_archived=True)
            self._set_has_partners(svc.count_organisations(self.ctx.uow(), everything) > 0)

        if unfiltered and not archived:
            self.list_stack.setCurrentWidget(self.empty_directory)
            return
        if archived and unfiltered:
            self.no_matches.set_text(
                _("All partners are archived"),
                _("Tick “Show archived” to see them, or add a new partner."),
            )
            self._no_matches_shows_archived = True
            label = _("Show archived")
        elif archived:
            self.no_matches.set_text(
                ngettext(
                    "{n} archived partner matches this filter",
                    "{n} archived partners match this filter",
                    archived,
                ).format(n=format_number(archived)),
                ngettext(
                    "Archived partners are hidden from the list. Show it, or change the filter.",
                    "Archived partners are hidden from the list. Show them, or change the filter.",
                    archived,
                ),
            )
            self._no_matches_shows_archived = True
            label = _("Show archived")
        else:
            self.no_matches.set_text(
                _("No partners match this filter"),
                _("Check the spelling, use fewer words, or clear the filter."),
            )
            self._no_matches_shows_archived = False
            label = _("Clear filter")
        self.clear_filter_button.setText(label)
        self.clear_filter_button.setAccessibleName(label)
        self.list_stack.setCurrentWidget(self.no_matches)

    def _set_has_partners(self, has: bool) -> None:
        """Whether the directory holds any partner (archived ones too): export needs
        one, and the empty pane on the right says something fitting."""
        self.export_button.setEnabled(has)
        if has:
            self.no_selection.set_text(_("Select a partner on the left or add a new one."))
        else:
            self.no_selection.set_text(_("The details of a partner appear here."))
        if has != self._has_partners:
            self._has_partners = has
            self.has_partners_changed.emit(has)

    @property
    def has_partners(self) -> bool:
        """Whether the directory holds any partner, archived ones included."""
        return self._has_partners

    def _update_count(self, *_args: object) -> None:
        total = self.model.total
        text = ngettext("{n} partner", "{n} partners", total).format(n=format_number(total))
        if self.model.partner_filter.include_archived:
            text = _("{count}, archived ones included").format(count=text)
        self.count_label.setText(text)

    def _editing(self) -> bool:
        return self._editor is not None and self.editor_stack.currentWidget() is self._editor

    def _select_id(self, organisation_id: int | None) -> None:
        """Select the row of ``organisation_id`` without opening it (it is open)."""
        row = self.model.row_of(organisation_id) if organisation_id is not None else None
        selection = self.table.selectionModel()
        self._suppress_selection = True
        try:
            if row is None:
                selection.clear()
            else:
                index = self.model.index(row, 0)
                selection.setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(index)
        finally:
            self._suppress_selection = False

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._suppress_selection or not current.isValid():
            return
        organisation_id = self.model.row(current.row()).id
        if self._editing() and organisation_id == self.editor.organisation_id:
            return
        # let the selection change finish before asking or loading
        QTimer.singleShot(0, lambda: self._switch_to(organisation_id))

    def _switch_to(self, organisation_id: int) -> None:
        if self._editing() and organisation_id == self.editor.organisation_id:
            return
        self._guard(
            lambda: self._open(organisation_id),
            cancelled=lambda: self._select_id(
                self.editor.organisation_id if self._editing() else None
            ),
        )

    def _on_changed(self, what: str) -> None:
        if what == "municipalities":
            self._load_vocabulary()
            self.model.reload(keep_loaded=True)
        elif what == "partners":
            self.model.reload(keep_loaded=True)

    # ------------------------------------------------------------ editing

    def _guard(self, then: Callable[[], None], cancelled: Callable[[], None] | None = None) -> None:
        """Run ``then`` unless unsaved changes must be dealt with first: ask to
        save, discard or cancel."""
        if self._saving:
            if cancelled:
                cancelled()
            return
        if not self.has_unsaved_changes():
            then()
            return
        answer = self._ask_unsaved()
        if answer == "save":
            self._save(after=then, failed=cancelled)
        elif answer == "discard":
            self.editor.load(self.editor.original)
            then()
        elif cancelled:
            cancelled()

    def _ask_unsaved(self) -> str:
        """Save, don't save or cancel: returns ``save``, ``discard`` or ``cancel``."""
        box = QMessageBox(self)
        box.setObjectName("unsavedChangesBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Unsaved changes"))
        name = self.editor.name_edit.text().strip() or _("the new partner")
        box.setText(_("Save your changes to “{name}”?").format(name=name))
        box.setInformativeText(_("If you don't save them, your changes are lost."))
        # own texts (Qt's standard "Discard" reads as "Verwerpen" in Dutch)
        answers: dict[str, QPushButton] = {}
        for key, object_name, text, role in (
            ("save", "unsavedSaveButton", _("Save"), QMessageBox.ButtonRole.AcceptRole),
            (
                "discard",
                "unsavedDiscardButton",
                _("Don't save"),
                QMessageBox.ButtonRole.DestructiveRole,
            ),
            ("cancel", "unsavedCancelButton", _("Cancel"), QMessageBox.ButtonRole.RejectRole),
        ):
            button = box.addButton(text, role)
            button.setObjectName(object_name)
            button.setAccessibleName(text)
            answers[key] = button
        box.setDefaultButton(answers["save"])
        box.setEscapeButton(answers["cancel"])
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        for key, button in answers.items():
            if clicked is button:
                return key
        return "cancel"

    def _start_new(self) -> None:
        self._select_id(None)
        self.editor.load(blank_organisation())
        self.editor_stack.setCurrentWidget(self.editor)
        self.editor.focus_first_field()

    def _open(self, organisation_id: int) -> None:
        try:
            data = svc.get_organisation(self.ctx.uow(), organisation_id)
        except NotFoundError as exc:
            self.message.show_message(str(exc), "warning")
            self.model.reload(keep_loaded=True)
            return
        self.editor.load(data)
        self.editor_stack.setCurrentWidget(self.editor)
        self._select_id(organisation_id)

    def revert(self) -> None:
        """'Undo changes' (or 'Cancel' for a new partner)."""
        if self.editor.is_new:
            self.editor.load(blank_organisation())
            self.editor_stack.setCurrentWidget(self.no_selection)
            self._select_id(None)
        else:
            self.editor.load(self.editor.original)

    def _reload_current(self) -> None:
        organisation_id = self.editor.organisation_id
        if organisation_id is not None:
            self._open(organisation_id)
            self.editor.message.show_message(_("Reloaded: you now see the saved version."))

    def _save(
        self,
        after: Callable[[], None] | None = None,
        failed: Callable[[], None] | None = None,
    ) -> None:
        if self._saving:
            return
        if not self.editor.is_new and not self.editor.is_dirty():
            if after:
                after()
            return
        data = self.editor.collect()
        start = self.editor.original  # what the person started from
        focus = self.focusWidget()
        uow = self.ctx.uow

        def saved(result: svc.OrganisationData) -> None:
            self.editor.load(result)
            self.editor.message.show_message(_("Saved “{name}”.").format(name=result.name), "info")
            self.ctx.changed.emit("partners")
            if focus is not None and self.editor.isAncestorOf(focus) and focus.isEnabled():
                focus.setFocus(Qt.FocusReason.OtherFocusReason)
            if after:
                after()

        def refused(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                loose = self.editor.show_errors(exc.errors)
                text = _("Not saved. Please correct what is marked in red.")
                if loose:
                    text = "\n".join([text, *loose])
                self.editor.message.show_message(text, "error")
            elif isinstance(exc, ConflictError) and start.id is not None:
                # the conflict dialog: reload, overwrite, or keep my text in the notes
                organisation_id = start.id
                self._conflict.handle(
                    exc, start, lambda: svc.get_organisation(uow(), organisation_id)
                )
            elif isinstance(exc, PactError):
                self.editor.message.show_message(
                    _("Not saved: {reason}").format(reason=str(exc)), "error"
                )
            else:
                if failed:
                    failed()
                raise exc
            if failed:
                failed()

        self._write(lambda: svc.save_organisation(uow(), data), saved, refused)

    # ------------------------------------------------------------ conflicts

    @property
    def _conflict(self) -> FormConflict:
        """Someone else saved the open partner first (pact.ui.dialogs.conflict)."""
        if self._conflicts is None:
            self._conflicts = self._make_conflict()
        return self._conflicts

    def _make_conflict(self) -> FormConflict:
        editor = self.editor

        def adopt(record: Any) -> None:
            editor.original = replace(editor.original, version=record.version)

        return FormConflict(
            self,
            values=self._conflict_values,
            adopt=adopt,
            save=self._save,
            message=editor.message,
            rows=editor.rows,
            what=_("this partner"),
            me_id=self.ctx.actor.id if self.ctx.has_actor else None,
            fill=editor.load,
            copy_into=editor.notes_edit,
        )

    def _conflict_values(self, record: Any) -> list[FieldValue]:
        o: svc.OrganisationData = record
        e = self.editor

        def since() -> date | None:
            if not e.member_check.isChecked():
                return None
            value = e.member_date.date().toPython()
            assert isinstance(value, date)
            return value

        def contacts() -> str:
            return contacts_text(e.collect().contacts)

        return [
            FieldValue("name", _("Name"), e.name_edit, o.name),
            FieldValue("sector", _("Sector"), e.sector_combo, o.sector),
            FieldValue(
                "municipalities",
                _("Municipalities"),
                e.municipalities_list,
                tuple(sorted(o.municipality_ids)),
            ),
            FieldValue("domains", _("Expertise"), e.domains_list, tuple(sorted(o.domains))),
            FieldValue("offer", _("Offer"), e.offer_edit, o.offer),
            FieldValue("address", _("Address"), e.address_edit, o.address),
            FieldValue("phone", _("Phone"), e.phone_edit, o.phone),
            FieldValue("email", _("E-mail"), e.email_edit, o.email),
            FieldValue("website", _("Website"), e.website_edit, o.website),
            FieldValue(
                "member_since",
                _("Pact member since"),
                e.member_date,
                o.member_since,
                get=since,
                put=lambda _value: None,
            ),
            FieldValue("notes", _("Notes"), e.notes_edit, o.notes),
            FieldValue(
                "contacts",
                _("Contact persons"),
                e.notes_edit,
                contacts_text(o.contacts),
                get=contacts,
                put=lambda _value: None,
            ),
        ]

    def _write(
        self,
        fn: Callable[[], svc.OrganisationData],
        done: Callable[[svc.OrganisationData], None],
        refused: Callable[[BaseException], None],
    ) -> None:
        """Run a write of the open partner on the write worker; the editor is busy
        (and a second save refused) until it has finished either way."""
        self._saving = True
        self.editor.set_busy(True)

        def finish() -> None:
            self._saving = False
            self.editor.set_busy(False)

        def ok(result: svc.OrganisationData) -> None:
            finish()
            done(result)

        def failed(exc: BaseException) -> None:
            finish()
            refused(exc)

        Op(self, fn, write=True).success(ok).failure(failed).run()

    def toggle_archived(self) -> None:
        """Archive the open partner, or restore it when it is archived."""
        if self.editor.is_new or self._saving:
            return
        self._guard(self._toggle_archived)

    def _toggle_archived(self) -> None:
        organisation_id = self.editor.organisation_id
        if organisation_id is None:
            return
        archive = not self.editor.original.archived
        uow = self.ctx.uow

        def done(result: svc.OrganisationData) -> None:
            self.editor.load(result)
            if archive:
                text = _(
                    "“{name}” is archived. It is hidden from the list unless “Show archived” "
                    "is ticked; nothing was deleted."
                ).format(name=result.name)
                self.editor.message.show_message(text, "info", (_("Undo"), self.toggle_archived))
            else:
                self.editor.message.show_message(
                    _("“{name}” is active again.").format(name=result.name), "info"
                )
            self.ctx.changed.emit("partners")

        def refused(exc: BaseException) -> None:
            if isinstance(exc, PactError):
                self.editor.message.show_message(error_text(exc), "error")
            else:
                raise exc

        self._write(lambda: svc.set_archived(uow(), organisation_id, archive), done, refused)

    # ------------------------------------------------------------ CSV

    def _csv_folder(self) -> str:
        folder = str(_settings().value(f"{_SETTINGS_GROUP}/csvFolder", "") or "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def _remember_folder(self, path: Path) -> None:
        _settings().setValue(f"{_SETTINGS_GROUP}/csvFolder", str(path.parent))

    def import_file(self, path: Path) -> None:
        """Read ``path`` in the background and show the import preview."""
        self._remember_folder(path)
        uow = self.ctx.uow

        def read() -> partner_csv.ImportPreview:
            return partner_csv.preview_import(uow(), path.read_bytes())

        def failed(exc: BaseException) -> None:
            if isinstance(exc, OSError):
                reason = exc.strerror or str(exc)
            elif isinstance(exc, PactError):
                reason = str(exc)
            else:
                raise exc
            self.message.show_message(
                _("{file} cannot be imported: {reason}").format(file=path.name, reason=reason),
                "error",
            )

        Op(self, read).with_progress(_("Reading {file}…").format(file=path.name)).success(
            lambda preview: self._show_import(path, preview)
        ).failure(failed).run()

    def _show_import(self, path: Path, preview: partner_csv.ImportPreview) -> None:
        dialog = ImportCsvDialog(self.ctx, preview, path.name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(self._on_imported)
        dialog.finished.connect(self._forget_import_dialog)
        self.import_dialog = dialog
        dialog.open()

    def _forget_import_dialog(self, *_args: object) -> None:
        self.import_dialog = None

    def _on_imported(self, result: partner_csv.ImportResult) -> None:
        self.message.show_message(
            _("Imported {organisations} and {contacts}.").format(
                organisations=ngettext(
                    "{n} organisation", "{n} organisations", result.organisations
                ).format(n=format_number(result.organisations)),
                contacts=ngettext(
                    "{n} contact person", "{n} contact persons", result.contacts
                ).format(n=format_number(result.contacts)),
            ),
            "info",
        )

    def export_to(self, path: Path) -> None:
        """Write the directory as CSV to ``path`` (atomically) in the background."""
        self._remember_folder(path)
        uow = self.ctx.uow

        def write() -> Path:
            atomic_write(path, partner_csv.export_csv(uow()))
            return path

        def failed(exc: BaseException) -> None:
            if isinstance(exc, OSError):
                reason = exc.strerror or str(exc)
            elif isinstance(exc, PactError):
                reason = str(exc)
            else:
                raise exc
            self.message.show_message(
                _("The export failed: {reason}").format(reason=reason), "error"
            )

        Op(self, write).with_progress(_("Exporting partners…")).success(
            lambda p: self.message.show_message(
                _("The partner directory was exported to {path}.").format(path=str(p)), "info"
            )
        ).failure(failed).run()

    # ------------------------------------------------------------ remembered layout

    def _restore_state(self) -> None:
        settings = _settings()
        splitter = settings.value(f"{_SETTINGS_GROUP}/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        restore_column_weights(settings, f"{_SETTINGS_GROUP}/columnWeights", self.columns)

    def _save_state(self) -> None:
        settings = _settings()
        settings.setValue(f"{_SETTINGS_GROUP}/splitter", self.splitter.saveState())
        save_column_weights(settings, f"{_SETTINGS_GROUP}/columnWeights", self.columns)
