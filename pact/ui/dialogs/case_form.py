"""The base of every dialog that edits something in a case file.

A form of ``FieldRow``s named by the service's field names; Save (or Enter, or
Ctrl+Enter in a text box) runs the service call on the write worker (``Op``), the
dialog stays open with what was typed when the service refuses, and shows each
message next to its field. Nothing is saved unless the whole call succeeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import (
    ConflictError,
    ConsentRequiredError,
    FieldError,
    PactError,
    ValidationError,
)
from pact.i18n import _, language
from pact.ui.context import AppContext
from pact.ui.dialogs.conflict import FieldValue, FormConflict, caption_of
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.case_badges import HINT_STYLE
from pact.ui.widgets.check_picker import CheckPicker
from pact.ui.widgets.checklist import CheckList
from pact.ui.widgets.field import FieldRow
from pact.ui.widgets.message_bar import MessageBar

# ---------------------------------------------------------------- field helpers


def line_edit(name: str, accessible: str, text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setText(text)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def text_edit(name: str, accessible: str, text: str = "", lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setTabChangesFocus(True)
    edit.setPlainText(text)
    line = edit.fontMetrics().lineSpacing()
    edit.setFixedHeight(line * lines + 2 * edit.frameWidth() + 10)
    return edit


def date_format() -> str:
    return "dd-MM-yyyy" if language() == "nl" else "dd/MM/yyyy"


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_edit(
    name: str,
    accessible: str,
    value: date | None = None,
    latest: date | None = None,
) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(date_format())
    edit.setMinimumDate(QDate(1990, 1, 1))
    if latest is not None:
        edit.setMaximumDate(qdate(latest))
    edit.setDate(qdate(value or date.today()))
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("00-00-00000") + 48)
    return edit


def date_value(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


def combo(
    name: str,
    accessible: str,
    items: Iterable[tuple[Any, str]],
    none_text: str | None = None,
    value: Any = None,
) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(24)
    if none_text is not None:
        box.addItem(none_text, None)
    for data, text in items:
        box.addItem(text, data)
    set_combo(box, value)
    return box


def set_combo(box: QComboBox, value: Any) -> None:
    for i in range(box.count()):
        if box.itemData(i) == value:
            box.setCurrentIndex(i)
            return
    box.setCurrentIndex(0 if box.count() else -1)


def searchable(box: QComboBox, placeholder: str) -> None:
    """Type to find an item (any part of its text) in a long combo box."""
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(box.model(), box)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    box.setCompleter(completer)
    edit = box.lineEdit()
    if edit is not None:
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(box.accessibleName())


def push_button(name: str, text: str, tip: str = "", accessible: str = "") -> QPushButton:
    """A button that Enter in a form does not press (no auto-default)."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible or text.replace("&", "").rstrip("…"))
    if tip:
        button.setToolTip(tip)
    button.setAutoDefault(False)
    return button


