"""After a crash or a power cut: the minutes text that was autosaved but never saved
as minutes, offered again at the next start. Each recovered text can be restored
(it becomes the item's minutes) or discarded; "Decide later" offers it again at the
next start."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from pact.errors import PactError
from pact.i18n import _, format_datetime
from pact.services import minutes
from pact.services.minutes import DraftData
from pact.ui.context import AppContext
from pact.ui.dialogs.case_form import push_button
from pact.ui.ops import Op
from pact.ui.widgets.field import error_label


def _viewer(name: str, accessible: str, markdown: str, parent: QWidget) -> QTextEdit:
    view = QTextEdit(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setReadOnly(True)
    view.setTabChangesFocus(True)
    view.setMarkdown(markdown)
    view.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByKeyboard
        | Qt.TextInteractionFlag.TextSelectableByMouse
    )
    line = view.fontMetrics().lineSpacing()
    view.setFixedHeight(line * 8 + 2 * view.frameWidth() + 12)
    return view


class _DraftBox(QFrame):
    """One recovered text with its Restore and Discard buttons."""

    def __init__(self, draft: DraftData, parent: QWidget):
        super().__init__(parent)
        self.draft = draft
        self.setObjectName(f"draft{draft.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setVerticalSpacing(4)
        title = QLabel(_("{meeting} · {item}").format(meeting=draft.meeting, item=draft.item), self)
        title.setObjectName(f"draft{draft.id}Title")
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        grid.addWidget(title, 0, 0, 1, 2)
        when = QLabel(
            _("Typed and saved automatically on {moment}").format(
                moment=format_datetime(draft.saved_at, "d MMMM y, HH:mm:ss")
            ),
            self,
        )
        when.setObjectName(f"draft{draft.id}SavedAt")
        grid.addWidget(when, 1, 0, 1, 2)

        recovered_caption = QLabel(_("Recovered text"), self)
        self.text_view = _viewer(
            f"draft{draft.id}Text",
            _("Recovered text of {item}").format(item=draft.item),
            draft.text,
            self,
        )
        recovered_caption.setBuddy(self.text_view)
        saved_caption = QLabel(_("What the saved minutes hold"), self)
        self.saved_view = _viewer(
            f"draft{draft.id}Saved",
            _("Saved minutes of {item}").format(item=draft.item),
            draft.saved_minutes or _("*Nothing saved yet.*"),
            self,
        )
        saved_caption.setBuddy(self.saved_view)
        grid.addWidget(recovered_caption, 2, 0)
        grid.addWidget(saved_caption, 2, 1)
        grid.addWidget(self.text_view, 3, 0)
        grid.addWidget(self.saved_view, 3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self.error = error_label(self, f"draft{draft.id}Error")
        grid.addWidget(self.error, 4, 0, 1, 2)
        row = QHBoxLayout()
        self.outcome = QLabel(self)
        self.outcome.setObjectName(f"draft{draft.id}Outcome")
        row.addWidget(self.outcome, 1)
        self.restore_button = push_button(
            f"restoreDraft{draft.id}",
            _("&Restore"),
            _("Save the recovered text as the minutes of this item"),
            _("Restore the recovered text of {item}").format(item=draft.item),
        )
        self.discard_button = push_button(
            f"discardDraft{draft.id}",
            _("&Discard"),
            accessible=_("Discard the recovered text of {item}").format(item=draft.item),
        )
        row.addWidget(self.restore_button)
        row.addWidget(self.discard_button)
        grid.addLayout(row, 5, 0, 1, 2)

    def set_buttons_enabled(self, enabled: bool) -> None:
        self.restore_button.setEnabled(enabled)
        self.discard_button.setEnabled(enabled)

    def settle(self, text: str) -> None:
        self.error.hide()
        self.outcome.setText(text)
        self.set_buttons_enabled(False)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.set_buttons_enabled(True)


class RecoveredMinutesDialog(QDialog):
    """Offers the recovered minutes text of the acting user. The dialog closes itself
    once every text is restored or discarded."""

    def __init__(
        self,
        ctx: AppContext,
        drafts: list[DraftData],
        parent: QWidget | None = None,
        intro: str = "",
    ):
        """``intro``: why these texts are offered (default: after a crash)."""
        super().__init__(parent)
        self.setObjectName("recoveredMinutesDialog")
        self.setWindowTitle(_("Recovered minutes"))
        self.setAccessibleName(_("Recovered minutes"))
        self.ctx = ctx
        self.boxes: dict[int, _DraftBox] = {}
        self._open = {d.id for d in drafts}

        layout = QVBoxLayout(self)
        intro_label = QLabel(
            intro
            or _(
                "pact was closed before these minutes were saved (a crash, a power cut or "
                "a lock). The text typed was kept. Restore it to save it as the minutes, "
                "or discard it."
            ),
            self,
        )
        intro_label.setObjectName("recoveredIntro")
        intro_label.setWordWrap(True)
        layout.addWidget(intro_label)

        scroll = QScrollArea(self)
        scroll.setObjectName("recoveredScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        box = QVBoxLayout(body)
        box.setContentsMargins(0, 0, 0, 0)
        for draft in drafts:
            frame = _DraftBox(draft, body)
            frame.restore_button.clicked.connect(lambda _c=False, d=draft.id: self.restore(d))
            frame.discard_button.clicked.connect(lambda _c=False, d=draft.id: self.discard(d))
            self.boxes[draft.id] = frame
            box.addWidget(frame)
        box.addStretch(1)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

        buttons = QDialogButtonBox(self)
        self.later_button = buttons.addButton(
            _("Decide &later"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.later_button.setObjectName("decideLaterButton")
        self.later_button.setAccessibleName(_("Decide later"))
        self.later_button.setToolTip(_("Close; the texts are offered again at the next start"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.resize(860, min(body.sizeHint().height() + 100, 760))

    def restore(self, draft_id: int) -> None:
        uow, actor = self.ctx.uow, self.ctx.actor

        def restored() -> None:
            self.ctx.changed.emit("meetings")

        self._decide(
            draft_id,
            lambda: minutes.restore_draft(uow(), actor, draft_id),
            _("Restored: the text is now the minutes of this item."),
            restored,
        )

    def discard(self, draft_id: int) -> None:
        uow, actor = self.ctx.uow, self.ctx.actor
        self._decide(
            draft_id, lambda: minutes.discard_draft(uow(), actor, draft_id), _("Discarded.")
        )

    def _decide(
        self,
        draft_id: int,
        fn: Callable[[], object],
        outcome: str,
        after: Callable[[], None] | None = None,
    ) -> None:
        """Run ``fn`` (restore or discard) on the write worker; then the box says
        ``outcome``, or why it did not work (and its buttons work again)."""
        box = self.boxes[draft_id]
        box.set_buttons_enabled(False)

        def done(_result: object) -> None:
            box.settle(outcome)
            if after is not None:
                after()
            self._handled(draft_id)

        Op(self, fn, write=True).success(done).failure(lambda exc: self._failed(box, exc)).run()

    def _failed(self, box: _DraftBox, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            box.show_error(_("This did not work."))
            raise exc
        box.show_error(str(exc))

    def _handled(self, draft_id: int) -> None:
        self._open.discard(draft_id)
        if not self._open:
            self.accept()


__all__ = ["RecoveredMinutesDialog"]
