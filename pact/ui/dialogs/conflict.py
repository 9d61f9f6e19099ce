"""When someone else saved first: the conflict dialog, and the way a form handles it.

The dialog says who saved and when, shows their text and the user's text of each
field that differs (read-only), and offers three choices:

* Reload: take their version; the user's changes here are dropped.
* Overwrite: save the user's text over theirs (an ordinary, audited update).
* Keep my text as a copy: theirs stays as saved, and the user's text is kept: a
  form shows their version with the user's own text under each field that differs
  (with a button to take it over); the minutes keep it as the user's draft of the
  item, which the recovered-minutes window offers.

Escape (or "Back to my text") closes the dialog; the form stays open with the
user's text as it was. Nothing is lost silently.

``FormConflict`` does this for a form: given how to read the record as saved now,
which widget shows which value, and how to save again, it loads the current record,
saves again on its own when the other save changed nothing this form shows (a child
added to the case changes the case's version, not its details), and otherwise asks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCommandLinkButton,
    QDateEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.errors import ConflictError, PactError
from pact.i18n import _, format_date, format_datetime
from pact.ui.ops import Op
from pact.ui.widgets.check_picker import CheckPicker
from pact.ui.widgets.checklist import CheckList
from pact.ui.widgets.field import FieldRow
from pact.ui.widgets.message_bar import MessageBar

RELOAD = "reload"
OVERWRITE = "overwrite"
COPY = "copy"
CANCEL = "cancel"

THEIRS_STYLE = "QPlainTextEdit, QTextEdit { background: #f4f4f4; }"
MINE_STYLE = "QPlainTextEdit, QTextEdit { background: #fff8e1; }"
COPY_STYLE = (
    "#NAME { background: #fff8e1; border: 1px solid #d9b44a; border-radius: 4px; }"
    " #NAME QLabel { background: transparent; border: none; }"
)


# ---------------------------------------------------------------- words


def local_time(at: datetime) -> datetime:
    """An aware (UTC) time on this computer's clock."""
    return at.astimezone()


def moment_text(at: datetime | None) -> str:
    """ "14:32" today, "3 June 2026, 14:32" on another day."""
    if at is None:
        return ""
    here = local_time(at)
    if here.date() == datetime.now().astimezone().date():
        return format_datetime(here.replace(tzinfo=None), "HH:mm")
    return format_datetime(here.replace(tzinfo=None), "d MMMM y, HH:mm")


def saved_first_text(exc: ConflictError, me_id: int | None = None) -> str:
    """Who saved first and when, in one sentence for the person who lost the race."""
    at = moment_text(exc.at)
    today = exc.at is not None and local_time(exc.at).date() == datetime.now().astimezone().date()
    if exc.user_id is not None and exc.user_id == me_id:
        if not at:
            return _("You saved this in another window while you were changing it here.")
        if today:
            return _(
                "You saved this at {time} in another window, while you were changing it here."
            ).format(time=at)
        return _(
            "You saved this on {moment} in another window, while you were changing it here."
        ).format(moment=at)
    if not exc.who:
        return _("Someone else saved this while you were changing it.")
    if not at:
        return _("{who} saved this while you were changing it.").format(who=exc.who)
    if today:
        return _("{who} saved this at {time}, while you were changing it.").format(
            who=exc.who, time=at
        )
    return _("{who} saved this on {moment}, while you were changing it.").format(
        who=exc.who, moment=at
    )


def conflict_title(exc: ConflictError, me_id: int | None = None) -> str:
    if exc.user_id is not None and exc.user_id == me_id:
        return _("You saved this in another window")
    if exc.who:
        return _("{who} saved this first").format(who=exc.who)
    return _("Someone else saved this first")


def not_saved_text(exc: ConflictError, me_id: int | None = None) -> str:
    """What a form says after Escape: not saved, and why."""
    return _("Not saved: {reason} Your text is still here; save again to choose.").format(
        reason=saved_first_text(exc, me_id)
    )


def empty_text() -> str:
    return _("(empty)")


# ---------------------------------------------------------------- the dialog


@dataclass(frozen=True)
class Difference:
    """A field whose saved text differs from the user's."""

    label: str
    theirs: str
    mine: str
    key: str = ""
    markdown: bool = False  # minutes: shown formatted


CHARS_PER_LINE = 42  # about what a half of the dialog holds


