"""A pact user: the form (shared with the first-user dialog) and the editor dialog
of the users area.

The form only shows and collects a ``UserData``; saving happens in the dialog, in
a write op, and the service's validation messages come back next to each field.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from pact.db.uow import UnitOfWork
from pact.errors import ConflictError, FieldError, PactError, ValidationError
from pact.i18n import _
from pact.models.user import ROLES
from pact.services import cases as case_svc
from pact.services import users
from pact.services.cases import Option
from pact.services.users import UserData, UserRow
from pact.services.vocab import ROLE_LABELS, label
from pact.ui.context import AppContext
from pact.ui.dialogs.conflict import FieldValue, FormConflict
from pact.ui.dialogs.create_database import fit_height
from pact.ui.ops import Op
from pact.ui.widgets.busy import busy_bar
from pact.ui.widgets.field import FieldRow
from pact.ui.widgets.message_bar import MessageBar
from pact.ui.widgets.new_password import NewPasswordRows, password_guidance

FIELDS = (
    "username",
    "display_name",
    "password",
    "password_repeat",
    "organisation_id",
    "contact_id",
    "roles",
    "active",
)
OWN_PASSWORD = "own"  # the first user: their own password, typed twice
TEMPORARY_PASSWORD = "temporary"  # a new user: a password they replace at log-in


def role_names(roles: Collection[str]) -> str:
    """The roles in words, in the fixed order of ROLES."""
    return ", ".join(label(ROLE_LABELS, r) for r in ROLES if r in roles)


class RoomyRows(QStyledItemDelegate):
    """Rows a little taller than Qt's tight default, like the partner list's."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 6)


@dataclass(frozen=True)
class DirectoryOptions:
    """The partner organisations and contact persons a user can be linked to."""

    organisations: tuple[Option, ...] = ()
    contacts: tuple[Option, ...] = ()
    contact_orgs: tuple[tuple[int, int], ...] = ()  # (contact id, organisation id)

    def organisation_of(self, contact_id: int) -> int | None:
        return dict(self.contact_orgs).get(contact_id)


def directory_options(uow: Callable[[], UnitOfWork]) -> DirectoryOptions:
    """Runs in an op: the active organisations and contact persons."""
    return DirectoryOptions(
        organisations=tuple(case_svc.partner_options(uow())),
        contacts=tuple(case_svc.contact_options(uow())),
        contact_orgs=tuple(case_svc.contact_organisations(uow()).items()),
    )


