"""How a case's state reads at a glance: consent, level and Meldcode badges, their
colours and short texts, shared by the case list and the case file."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from pact.i18n import N_, _, format_date
from pact.services import clock
from pact.services.consent_rules import FOREVER
from pact.services.vocab import (
    CONSENT_STATE_LABELS,
    LEVEL_DESCRIPTIONS,
    LEVEL_LABELS,
    label,
    level_label,
)

# (background, text, border)
COLOURS: dict[str, tuple[str, str, str]] = {
    "ok": ("#e6f1e8", "#173d1f", "#8fbf98"),
    "warn": ("#fff4d6", "#4a3800", "#d9b44a"),
    "bad": ("#fbe4e2", "#5c100b", "#d98a84"),
    "neutral": ("#eceff1", "#263238", "#b0bec5"),
    "meldcode": ("#b3261e", "#ffffff", "#8c1d17"),
}
MELDCODE_RED = "#b3261e"
HINT_STYLE = "color: palette(placeholder-text);"

CONSENT_KIND = {
    "complete": "ok",
    "expiring": "warn",
    "incomplete": "warn",
    "expired": "bad",
    "withdrawn": "bad",
    "none": "bad",
}
LEVEL_KIND = {1: "neutral", 2: "neutral", 3: "warn", 4: "bad"}

# short forms for a list column headed "Consent"
_CONSENT_SHORT = {
    "none": N_("None recorded"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("Expired"),
    "incomplete": N_("Incomplete"),
    "complete": N_("Complete"),
    "expiring": N_("Expiring"),
}

_CONSENT_EXPLAINED = {
    "none": N_("No consent is recorded: information about this family may not be shared."),
    "withdrawn": N_("Every consent was withdrawn: information may no longer be shared."),
    "expired": N_("Every consent has expired: ask the family to renew it."),
    "incomplete": N_(
        "Consent is recorded, but not everyone whose consent the age rules require gave it, "
        "or it does not cover every partner involved."
    ),
    "complete": N_("Everyone whose consent is required gave it, for every partner involved."),
    "expiring": N_("The consent is complete now but ends within 30 days: renew it in time."),
}

MELDCODE_TEXT = N_("Meldcode")
MELDCODE_TIP = N_(
    "Meldcode: information about this family is shared without consent under the reporting "
    "code for domestic violence and child abuse; the justification is recorded."
)


def short_date(day: date) -> str:
    """ "27 Nov" in the current year, "27 Nov 2027" otherwise (for narrow columns)."""
    return format_date(day, "d MMM") if day.year == clock.today().year else format_date(day)


def consent_short(state: str, ok_until: date | None = None, short: bool = False) -> str:
    """The consent state in a word or two (with the end date when it is expiring)."""
    if state == "expiring" and ok_until is not None:
        when = short_date(ok_until) if short else format_date(ok_until)
        return _("Ends {date}").format(date=when)
    return label(_CONSENT_SHORT, state)


def consent_long(state: str, ok_until: date | None = None) -> str:
    """The badge text: "Consent complete until 1 Jan 2027"."""
    text = label(CONSENT_STATE_LABELS, state)
    if state in ("complete", "expiring") and ok_until is not None and ok_until < FOREVER:
        return _("{state} until {date}").format(state=text, date=format_date(ok_until))
    return text


def consent_explained(state: str) -> str:
    return label(_CONSENT_EXPLAINED, state)


def level_short(level: int) -> str:
    """ "3 · Complex divorce" for a list column headed "Level"."""
    return _("{n} · {label}").format(n=level, label=label(LEVEL_LABELS, level))


def level_long(level: int) -> str:
    """ "Level 3: Complex divorce" for a badge."""
    return level_label(level)


def level_tip(level: int) -> str:
    return label(LEVEL_DESCRIPTIONS, level)


class Badge(QLabel):
    """A small coloured label; ``set_badge(text, kind)`` with a kind of ``COLOURS``."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.kind = "neutral"

    def set_badge(self, text: str, kind: str, tooltip: str = "") -> None:
        self.kind = kind
        background, foreground, border = COLOURS.get(kind, COLOURS["neutral"])
        bold = "font-weight: bold;" if kind in ("bad", "meldcode") else ""
        self.setStyleSheet(
            f"QLabel#{self.objectName()} {{ background: {background}; color: {foreground};"
            f" border: 1px solid {border}; border-radius: 4px; padding: 2px 8px; {bold} }}"
        )
        self.setText(text)
        self.setToolTip(tooltip)
        self.setAccessibleName(text)
        self.setAccessibleDescription(tooltip)


_icons: dict[str, QIcon] = {}


def meldcode_icon() -> QIcon:
    """A red flag: the Meldcode marker in lists."""
    icon = _icons.get("meldcode")
    if icon is None:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        red = QColor(MELDCODE_RED)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#5c100b"))
        painter.drawRect(QRectF(2, 1, 2, 14))
        painter.setBrush(red)
        painter.drawPolygon(QPolygonF([QPointF(4, 1.5), QPointF(14.5, 5), QPointF(4, 9)]))
        painter.end()
        icon = QIcon(pixmap)
        _icons["meldcode"] = icon
    return icon


def overdue_icon() -> QIcon:
    """A red dot: something is overdue."""
    icon = _icons.get("overdue")
    if icon is None:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(MELDCODE_RED))
        painter.drawEllipse(QRectF(1, 1, 10, 10))
        painter.end()
        icon = QIcon(pixmap)
        _icons["overdue"] = icon
    return icon