def _lines(text: str) -> int:
    """How many lines ``text`` takes in a viewer (at most 8: then it scrolls)."""
    count = sum(max(1, -(-len(part) // CHARS_PER_LINE)) for part in (text or "x").split("\n"))
    return max(1, min(8, count))


def _viewer(
    name: str, accessible: str, text: str, markdown: bool, style: str, lines: int
) -> QWidget:
    view: QTextEdit | QPlainTextEdit
    if markdown:
        view = QTextEdit()
        view.setMarkdown(text or empty_text())
    else:
        view = QPlainTextEdit()
        view.setPlainText(text or empty_text())
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setReadOnly(True)
    view.setTabChangesFocus(True)
    view.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByKeyboard
        | Qt.TextInteractionFlag.TextSelectableByMouse
    )
    view.setStyleSheet(style)
    line = view.fontMetrics().lineSpacing()
    view.setFixedHeight(line * lines + 2 * view.frameWidth() + 12)
    view.setMinimumWidth(view.fontMetrics().averageCharWidth() * (CHARS_PER_LINE + 4))
    return view


class ConflictDialog(QDialog):
    """Someone else saved first: who and when, both texts, and the three choices.
    ``chosen`` carries RELOAD, OVERWRITE, COPY, or CANCEL (Escape)."""

    chosen = Signal(str)

    def __init__(
        self,
        exc: ConflictError,
        differences: Sequence[Difference],
        what: str = "",
        copy_hint: str = "",
        me_id: int | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        title = conflict_title(exc, me_id)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.exc = exc
        self.differences = list(differences)
        self.choice = CANCEL

        outer = QVBoxLayout(self)
        outer.setSpacing(10)
        self.headline = QLabel(saved_first_text(exc, me_id), self)
        self.headline.setObjectName("conflictHeadline")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.headline.setFont(font)
        outer.addWidget(self.headline)
        explain = (
            _("Your changes to {what} are not saved yet.").format(what=what)
            if what
            else _("Your changes are not saved yet.")
        )
        if self.differences:
            explain += " " + _("Here is what differs: their text as it is saved now, and yours.")
        else:
            explain += " " + _("Your text and theirs are the same in this window.")
        self.explain = QLabel(explain, self)
        self.explain.setObjectName("conflictExplain")
        self.explain.setWordWrap(True)
        outer.addWidget(self.explain)

        body = QWidget(self)
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        who = exc.who or _("Someone else")
        at = moment_text(exc.at)
        theirs_head = QLabel(
            _("Saved by {who} ({time})").format(who=who, time=at)
            if at
            else _("Saved by {who}").format(who=who),
            body,
        )
        theirs_head.setObjectName("conflictTheirsHeading")
        mine_head = QLabel(_("Your text (not saved)"), body)
        mine_head.setObjectName("conflictMineHeading")
        for head in (theirs_head, mine_head):
            bold = head.font()
            bold.setBold(True)
            head.setFont(bold)
        grid.addWidget(theirs_head, 0, 1)
        grid.addWidget(mine_head, 0, 2)
        self.theirs_views: list[QWidget] = []
        self.mine_views: list[QWidget] = []
        for n, diff in enumerate(self.differences, start=1):
            lines = max(_lines(diff.theirs), _lines(diff.mine))
            caption = QLabel(diff.label, body)
            caption.setObjectName(f"conflictField{n}")
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            caption.setWordWrap(True)
            theirs = _viewer(
                f"conflictTheirs{n}",
                _("{field}: saved by {who}").format(field=diff.label, who=who),
                diff.theirs,
                diff.markdown,
                THEIRS_STYLE,
                lines,
            )
            mine = _viewer(
                f"conflictMine{n}",
                _("{field}: your text").format(field=diff.label),
                diff.mine,
                diff.markdown,
                MINE_STYLE,
                lines,
            )
            grid.addWidget(caption, n, 0)
            grid.addWidget(theirs, n, 1)
            grid.addWidget(mine, n, 2)
            self.theirs_views.append(theirs)
            self.mine_views.append(mine)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        if len(self.differences) > 4:
            area = QScrollArea(self)
            area.setObjectName("conflictScroll")
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setWidget(body)
            area.setMinimumHeight(320)
            outer.addWidget(area, 1)
        else:
            outer.addWidget(body)
        body.setVisible(bool(self.differences))

        question = QLabel(_("What do you want to do?"), self)
        question.setObjectName("conflictQuestion")
        outer.addWidget(question)
        self.copy_button = self._choice(
            "conflictCopyButton",
            _("&Keep my text as a copy"),
            copy_hint
            or _(
                "Their version stays saved. Your text stays visible under each field that "
                "differs, so you can take over what you need."
            ),
            COPY,
        )
        self.reload_button = self._choice(
            "conflictReloadButton",
            _("&Reload: take their version"),
            _("Your changes in this window are dropped. Their version is shown."),
            RELOAD,
        )
        self.overwrite_button = self._choice(
            "conflictOverwriteButton",
            _("&Overwrite with my text"),
            _("Your text replaces theirs. The audit log keeps both saves."),
            OVERWRITE,
        )
        for button in (self.copy_button, self.reload_button, self.overwrite_button):
            outer.addWidget(button)
        row = QHBoxLayout()
        row.addStretch(1)
        self.back_button = QPushButton(_("Back to my text"), self)
        self.back_button.setObjectName("conflictBackButton")
        self.back_button.setAccessibleName(_("Back to my text"))
        self.back_button.setToolTip(_("Close this window and keep editing (Esc); nothing is saved"))
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.reject)
        row.addWidget(self.back_button)
        outer.addLayout(row)
        # the safe choice is the default: nothing of either text is lost
        self.copy_button.setDefault(True)
        self.copy_button.setFocus()
        self.setMinimumWidth(720)
        self.resize(max(760, self.sizeHint().width()), self.sizeHint().height())

    def _choice(self, name: str, text: str, description: str, choice: str) -> QCommandLinkButton:
        button = QCommandLinkButton(text, description, self)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        button.setAccessibleDescription(description)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: self.choose(choice))
        return button

    def choose(self, choice: str) -> None:
        self.choice = choice
        if choice == CANCEL:
            self.reject()
        else:
            self.accept()

    def done(self, result: int) -> None:
        super().done(result)
        self.chosen.emit(self.choice)

    def reject(self) -> None:
        self.choice = CANCEL
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)