class UserForm(QWidget):
    """User name, name, organisation and contact person; optionally roles and
    'active', and a password (``password``: OWN_PASSWORD or TEMPORARY_PASSWORD).
    Each field is wrapped in a FieldRow (error label ``<field>Error``)."""

    def __init__(
        self,
        with_roles: bool = True,
        with_active: bool = True,
        parent: QWidget | None = None,
        password: str = "",
    ):
        super().__init__(parent)
        self.setObjectName("userForm")
        self.original = UserData(username="", display_name="")
        self._options = DirectoryOptions()
        self._extra_orgs: dict[int, str] = {}
        self._extra_contacts: dict[int, str] = {}
        self.rows: dict[str, FieldRow] = {}

        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("usernameEdit")
        self.username_edit.setAccessibleName(_("User name"))
        self.username_edit.setPlaceholderText(_("e.g. i.kamphuis"))
        self.username_edit.setMaxLength(64)
        self.display_name_edit = QLineEdit(self)
        self.display_name_edit.setObjectName("displayNameEdit")
        self.display_name_edit.setAccessibleName(_("Name"))
        self.display_name_edit.setPlaceholderText(_("e.g. Ilse Kamphuis"))
        self.display_name_edit.setMaxLength(200)
        self.organisation_combo = QComboBox(self)
        self.organisation_combo.setObjectName("organisationCombo")
        self.organisation_combo.setAccessibleName(_("Organisation"))
        self.contact_combo = QComboBox(self)
        self.contact_combo.setObjectName("contactCombo")
        self.contact_combo.setAccessibleName(_("Contact person"))
        for combo in (self.organisation_combo, self.contact_combo):
            combo.setMinimumContentsLength(24)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )

        self.role_checks: dict[str, QCheckBox] = {}
        roles_box = QWidget(self)
        roles_box.setObjectName("rolesBox")
        roles_layout = QVBoxLayout(roles_box)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        roles_layout.setSpacing(2)
        checks_line = QHBoxLayout()
        checks_line.setSpacing(16)
        for role in ROLES:
            check = QCheckBox(label(ROLE_LABELS, role), roles_box)
            check.setObjectName(f"roleCheck_{role}")
            check.setAccessibleName(_("Role: {role}").format(role=label(ROLE_LABELS, role)))
            check.toggled.connect(lambda _on: self.rows["roles"].set_error(None))
            checks_line.addWidget(check)
            self.role_checks[role] = check
        checks_line.addStretch(1)
        roles_layout.addLayout(checks_line)
        roles_hint = QLabel(
            _(
                "Administrators add and change users. Coordinators see every case. "
                "Workers see the cases they registered or lead, and those their "
                "organisation is involved in."
            ),
            roles_box,
        )
        roles_hint.setObjectName("rolesHint")
        roles_hint.setWordWrap(True)
        roles_hint.setStyleSheet("color: palette(placeholder-text);")
        roles_layout.addWidget(roles_hint)

        self.active_check = QCheckBox(_("Active: this user can work in pact"), self)
        self.active_check.setObjectName("activeCheck")
        self.active_check.setAccessibleName(_("Active user"))
        self.active_check.setChecked(True)

        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._add("username", _("&User name *"), self.username_edit)
        self._add("display_name", _("N&ame *"), self.display_name_edit)
        self.passwords: NewPasswordRows | None = None
        if password == OWN_PASSWORD:
            self.passwords = NewPasswordRows(
                self,
                self.form,
                field="password",
                label=_("&Password *"),
                repeat_label=_("&Repeat password *"),
            )
            self.passwords.set_accessible_names(_("Password"), _("Repeat the password"))
        elif password == TEMPORARY_PASSWORD:
            self.passwords = NewPasswordRows(
                self,
                self.form,
                field="password",
                label=_("&Temporary password *"),
                repeat=False,
                hint=_(
                    "The user chooses their own password at the first log-in. Tell them "
                    "this one in person or by phone, not by e-mail. {rules}"
                ).format(rules=password_guidance()),
            )
            self.passwords.set_accessible_names(_("Temporary password"))
        if self.passwords is not None:
            self.rows.update(self.passwords.rows)
        self._add("organisation_id", _("&Organisation"), self.organisation_combo)
        self._add("contact_id", _("&Contact person"), self.contact_combo)
        self.contact_hint = QLabel(self)
        self.contact_hint.setObjectName("contactHint")
        self.contact_hint.setWordWrap(True)
        self.contact_hint.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow("", self.contact_hint)
        self.with_roles = with_roles
        self.with_active = with_active
        roles_row = self._add("roles", _("Roles *"), roles_box)
        roles_row.focus_target = self.role_checks[ROLES[0]]
        self._add("active", "", self.active_check)
        for name, shown in (("roles", with_roles), ("active", with_active)):
            self.form.setRowVisible(self.rows[name], shown)

        self.username_edit.textEdited.connect(lambda _t: self.rows["username"].set_error(None))
        self.display_name_edit.textEdited.connect(
            lambda _t: self.rows["display_name"].set_error(None)
        )
        self.organisation_combo.currentIndexChanged.connect(self._organisation_changed)
        self.contact_combo.currentIndexChanged.connect(
            lambda _i: self.rows["contact_id"].set_error(None)
        )
        self.set_options(DirectoryOptions())

    def _add(self, name: str, text: str, field: QWidget) -> FieldRow:
        row = FieldRow(field, name, self)
        caption = QLabel(text, self) if text else None
        if caption is not None:
            caption.setObjectName(name + "Label")
            caption.setBuddy(field)
            self.form.addRow(caption, row)
        else:
            self.form.addRow("", row)
        self.rows[name] = row
        return row

    def show_directory(self, shown: bool) -> None:
        """Show or hide the organisation and contact person (nothing to choose from
        in an empty directory)."""
        for name in ("organisation_id", "contact_id"):
            self.form.setRowVisible(self.rows[name], shown)
        self.form.setRowVisible(self.contact_hint, shown)

    def tab_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [
            self.username_edit,
            self.display_name_edit,
            *(self.passwords.widgets() if self.passwords is not None else []),
            self.organisation_combo,
            self.contact_combo,
        ]
        if self.with_roles:
            chain += list(self.role_checks.values())
        if self.with_active:
            chain.append(self.active_check)
        return chain

    # ------------------------------------------------------------ choices

    def set_options(self, options: DirectoryOptions) -> None:
        self._options = options
        self._fill_organisations()

    def keep_choice(self, organisation: tuple[int, str] | None, contact: tuple[int, str] | None):
        """Offer the user's current organisation and contact person even when the
        directory no longer lists them (archived, inactive)."""
        if organisation is not None:
            self._extra_orgs[organisation[0]] = organisation[1]
        if contact is not None:
            self._extra_contacts[contact[0]] = contact[1]
        self._fill_organisations()

    def _fill_organisations(self) -> None:
        current = self.organisation_combo.currentData()
        combo = self.organisation_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("No organisation"), None)
        known = set()
        for o in self._options.organisations:
            combo.addItem(o.label, o.id)
            known.add(o.id)
        for oid, name in self._extra_orgs.items():
            if oid not in known:
                combo.addItem(_("{name} (archived)").format(name=name), oid)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        self._fill_contacts()

    def _fill_contacts(self, keep: int | None = None) -> None:
        org = self.organisation_combo.currentData()
        combo = self.contact_combo
        current = keep if keep is not None else combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("No contact person"), None)
        if org is not None:
            orgs = dict(self._options.contact_orgs)
            known = set()
            for c in self._options.contacts:
                if orgs.get(c.id) == org:
                    combo.addItem(c.label, c.id)
                    known.add(c.id)
            for cid, name in self._extra_contacts.items():
                if cid not in known and (orgs.get(cid) == org or orgs.get(cid) is None):
                    combo.addItem(_("{name} (inactive)").format(name=name), cid)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.setEnabled(org is not None and combo.count() > 1)
        combo.blockSignals(False)
        if org is None:
            hint = _("Choose an organisation first to link this user to one of its contacts.")
        elif combo.count() == 1:
            hint = _("This organisation has no active contact persons in the directory.")
        else:
            hint = _(
                "Next steps owned by this contact person (or by the organisation) appear on "
                "the user's start page."
            )
        self.contact_hint.setText(hint)

    def _organisation_changed(self, _index: int) -> None:
        self.rows["organisation_id"].set_error(None)
        self.rows["contact_id"].set_error(None)
        self._fill_contacts()

    # ------------------------------------------------------------ values

    def load(self, data: UserData) -> None:
        self.original = data
        self.username_edit.setText(data.username)
        self.display_name_edit.setText(data.display_name)
        combo = self.organisation_combo
        combo.blockSignals(True)
        combo.setCurrentIndex(max(combo.findData(data.organisation_id), 0))
        combo.blockSignals(False)
        self._fill_contacts(keep=data.contact_id)
        if data.contact_id is None:
            self.contact_combo.setCurrentIndex(0)
        for role, check in self.role_checks.items():
            check.blockSignals(True)
            check.setChecked(role in data.roles)
            check.blockSignals(False)
        self.active_check.setChecked(data.active)
        self.clear_errors()

    def value(self) -> UserData:
        roles = tuple(r for r, check in self.role_checks.items() if check.isChecked())
        org = self.organisation_combo.currentData()
        contact = self.contact_combo.currentData() if org is not None else None
        return replace(
            self.original,
            username=self.username_edit.text(),
            display_name=self.display_name_edit.text(),
            organisation_id=int(org) if org is not None else None,
            contact_id=int(contact) if contact is not None else None,
            roles=roles if self.with_roles else self.original.roles,
            active=self.active_check.isChecked() if self.with_active else self.original.active,
            password=self.passwords.text() if self.passwords else self.original.password,
        )

    def check_password(self) -> bool:
        """The password was typed (and repeated alike); else the reason is shown next
        to the field and False (the dialog then sends nothing to the service)."""
        if self.passwords is None:
            return True
        return self.passwords.checked() is not None

    # ------------------------------------------------------------ errors

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error(None)

    def show_errors(self, errors: Sequence[FieldError]) -> list[str]:
        """Each message next to its field, the first bad field focused; returns the
        messages that belong to no field shown here."""
        self.clear_errors()
        loose: list[str] = []
        first: str | None = None
        for e in errors:
            row = self.rows.get(e.field)
            if row is None or not self.form.isRowVisible(row):
                loose.append(e.message)
                continue
            if not row.error():
                row.set_error(e.message)
            if first is None or FIELDS.index(e.field) < FIELDS.index(first):
                first = e.field
        if first is not None:
            self.rows[first].focus()
            if first == "username":
                self.username_edit.selectAll()
        return loose

    def error(self, field: str) -> str:
        return self.rows[field].error()