def heading_label(text: str, name: str = "") -> QLabel:
    """A bold caption over a part of a form or page."""
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def wrapped_label(text: str = "", name: str = "", style: str = "", bold: bool = False) -> QLabel:
    """A plain-text label that wraps and whose text can be selected (and copied)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    if style:
        label.setStyleSheet(style)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def check_box(name: str, text: str, checked: bool = False, accessible: str = "") -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setAccessibleName(accessible or text.replace("&", ""))
    box.setChecked(checked)
    return box


def hint_label(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


# ---------------------------------------------------------------- the dialog


class CaseFormDialog(QDialog):
    """Subclasses build their fields with ``add_row`` and implement ``prepare``:
    read the fields (on the UI thread) and return the service call to run, or None
    when something is wrong before asking the service (then show it with
    ``set_error``). ``saved(result)`` fires after a successful save; then the
    dialog closes (accepted). ``done_text`` is what the case file says afterwards.

    A dialog that edits a saved record also implements ``conflict_source`` (the
    record it started from, and how to read it as saved now), ``conflict_values``
    (which widget shows which value of a record) and ``adopt`` (edit that record
    from now on): when someone else saved first, the conflict dialog
    (``pact.ui.dialogs.conflict``) offers reload, overwrite or keeping a copy."""

    saved = Signal(object)
    consent_tab_requested = Signal()

    def __init__(
        self,
        ctx: AppContext,
        name: str,
        title: str,
        intro: str = "",
        save_text: str = "",
        scroll: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.ctx = ctx
        self.rows: dict[str, FieldRow] = {}
        self.aliases: dict[str, str] = {}  # service field -> row
        self.result_value: Any = None
        self.done_text = _("Saved.")
        self._busy = False
        self._loading = True
        self._dirty = False
        self.discard_box: QMessageBox | None = None
        self.offers_consent_tab = False

        outer = QVBoxLayout(self)
        self.intro = QLabel(intro, self)
        self.intro.setObjectName("dialogIntro")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setVisible(bool(intro))
        outer.addWidget(self.intro)
        self.message = MessageBar("dialogMessage", self)
        outer.addWidget(self.message)
        self.conflict = FormConflict(
            self,
            load=lambda: None,
            values=self.conflict_values,
            adopt=self.adopt,
            save=self._submit,
            message=self.message,
            rows=self.rows,
            what=self.conflict_what(),
            me_id=ctx.actor.id if ctx.has_actor else None,
            edited=self._conflict_edited,
            reloaded=self._conflict_reloaded,
            refit=self._refit,
        )

        self.body = QWidget()
        self.body.setObjectName("dialogBody")
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.body_layout.addLayout(self.form)
        self.scroll_area: QScrollArea | None = None
        if scroll:
            area = QScrollArea(self)
            area.setObjectName("dialogScroll")
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            area.setWidget(self.body)
            self.scroll_area = area
            outer.addWidget(area, 1)
        else:
            outer.addWidget(self.body, 1)

        self.busy = busy_bar(self, "dialogBusy")
        outer.addWidget(self.busy)
        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(save_text or _("Save"), self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setAccessibleName((save_text or _("Save")).replace("&", ""))
        self.save_button.setDefault(True)
        self.save_button.setToolTip(_("Save (Enter)"))
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAccessibleName(_("Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.setToolTip(_("Close without saving (Esc)"))
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        # Enter in a text box starts a new line; Ctrl+Enter saves from anywhere
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.save_now)

    # ------------------------------------------------------------ building

    def add_row(
        self,
        key: str,
        label: str,
        field: QWidget,
        required: bool = False,
        hint: str = "",
        layout: QFormLayout | None = None,
        hint_above: bool = False,
    ) -> FieldRow:
        """A captioned field with its error label (``<key>Error``) and an optional hint
        (under the field, or above it with ``hint_above``: a hint on how to use a list)."""
        row = FieldRow(field, key)
        row.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        if hint:
            hint_widget = hint_label(hint, key + "Hint")
            row_layout = row.layout()
            assert isinstance(row_layout, QVBoxLayout)
            row_layout.insertWidget(0 if hint_above else 1, hint_widget)
        text = _("{label} *").format(label=label) if required else label
        caption = QLabel(text)
        caption.setObjectName(key + "Label")
        caption.setBuddy(field.focusProxy() or field)
        (layout or self.form).addRow(caption, row)
        self.rows[key] = row
        self._clear_on_change(field, row)
        return row

    def clear_on(self, signal: Any, *rows: FieldRow) -> None:
        """When ``signal`` fires the messages of ``rows`` go (and the dialog then holds
        typed input): for a field whose check involves another one (an end time and
        its start), or a widget the form does not know."""

        def clear(*_args: object) -> None:
            if not self._loading:
                for row in rows:
                    row.set_error(None)
                self._dirty = True

        signal.connect(clear)

    def _clear_on_change(self, field: QWidget, row: FieldRow) -> None:
        """A field's message goes as soon as the person changes the field."""
        if isinstance(field, QLineEdit):
            self.clear_on(field.textEdited, row)
        elif isinstance(field, QPlainTextEdit):
            self.clear_on(field.textChanged, row)
        elif isinstance(field, QComboBox):
            self.clear_on(field.currentIndexChanged, row)
        elif isinstance(field, QDateEdit):
            self.clear_on(field.dateChanged, row)
        elif isinstance(field, QCheckBox):
            self.clear_on(field.toggled, row)
        elif isinstance(field, CheckList | CheckPicker):
            self.clear_on(field.changed, row)
        for child in field.findChildren(QWidget):
            if isinstance(child, QDateEdit):
                self.clear_on(child.dateChanged, row)
            elif isinstance(child, QCheckBox | QRadioButton):
                self.clear_on(child.toggled, row)
            elif isinstance(child, QComboBox):
                self.clear_on(child.currentIndexChanged, row)
            elif isinstance(child, QLineEdit) and not isinstance(child.parent(), QComboBox):
                self.clear_on(child.textEdited, row)

    def finish_building(self, width: int = 560) -> None:
        """Call at the end of the subclass's __init__: size the dialog to its form."""
        self._loading = False
        self._buttons_last()
        self.body_layout.invalidate()
        self.body_layout.activate()
        self.resize(max(width, self.sizeHint().width()), self.sizeHint().height())
        if self.scroll_area is not None:
            self.resize(self.width(), min(max(self._scroll_need(), 360), self._height_limit()))

    def _focus_chain(self) -> list[QWidget]:
        """Every widget of the dialog in Tab order."""
        out: list[QWidget] = []
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self and len(out) < 5000:
            out.append(widget)
            widget = widget.nextInFocusChain()
        return out

    def _buttons_last(self) -> None:
        """Tab goes through the fields top to bottom, then Save, then Cancel (the
        fields were made after the buttons, so Qt would visit the buttons first)."""
        fields = [
            w
            for w in self._focus_chain()
            if self.body.isAncestorOf(w) and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ]
        if fields:
            QWidget.setTabOrder(fields[-1], self.save_button)
        QWidget.setTabOrder(self.save_button, self.cancel_button)

    def first_field(self) -> QWidget | None:
        """The widget the keyboard starts in: the first shown field (through its
        focus proxy: a level chooser's checked level, a picker's filter)."""
        for row in self.rows.values():
            if not row.isVisibleTo(self) or not row.isEnabled():
                continue
            widget: QWidget = row.focus_target
            for _step in range(10):
                proxy = widget.focusProxy()
                if proxy is None:
                    break
                widget = proxy
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                return widget
        return None

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab goes round: from the last button back to the first field, and Shift+Tab
        from the first field to the last button."""
        chain = self.tab_chain()
        first = self.first_field()
        current = self.focusWidget()
        if chain and first is not None and current is not None:
            if next and current is chain[-1]:
                first.setFocus(Qt.FocusReason.TabFocusReason)
                return True
            if not next and (current is first or first.isAncestorOf(current)):
                chain[-1].setFocus(Qt.FocusReason.BacktabFocusReason)
                return True
        return super().focusNextPrevChild(next)

    def tab_chain(self) -> list[QWidget]:
        """The widgets Tab reaches, in order (the visible, enabled ones)."""
        return [
            w
            for w in self._focus_chain()
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(self) and w.isEnabled()
        ]

    def _height_limit(self) -> int:
        screen = self.screen()
        return int(screen.availableGeometry().height() * 0.92) if screen else 800

    def _scroll_need(self) -> int:
        self.body_layout.invalidate()
        self.body_layout.activate()
        return self.body.sizeHint().height() + self._chrome_height()

    def _chrome_height(self) -> int:
        intro = self.intro.heightForWidth(self.width() - 24) if not self.intro.isHidden() else 0
        return intro + self.buttons.sizeHint().height() + 70

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.rows:
            # the keyboard starts in the first field
            first = next(iter(self.rows.values()))

            def focus_first() -> None:
                if isValid(first):
                    first.focus()

            QTimer.singleShot(0, focus_first)

    # ------------------------------------------------------------ errors

    def row_for(self, field: str) -> FieldRow | None:
        key = self.aliases.get(field, field)
        row = self.rows.get(key)
        if row is None and "." in field:
            # "steps.0.owner" -> a row of that name, or of the list ("steps")
            row = self.rows.get(field.split(".", 1)[0])
        return row

    def set_error(self, field: str, message: str) -> None:
        row = self.row_for(field)
        if row is not None:
            previous = row.error()
            row.set_error(
                f"{previous}\n{message}" if previous and message not in previous else message
            )
        else:
            self.message.show_message(message, "error")

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error(None)
        self.message.hide()

    def error_of(self, key: str) -> str:
        row = self.rows.get(key)
        return row.error() if row is not None else ""

    def show_errors(self, errors: list[FieldError]) -> None:
        loose: list[str] = []
        first: FieldRow | None = None
        for e in errors:
            row = self.row_for(e.field)
            if row is None:
                loose.append(e.message)
                continue
            self.set_error(e.field, e.message)
            if first is None:
                first = row
        text = _("Not saved. Please correct what is marked in red.")
        if loose:
            text = "\n".join([text, *loose]) if first is not None else "\n".join(loose)
        self.message.show_message(text, "error")
        if first is not None:
            first.focus()
            if self.scroll_area is not None:
                self.scroll_area.ensureWidgetVisible(first)
        self._refit()

    def _refit(self, shrink: bool = False) -> None:
        QTimer.singleShot(0, lambda: self._grow_to_fit(shrink))

    def _grow_to_fit(self, shrink: bool = False) -> None:
        """Messages appeared (or a part was added): grow to show them, within the screen;
        with ``shrink`` (a part was hidden) also as short as the form now is."""
        if not isValid(self):
            return
        if self.scroll_area is not None:
            need = min(self._scroll_need(), self._height_limit())
        else:
            layout = self.layout()
            if layout is not None:
                layout.activate()
            need = self.sizeHint().height()
        if need > self.height() or (shrink and need < self.height()):
            self.resize(self.width(), need)

    # ------------------------------------------------------------ saving

    def prepare(self) -> Callable[[], Any] | None:
        raise NotImplementedError

    # ------------------------------------------------------------ conflicts

    def conflict_source(self) -> tuple[Any, Callable[[], Any]] | None:
        """(the record this form started from, a call that reads it as it is saved
        now: it runs off the UI thread); None for a form that makes a new record."""
        return None

    def conflict_values(self, record: Any) -> list[FieldValue]:
        """What each field shows for ``record`` (the same fields for any record)."""
        return []

    def adopt(self, record: Any) -> None:
        """Edit ``record`` (as saved now, with its version) from now on."""

    def conflict_what(self) -> str:
        """What the form edits, for the conflict dialog ("this child's details")."""
        return ""

    def caption(self, key: str) -> str:
        return caption_of(self.rows, key, self)

    def _conflict_edited(self) -> None:
        self._dirty = True

    def _conflict_reloaded(self) -> None:
        self._dirty = False

    def _conflict(self, exc: ConflictError) -> None:
        source = self.conflict_source()
        if source is None:
            # a new record lost to a change of what it belongs to (a child added to
            # the case at the same moment): saving again loses nothing of theirs
            if not self.conflict.retried:
                self.conflict.retried = True
                self._submit()
                return
            self.message.show_message(_("Not saved: {reason}").format(reason=str(exc)), "error")
            self._refit()
            return
        start, load = source
        self.conflict.handle(exc, start, load)

    # ------------------------------------------------------------ saving

    def accept(self) -> None:
        if self._busy:
            return
        self.conflict.saving()
        self._submit()

    def _submit(self) -> None:
        """Save what the form holds (again, after a conflict: over the version the
        form adopted)."""
        if self._busy:
            return
        self.clear_errors()
        fn = self.prepare()
        if fn is None:
            self._refit()
            return
        self._set_busy(True)
        Op(self, fn, write=True).success(self._saved).failure(self._failed).run()

    def save_now(self) -> None:
        """Ctrl+Enter: save, from any field."""
        self.accept()

    def mark_edited(self) -> None:
        if not self._loading:
            self._dirty = True

    def is_dirty(self) -> bool:
        """Whether the person typed or chose something that is not saved."""
        return self._dirty

    def reject(self) -> None:
        """Cancel, Esc or the window's close button: ask first when something was
        typed (a long consultation should not be lost to one key)."""
        if self._busy:
            return  # the write finishes first: it cannot be taken back half-way
        if not self._dirty:
            super().reject()
            return
        box = QMessageBox(self)
        box.setObjectName("discardInputBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Discard what you typed?"))
        box.setText(_("What you typed in this window is not saved yet."))
        box.setInformativeText(_("Close the window and discard it?"))
        discard = box.addButton(_("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        discard.setObjectName("discardButton")
        discard.setAccessibleName(_("Discard what you typed"))
        keep = box.addButton(_("Keep editing"), QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("keepEditingButton")
        keep.setAccessibleName(_("Keep editing"))
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda b: self.discard() if b is discard else None)
        self.discard_box = box
        box.open()

    def discard(self) -> None:
        """Close without saving and without asking."""
        if self._busy:
            return
        self._dirty = False
        super().reject()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        self.save_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)

    def _saved(self, result: Any) -> None:
        if not isValid(self):
            return
        self._set_busy(False)
        self.result_value = result
        self.saved.emit(result)
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            if isValid(self):
                self._set_busy(False)
            raise exc
        if not isValid(self):
            return
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            if isinstance(exc, ConsentRequiredError):
                self.consent_required(exc)
        elif isinstance(exc, ConflictError):
            self._conflict(exc)
        else:
            self.message.show_message(_("Not saved: {reason}").format(reason=str(exc)), "error")
            self._refit()

    def consent_required(self, exc: ConsentRequiredError) -> None:
        """The service refused to share with a partner: offer the way to fix it
        (dialogs with ``offers_consent_tab``; the others keep what was typed, and the
        message next to the field says what to do)."""
        if not self.offers_consent_tab:
            return
        self.message.show_message(
            self.message.text.text(),
            "error",
            (_("Go to the Consent tab"), self._go_to_consent),
        )

    def _go_to_consent(self) -> None:
        # what was typed is lost: the refusal said it cannot be saved as it is
        self.consent_tab_requested.emit()
        self.discard()

    # ------------------------------------------------------------ tests and screen readers

    def field(self, key: str) -> QWidget:
        return self.rows[key].field