# ---------------------------------------------------------------- forms


@dataclass(frozen=True)
class FieldValue:
    """What one field of a form shows for a record: the row's key, its caption, the
    widget, and the value as the widget holds it (a combo box's item data, a line's
    text). ``text``: how to show a value the widget has no item for."""

    key: str
    label: str
    widget: QWidget
    value: Any
    text: str = ""
    # for a field that is more than one widget's value (a date only with a buddy):
    # how to read it from the form and how to put it back
    get: Callable[[], Any] | None = None
    put: Callable[[Any], None] | None = None
    describe: Callable[[Any], str] | None = None  # the value in words

    def words(self, value: Any, text: str = "") -> str:
        if self.describe is not None:
            return self.describe(value)
        return display_value(self.widget, value, text)

    def current(self) -> Any:
        return self.get() if self.get is not None else widget_value(self.widget)

    def show(self, value: Any, text: str = "") -> None:
        if self.put is not None:
            self.put(value)
        else:
            set_widget_value(self.widget, value, text)


def widget_value(widget: QWidget) -> Any:
    """The value a widget holds now, comparable with a FieldValue's."""
    if isinstance(widget, QLineEdit):
        return widget.text().strip()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QDateEdit):
        return widget.date().toPython()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, CheckPicker | CheckList):
        return tuple(sorted(widget.checked_values()))
    raise TypeError(f"no value for {type(widget).__name__}")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        # a set of choices (ticked partners, invites): in any order
        return sorted(a, key=repr) == sorted(b, key=repr)
    return bool(a == b)


def set_widget_value(widget: QWidget, value: Any, text: str = "") -> None:
    """Put ``value`` into ``widget`` (a combo box without the item gets it, shown as
    ``text``)."""
    if isinstance(widget, QLineEdit):
        widget.setText(str(value or ""))
        widget.textEdited.emit(widget.text())
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value or ""))
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        if index < 0 and value is not None:
            widget.addItem(text or str(value), value)
            index = widget.count() - 1
        widget.setCurrentIndex(max(index, 0))
    elif isinstance(widget, QDateEdit):
        if isinstance(value, date):
            widget.setDate(QDate(value.year, value.month, value.day))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value or 0))
    elif isinstance(widget, CheckPicker | CheckList):
        widget.set_checked(tuple(value or ()))
    else:
        raise TypeError(f"cannot set {type(widget).__name__}")