class UserEditorDialog(QDialog):
    """Add a user (``row`` None) or change one; administrators only (the service
    checks). Loads the directory's choices and the user in an op, saves in a write
    op; ``saved`` is the result once accepted."""

    def __init__(self, ctx: AppContext, row: UserRow | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.saved: UserData | None = None
        self.loaded = False
        self._saving = False
        self.setObjectName("userEditorDialog")
        self.setWindowTitle(
            _("New user") if row is None else _("User {name}").format(name=row.username)
        )
        self.setMinimumWidth(560)

        intro = QLabel(
            _(
                "A user works in pact under this name. Link the user to their organisation "
                "and contact person in the partner directory: their next steps then appear "
                "on their start page."
            ),
            self,
        )
        intro.setObjectName("userEditorIntro")
        intro.setWordWrap(True)
        self.message = MessageBar("userEditorMessage", self)
        # a new user gets a temporary password; an existing one's is reset in the list
        self.form = UserForm(parent=self, password=TEMPORARY_PASSWORD if row is None else "")
        self.form.setEnabled(False)
        self.busy = busy_bar(self, "userEditorBusy", visible=True)

        self.save_button = QPushButton(_("&Save"), self)
        self.save_button.setObjectName("saveUserButton")
        self.save_button.setAccessibleName(_("Save the user"))
        self.save_button.setDefault(True)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAccessibleName(_("Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addSpacing(4)
        layout.addWidget(self.form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        for a, b in itertools.pairwise([*self.form.tab_chain(), self.save_button]):
            QWidget.setTabOrder(a, b)
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.conflict = FormConflict(
            self,
            values=self._conflict_values,
            adopt=self._adopt,
            save=self._save_again,
            message=self.message,
            rows=self.form.rows,
            what=_("this user"),
            me_id=ctx.actor.id if ctx.has_actor else None,
            fill=self.form.load,
            refit=lambda: fit_height(self),
        )
        self._load()

    # ------------------------------------------------------------ loading

    def _load(self) -> None:
        ctx = self.ctx
        actor = ctx.actor
        user_id = self.row.id if self.row is not None else None

        def load() -> tuple[DirectoryOptions, UserData]:
            options = directory_options(ctx.uow)
            if user_id is None:
                return options, UserData(username="", display_name="")
            return options, users.get_user(ctx.uow(), actor, user_id)

        Op(self, load).success(self._loaded).failure(self._load_failed).run()

    def _loaded(self, result: tuple[DirectoryOptions, UserData]) -> None:
        if not isValid(self):
            return
        options, data = result
        self.form.set_options(options)
        row = self.row
        if row is not None:
            self.form.keep_choice(
                (row.organisation_id, row.organisation) if row.organisation_id else None,
                (row.contact_id, row.contact) if row.contact_id else None,
            )
        self.form.load(data)
        self.loaded = True
        self._set_busy(False)
        self.form.username_edit.setFocus()
        fit_height(self)

    def _load_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if not isValid(self):
            return
        self.busy.hide()
        self.message.show_message(str(exc), "error")
        fit_height(self)

    # ------------------------------------------------------------ saving

    def _set_busy(self, busy: bool) -> None:
        self._saving = busy
        self.busy.setVisible(busy)
        self.form.setEnabled(not busy and self.loaded)
        self.save_button.setEnabled(not busy and self.loaded)

    def save(self) -> None:
        self.conflict.saving()
        self._save_again()

    def _save_again(self) -> None:
        """Save what the form holds (again, after a conflict: over the version the
        form adopted)."""
        if self._saving or not self.loaded:
            return
        self.message.hide()
        self.form.clear_errors()
        if not self.form.check_password():
            fit_height(self)
            return
        data = self.form.value()
        ctx = self.ctx
        actor = ctx.actor
        self._set_busy(True)
        Op(self, lambda: users.save_user(ctx.uow(), actor, data), write=True).success(
            self._saved
        ).failure(self._save_failed).run()

    def _saved(self, data: UserData) -> None:
        self.ctx.changed.emit("users")
        if not isValid(self):
            return
        self.saved = data
        self._set_busy(False)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PactError):
            raise exc
        if not isValid(self):
            return
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            loose = self.form.show_errors(exc.errors)
            if loose:
                self.message.show_message("\n".join(loose), "error")
        elif isinstance(exc, ConflictError) and self.form.original.id is not None:
            # the conflict dialog: reload, overwrite, or keep my text as a copy
            ctx, user_id = self.ctx, self.form.original.id
            actor = ctx.actor
            self.conflict.handle(
                exc, self.form.original, lambda: users.get_user(ctx.uow(), actor, user_id)
            )
        else:
            self.message.show_message(str(exc), "error")
        fit_height(self)

    # ------------------------------------------------------------ conflicts

    def _adopt(self, record: UserData) -> None:
        self.form.original = replace(self.form.original, version=record.version)

    def _conflict_values(self, record: UserData) -> list[FieldValue]:
        f = self.form

        def roles() -> tuple[str, ...]:
            return tuple(sorted(r for r, check in f.role_checks.items() if check.isChecked()))

        def show_roles(value: object) -> None:
            wanted = set(value) if isinstance(value, tuple | list) else set()
            for role, check in f.role_checks.items():
                check.setChecked(role in wanted)

        def in_words(value: object) -> str:
            return role_names(value) if isinstance(value, tuple | list) else ""

        out = [
            FieldValue("username", _("User name"), f.username_edit, record.username),
            FieldValue("display_name", _("Name"), f.display_name_edit, record.display_name),
            FieldValue(
                "organisation_id", _("Organisation"), f.organisation_combo, record.organisation_id
            ),
            FieldValue("contact_id", _("Contact person"), f.contact_combo, record.contact_id),
        ]
        if f.with_roles:
            out.append(
                FieldValue(
                    "roles",
                    _("Roles"),
                    f,
                    tuple(sorted(record.roles)),
                    get=roles,
                    put=show_roles,
                    describe=in_words,
                )
            )
        if f.with_active:
            out.append(FieldValue("active", _("Active"), f.active_check, record.active))
        return out

    def _reload_after_conflict(self) -> None:
        self.loaded = False
        self._set_busy(True)
        self._load()

    def error(self, field: str) -> str:
        return self.form.error(field)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)