def display_value(widget: QWidget, value: Any, text: str = "") -> str:
    """``value`` as the person reads it in ``widget``."""
    if isinstance(widget, QComboBox):
        index = widget.findData(value)
        if index >= 0:
            return widget.itemText(index)
        return text or ("" if value is None else str(value))
    if isinstance(widget, QDateEdit):
        return format_date(value) if isinstance(value, date) else ""
    if isinstance(widget, QCheckBox):
        return _("Yes") if value else _("No")
    if isinstance(widget, CheckPicker | CheckList):
        names = []
        for v in value or ():
            item = widget.item_for(v)
            names.append(item.text() if item is not None else str(v))
        return "\n".join(names) if names else _("None")
    return str(value or "")


class CopyBox(QFrame):
    """The user's own text under a field after "Keep my text as a copy", with a
    button that puts it back into the field."""

    def __init__(self, key: str, label: str, mine_text: str, use: Callable[[], None]):
        super().__init__()
        name = f"{key}Copy"
        self.setObjectName(name)
        self.setStyleSheet(COPY_STYLE.replace("NAME", name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        head = QLabel(_("Your text (not saved):"), self)
        bold = head.font()
        bold.setBold(True)
        head.setFont(bold)
        layout.addWidget(head)
        self.text = QLabel(mine_text or empty_text(), self)
        self.text.setObjectName(f"{key}CopyText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName(_("{field}: your text (not saved)").format(field=label))
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addStretch(1)
        self.use_button = QPushButton(_("Use my text"), self)
        self.use_button.setObjectName(f"{key}UseCopy")
        self.use_button.setAccessibleName(_("Use my text for {field}").format(field=label))
        self.use_button.setAutoDefault(False)
        self.use_button.clicked.connect(use)
        row.addWidget(self.use_button)
        layout.addLayout(row)


class FormConflict:
    """Conflict handling for one form (a dialog or an editor pane).

    ``load``: reads the record as saved now (runs off the UI thread);
    ``values(record)``: the FieldValues the form shows for a record;
    ``adopt(record)``: the form edits that record from now on (its version);
    ``save()``: saves the form again (after ``adopt``: over the current version);
    ``rows``: the form's FieldRows by key (where a copy goes);
    ``message``: the form's message bar; ``edited``: marks the form as holding input;
    ``reloaded``: the form shows a saved record again (nothing typed);
    ``fill(record)``: shows a record in the form (instead of field by field);
    ``copy_into``: "keep my text as a copy" appends the user's texts to this text
    field (the notes), marked with the time, instead of showing them under the
    fields: for a pane that stays open while the person moves on to other records."""

    def __init__(
        self,
        parent: QWidget,
        *,
        load: Callable[[], Any] | None = None,
        values: Callable[[Any], list[FieldValue]],
        adopt: Callable[[Any], None],
        save: Callable[[], None],
        message: MessageBar,
        rows: dict[str, FieldRow],
        what: str = "",
        me_id: int | None = None,
        edited: Callable[[], None] | None = None,
        reloaded: Callable[[], None] | None = None,
        refit: Callable[[], None] | None = None,
        fill: Callable[[Any], None] | None = None,
        copy_into: QPlainTextEdit | None = None,
    ):
        self.parent = parent
        self.load = load
        self.values = values
        self.adopt = adopt
        self.save = save
        self.message = message
        self.rows = rows
        self.what = what
        self.me_id = me_id
        self.edited = edited
        self.reloaded = reloaded
        self.refit = refit
        self.fill = fill
        self.copy_into = copy_into
        self.dialog: ConflictDialog | None = None
        self.copies: dict[str, CopyBox] = {}
        # the save was repeated once on its own: a second conflict is asked about
        self.retried = False

    def saving(self) -> None:
        """A save the person started (not one this class repeats)."""
        self.retried = False

    def handle(self, exc: ConflictError, start: Any, load: Callable[[], Any] | None = None) -> None:
        """The save of the form, which started from ``start``, lost to ``exc``;
        ``load`` (or the one given at the start) reads the record as saved now."""

        def failed(error: BaseException) -> None:
            if not isinstance(error, PactError):
                raise error
            if isValid(self.parent):
                self.message.show_message(
                    not_saved_text(exc, self.me_id) + "\n" + str(error), "error"
                )

        reader = load or self.load
        assert reader is not None
        Op(self.parent, reader).success(lambda current: self._loaded(exc, start, current)).failure(
            failed
        ).run()

    def _loaded(self, exc: ConflictError, start: Any, current: Any) -> None:
        if not isValid(self.parent):
            return
        base = self.values(start)
        theirs = self.values(current)
        mine = [t.current() for t in theirs]
        they_changed = any(not _same(b.value, t.value) for b, t in zip(base, theirs, strict=True))
        differences = [(t, m) for t, m in zip(theirs, mine, strict=True) if not _same(t.value, m)]
        if (not they_changed or not differences) and not self.retried:
            # nothing this form shows was changed by them (or both typed the same):
            # nothing of theirs is overwritten by saving again on their version
            self.retried = True
            self.adopt(current)
            self.save()
            return
        dialog = ConflictDialog(
            exc,
            [
                Difference(t.label, t.words(t.value, t.text), t.words(m), t.key)
                for t, m in differences
            ],
            self.what,
            copy_hint=_(
                "Their version stays saved. Your text is added at the end of the notes, "
                "marked with the time, so you can take over what you need."
            )
            if self.copy_into is not None
            else "",
            me_id=self.me_id,
            parent=self.parent,
        )
        self.dialog = dialog
        dialog.chosen.connect(lambda choice: self._chosen(choice, exc, current, differences))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _chosen(
        self,
        choice: str,
        exc: ConflictError,
        current: Any,
        differences: list[tuple[FieldValue, Any]],
    ) -> None:
        self.dialog = None
        if not isValid(self.parent):
            return
        if choice == OVERWRITE:
            self.clear_copies()
            self.adopt(current)
            self.retried = True
            self.save()
            return
        if choice == CANCEL:
            self.message.show_message(not_saved_text(exc, self.me_id), "warning")
            return
        mine_texts = {t.key: (t.words(m), m) for t, m in differences}
        self.clear_copies()
        if self.fill is not None:
            self.fill(current)
        else:
            for field in self.values(current):
                field.show(field.value, field.text)
        self.adopt(current)
        if choice == RELOAD:
            if self.reloaded is not None:
                self.reloaded()
            self.message.show_message(
                _("Their version is shown now; your changes were dropped."), "info"
            )
        elif self.copy_into is not None:
            lines = [
                _("{field}: {text}").format(field=field.label, text=mine_texts[field.key][0])
                for field, _mine in differences
            ]
            head = _("Copy of your text of {time}:").format(
                time=format_datetime(datetime.now(), "HH:mm")
            )
            notes = self.copy_into.toPlainText().rstrip()
            block = "\n".join([head, *lines])
            self.copy_into.setPlainText(f"{notes}\n\n{block}" if notes else block)
            if self.edited is not None:
                self.edited()
            self.message.show_message(
                _(
                    "Their version is shown now. Your own text is kept at the end of the "
                    "notes: take over what you need, then save."
                ),
                "warning",
            )
        else:
            for field, _mine in differences:
                text, value = mine_texts[field.key]
                self._add_copy(field, text, value)
            if self.edited is not None:
                self.edited()
            self.message.show_message(
                _(
                    "Their version is shown now. Your own text is under each field that "
                    "differs: take over what you need, then save."
                ),
                "warning",
            )
        if self.refit is not None:
            self.refit()

    def _add_copy(self, field: FieldValue, text: str, value: Any) -> None:
        row = self.rows.get(field.key)
        if row is None:
            return

        def use() -> None:
            field.show(value, text)
            if self.edited is not None:
                self.edited()
            box = self.copies.pop(field.key, None)
            if box is not None:
                box.hide()
                box.deleteLater()
            if self.refit is not None:
                self.refit()

        box = CopyBox(field.key, field.label, text, use)
        layout = row.layout()
        assert layout is not None
        layout.addWidget(box)
        box.show()
        self.copies[field.key] = box

    def clear_copies(self) -> None:
        for box in self.copies.values():
            box.hide()
            box.deleteLater()
        self.copies.clear()


def caption_of(rows: dict[str, FieldRow], key: str, parent: QWidget) -> str:
    """The caption of a form row, as the person reads it (without & and *)."""
    label = parent.findChild(QLabel, key + "Label")
    text = label.text() if label is not None else key
    return text.replace("&", "").rstrip(" *").strip() or key


__all__ = [
    "CANCEL",
    "COPY",
    "OVERWRITE",
    "RELOAD",
    "ConflictDialog",
    "CopyBox",
    "Difference",
    "FieldValue",
    "FormConflict",
    "caption_of",
    "conflict_title",
    "display_value",
    "moment_text",
    "not_saved_text",
    "saved_first_text",
    "set_widget_value",
    "widget_value",
]
