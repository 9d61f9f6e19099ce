"""The detail editor of one organisation and its contact persons.

Pure form: it shows an ``OrganisationData``, collects the edited one and shows
validation errors next to the fields. Saving, archiving and loading are done by the
view (through ``pact.ui.ops``), which listens to the ``*_requested`` signals.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pact.errors import FieldError
from pact.i18n import _, format_date, language
from pact.services.partners import ContactData, MunicipalityData, OrganisationData, normalised
from pact.services.vocab import domains, sectors
from pact.ui.widgets.checklist import CheckList
from pact.ui.widgets.field import ERROR_COLOUR, FieldRow
from pact.ui.widgets.message_bar import MessageBar

ORGANISATION_FIELDS = (
    "name",
    "sector",
    "municipalities",
    "domains",
    "offer",
    "address",
    "phone",
    "email",
    "website",
    "member_since",
    "notes",
)
CONTACT_FIELDS = ("name", "function", "email", "phone", "notes")


def blank_organisation() -> OrganisationData:
    return OrganisationData(name="", sector="")


def _line(name: str, accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _text(name: str, accessible: str, lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setTabChangesFocus(True)
    line = edit.fontMetrics().lineSpacing()
    edit.setFixedHeight(line * lines + 2 * edit.frameWidth() + 10)
    return edit


class OrganisationEditor(QWidget):
    """Signals: ``dirty_changed(bool)`` and ``save_requested``, ``archive_requested``,
    ``revert_requested`` for the buttons."""

    dirty_changed = Signal(bool)
    save_requested = Signal()
    archive_requested = Signal()
    revert_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("organisationEditor")
        self.original = blank_organisation()
        self._contacts: list[ContactData] = []
        self._contact_errors: dict[int, dict[str, str]] = {}
        self._municipalities: list[MunicipalityData] = []
        self._loading = False
        self._dirty = False
        self._current_contact = -1
        self.rows: dict[str, FieldRow] = {}
        self.contact_rows: dict[str, FieldRow] = {}
        self._build()
        self.load(blank_organisation())

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        header = QVBoxLayout()
        header.setContentsMargins(12, 8, 12, 0)
        self.title = QLabel(self)
        self.title.setObjectName("editorTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        header.addWidget(self.title)
        self.status = QLabel(self)
        self.status.setObjectName("editorStatus")
        self.status.setWordWrap(True)
        header.addWidget(self.status)
        outer.addLayout(header)

        self.message = MessageBar("editorMessage", self)
        bar_box = QHBoxLayout()
        bar_box.setContentsMargins(12, 4, 12, 0)
        bar_box.addWidget(self.message)
        outer.addLayout(bar_box)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("editorScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # the form follows the width (check lists flow into fewer columns); a fixed
        # vertical scroll bar keeps that width from changing as the form grows
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        body = QWidget()
        body.setObjectName("editorBody")
        self.scroll_area.setWidget(body)
        outer.addWidget(self.scroll_area, 1)
        form_box = QVBoxLayout(body)
        form_box.setContentsMargins(12, 6, 12, 12)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form_box.addLayout(form)

        self.name_edit = _line("nameEdit", _("Name"), _("Name of the organisation"))
        self._add(form, "name", _("Name"), self.name_edit, required=True)

        self.sector_combo = QComboBox()
        self.sector_combo.setObjectName("sectorCombo")
        self.sector_combo.setAccessibleName(_("Sector"))
        self.sector_combo.addItem(_("Choose a sector…"), "")
        for code, label in sectors():
            self.sector_combo.addItem(label, code)
        self._add(form, "sector", _("Sector"), self.sector_combo, required=True)

        self.municipalities_list = CheckList("municipalitiesList", _("Municipalities served"))
        self._add(form, "municipalities", _("Municipalities"), self.municipalities_list)

        self.domains_list = CheckList("domainsList", _("Expertise"))
        self.domains_list.set_items(domains())
        self._add(form, "domains", _("Expertise"), self.domains_list)

        self.offer_edit = _text("offerEdit", _("Offer: what they do"), 3)
        self.offer_edit.setPlaceholderText(_("What they do, for whom, how to reach them"))
        self._add(form, "offer", _("Offer"), self.offer_edit)

        self.address_edit = _text("addressEdit", _("Address"), 2)
        self._add(form, "address", _("Address"), self.address_edit)

        self.phone_edit = _line("phoneEdit", _("Phone"), _("e.g. 074 123 45 67"))
        self._add(form, "phone", _("Phone"), self.phone_edit)

        self.email_edit = _line("emailEdit", _("E-mail"), _("name@example.nl"))
        self._add(form, "email", _("E-mail"), self.email_edit)

        self.website_edit = _line("websiteEdit", _("Website"), _("www.example.nl"))
        self._add(form, "website", _("Website"), self.website_edit)

        member = QWidget()
        member_box = QHBoxLayout(member)
        member_box.setContentsMargins(0, 0, 0, 0)
        self.member_check = QCheckBox(_("since"), member)
        self.member_check.setObjectName("memberSinceCheck")
        self.member_check.setAccessibleName(_("Pact member since a known date"))
        member_box.addWidget(self.member_check)
        self.member_date = QDateEdit(member)
        self.member_date.setObjectName("memberSinceEdit")
        self.member_date.setAccessibleName(_("Pact member since"))
        self.member_date.setCalendarPopup(True)
        self.member_date.setDisplayFormat("dd-MM-yyyy" if language() == "nl" else "dd/MM/yyyy")
        self.member_date.setMaximumDate(QDate.currentDate())
        self.member_date.setEnabled(False)
        member_box.addWidget(self.member_date)
        member_box.addStretch(1)
        self.member_check.toggled.connect(self.member_date.setEnabled)
        row = self._add(form, "member_since", _("Pact member"), member)
        row.focus_target = self.member_check
        row.field.setAccessibleName(_("Pact member since"))

        self.notes_edit = _text("notesEdit", _("Notes"), 3)
        self._add(form, "notes", _("Notes"), self.notes_edit)

        form_box.addWidget(self._build_contacts())
        form_box.addStretch(1)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(12, 6, 12, 10)
        self.revert_button = QPushButton(_("Undo changes"), self)
        self.revert_button.setObjectName("revertButton")
        self.revert_button.setAccessibleName(_("Undo changes"))
        self.revert_button.clicked.connect(self.revert_requested)
        buttons.addWidget(self.revert_button)
        self.archive_button = QPushButton(_("Archive"), self)
        self.archive_button.setObjectName("archiveButton")
        self.archive_button.setAccessibleName(_("Archive"))
        self.archive_button.clicked.connect(self.archive_requested)
        buttons.addWidget(self.archive_button)
        buttons.addStretch(1)
        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setAccessibleName(_("Save"))
        self.save_button.setToolTip(_("Save (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_requested)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

        for edit in (self.name_edit, self.phone_edit, self.email_edit, self.website_edit):
            edit.textEdited.connect(self._on_edited)
        for text_edit in (self.offer_edit, self.address_edit, self.notes_edit):
            text_edit.textChanged.connect(self._on_edited)
        self.sector_combo.currentIndexChanged.connect(self._on_edited)
        self.municipalities_list.changed.connect(self._on_edited)
        self.domains_list.changed.connect(self._on_edited)
        self.member_check.toggled.connect(self._on_edited)
        self.member_date.dateChanged.connect(self._on_edited)
        self._clear_on_edit()
        chain = self.tab_chain()
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def tab_chain(self) -> list[QWidget]:
        """Every widget Tab can reach, in visual order: the fields top to bottom, the
        contact persons, then the buttons left to right. (Qt skips the hidden and
        disabled ones.)"""
        return [
            self.name_edit,
            self.sector_combo,
            self.municipalities_list,
            self.domains_list,
            self.offer_edit,
            self.address_edit,
            self.phone_edit,
            self.email_edit,
            self.website_edit,
            self.member_check,
            self.member_date,
            self.notes_edit,
            self.contacts_list,
            self.add_contact_button,
            self.remove_contact_button,
            self.contact_name,
            self.contact_function,
            self.contact_email,
            self.contact_phone,
            self.contact_representative,
            self.contact_active,
            self.contact_notes,
            self.revert_button,
            self.archive_button,
            self.save_button,
        ]

    def _add(
        self, form: QFormLayout, name: str, label: str, field: QWidget, required: bool = False
    ) -> FieldRow:
        row = FieldRow(field, name)
        text = _("{label} *").format(label=label) if required else label
        caption = QLabel(text)
        caption.setObjectName(name + "Label")
        caption.setBuddy(field)
        form.addRow(caption, row)
        self.rows[name] = row
        return row

    def _build_contacts(self) -> QGroupBox:
        box = QGroupBox(_("Contact persons"))
        box.setObjectName("contactsGroup")
        layout = QVBoxLayout(box)

        top = QHBoxLayout()
        self.contacts_list = QListWidget(box)
        self.contacts_list.setObjectName("contactsList")
        self.contacts_list.setAccessibleName(_("Contact persons"))
        self.contacts_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.contacts_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.contacts_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.contacts_list.setUniformItemSizes(True)
        self.contacts_list.setFixedHeight(self.contacts_list.fontMetrics().lineSpacing() * 5 + 12)
        top.addWidget(self.contacts_list, 1)
        side = QVBoxLayout()
        self.add_contact_button = QPushButton(_("Add contact person"), box)
        self.add_contact_button.setObjectName("addContactButton")
        self.add_contact_button.setAccessibleName(_("Add contact person"))
        side.addWidget(self.add_contact_button)
        self.remove_contact_button = QPushButton(_("Remove"), box)
        self.remove_contact_button.setObjectName("removeContactButton")
        self.remove_contact_button.setAccessibleName(_("Remove contact person"))
        self.remove_contact_button.setToolTip(
            _(
                "Removes this contact person when you save. To keep them on record, "
                "untick “Active” instead."
            )
        )
        side.addWidget(self.remove_contact_button)
        side.addStretch(1)
        top.addLayout(side)
        layout.addLayout(top)

        self.no_contacts = QLabel(
            _("No contact persons yet. Add one with “Add contact person”."), box
        )
        self.no_contacts.setObjectName("noContactsLabel")
        self.no_contacts.setWordWrap(True)
        layout.addWidget(self.no_contacts)

        self.contact_form = QWidget(box)
        self.contact_form.setObjectName("contactForm")
        form = QFormLayout(self.contact_form)
        form.setContentsMargins(0, 6, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.contact_name = _line("contactNameEdit", _("Contact name"))
        self.contact_function = _line(
            "contactFunctionEdit", _("Contact function"), _("e.g. intern begeleider")
        )
        self.contact_email = _line("contactEmailEdit", _("Contact e-mail"), _("name@example.nl"))
        self.contact_phone = _line("contactPhoneEdit", _("Contact phone"), _("e.g. 06 12 34 56 78"))
        for key, label, widget in (
            ("name", _("Name *"), self.contact_name),
            ("function", _("Function"), self.contact_function),
            ("email", _("E-mail"), self.contact_email),
            ("phone", _("Phone"), self.contact_phone),
        ):
            row = FieldRow(widget, "contact" + key.capitalize())
            caption = QLabel(label)
            caption.setObjectName("contact" + key.capitalize() + "Label")
            caption.setBuddy(widget)
            form.addRow(caption, row)
            self.contact_rows[key] = row
            widget.textEdited.connect(self._on_contact_edited)
        flags = QWidget(self.contact_form)
        flags_box = QHBoxLayout(flags)
        flags_box.setContentsMargins(0, 0, 0, 0)
        self.contact_representative = QCheckBox(_("Pact representative"), flags)
        self.contact_representative.setObjectName("contactRepresentativeCheck")
        self.contact_representative.setAccessibleName(_("Pact representative"))
        flags_box.addWidget(self.contact_representative)
        self.contact_active = QCheckBox(_("Active"), flags)
        self.contact_active.setObjectName("contactActiveCheck")
        self.contact_active.setAccessibleName(_("Contact person is active"))
        flags_box.addWidget(self.contact_active)
        flags_box.addStretch(1)
        form.addRow(QLabel(""), flags)
        self.contact_notes = _text("contactNotesEdit", _("Contact notes"), 2)
        notes_row = FieldRow(self.contact_notes, "contactNotes")
        notes_caption = QLabel(_("Notes"))
        notes_caption.setBuddy(self.contact_notes)
        form.addRow(notes_caption, notes_row)
        self.contact_rows["notes"] = notes_row
        layout.addWidget(self.contact_form)

        self.contact_representative.toggled.connect(self._on_contact_edited)
        self.contact_active.toggled.connect(self._on_contact_edited)
        self.contact_notes.textChanged.connect(self._on_contact_edited)
        self.contacts_list.currentRowChanged.connect(self._show_contact)
        self.add_contact_button.clicked.connect(self.add_contact)
        self.remove_contact_button.clicked.connect(self.remove_contact)
        return box

    def _clear_on_edit(self) -> None:
        """A field's error disappears as soon as the person edits that field."""

        def clear(row: FieldRow) -> None:
            if not self._loading:
                row.set_error(None)

        pairs = (
            ("name", self.name_edit.textEdited),
            ("phone", self.phone_edit.textEdited),
            ("email", self.email_edit.textEdited),
            ("website", self.website_edit.textEdited),
            ("sector", self.sector_combo.currentIndexChanged),
            ("municipalities", self.municipalities_list.changed),
            ("domains", self.domains_list.changed),
            ("member_since", self.member_date.dateChanged),
        )
        for key, signal in pairs:
            row = self.rows[key]
            signal.connect(lambda *_a, row=row: clear(row))

    # ------------------------------------------------------------ data in / out

    def set_municipalities(self, municipalities: list[MunicipalityData]) -> None:
        self._municipalities = list(municipalities)
        checked = self.municipalities_list.checked_values()
        self._fill_municipalities(checked)

    def _fill_municipalities(self, checked: tuple[int, ...] | list[int]) -> None:
        wanted = set(checked)
        items = []
        for m in self._municipalities:
            if m.active:
                items.append((m.id, m.name))
            elif m.id in wanted:
                items.append((m.id, _("{name} (no longer active)").format(name=m.name)))
        self.municipalities_list.set_items(items, wanted)

    def load(self, data: OrganisationData) -> None:
        """Show ``data``; it becomes the state 'Undo changes' returns to."""
        self._loading = True
        try:
            self.original = data
            self.clear_errors()
            self.message.hide()
            self.name_edit.setText(data.name)
            index = self.sector_combo.findData(data.sector)
            self.sector_combo.setCurrentIndex(max(index, 0))
            self._fill_municipalities(data.municipality_ids)
            self.domains_list.set_checked(data.domains)
            self.offer_edit.setPlainText(data.offer)
            self.address_edit.setPlainText(data.address)
            self.phone_edit.setText(data.phone)
            self.email_edit.setText(data.email)
            self.website_edit.setText(data.website)
            self.member_check.setChecked(data.member_since is not None)
            since = data.member_since or date.today()
            self.member_date.setDate(QDate(since.year, since.month, since.day))
            self.notes_edit.setPlainText(data.notes)
            self._contacts = list(data.contacts)
            self._contact_errors = {}
            self._fill_contacts(0 if self._contacts else -1)
            self.scroll_area.verticalScrollBar().setValue(0)
        finally:
            self._loading = False
        self._update_header()
        self._set_dirty(False)

    def collect(self) -> OrganisationData:
        """The organisation as the form shows it now (not yet normalised)."""
        self._store_contact()
        return replace(
            self.original,
            name=self.name_edit.text(),
            sector=str(self.sector_combo.currentData() or ""),
            municipality_ids=tuple(self.municipalities_list.checked_values()),
            domains=tuple(self.domains_list.checked_values()),
            offer=self.offer_edit.toPlainText(),
            address=self.address_edit.toPlainText(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
            website=self.website_edit.text(),
            member_since=self._member_since(),
            notes=self.notes_edit.toPlainText(),
            contacts=tuple(self._contacts),
        )

    def _member_since(self) -> date | None:
        if not self.member_check.isChecked():
            return None
        qdate = self.member_date.date()
        return date(qdate.year(), qdate.month(), qdate.day())

    @property
    def organisation_id(self) -> int | None:
        return self.original.id

    @property
    def is_new(self) -> bool:
        return self.original.id is None

    def is_dirty(self) -> bool:
        return normalised(self.collect()) != normalised(self.original)

    def set_busy(self, busy: bool) -> None:
        self.scroll_area.setEnabled(not busy)
        for button in (self.save_button, self.archive_button, self.revert_button):
            button.setEnabled(not busy)
        if not busy:
            self._update_buttons()

    # ------------------------------------------------------------ errors

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error(None)
        self._contact_errors = {}
        for row in self.contact_rows.values():
            row.set_error(None)
        for i in range(self.contacts_list.count()):
            self._style_contact_item(i)

    def show_errors(self, errors: list[FieldError]) -> list[str]:
        """Show each message next to its field and focus the first bad field.

        Returns the messages that belong to no field on this form."""
        self.clear_errors()
        loose: list[str] = []
        first: tuple[int, int, str] | None = None  # (contact index or -1, order, field)
        for e in errors:
            if e.field.startswith("contacts."):
                parts = e.field.split(".")
                try:
                    index = int(parts[1])
                except (IndexError, ValueError):
                    loose.append(e.message)
                    continue
                key = parts[2] if len(parts) > 2 else "name"
                if key not in CONTACT_FIELDS or not 0 <= index < len(self._contacts):
                    loose.append(e.message)
                    continue
                self._contact_errors.setdefault(index, {}).setdefault(key, e.message)
                rank = (index, CONTACT_FIELDS.index(key), key)
            elif e.field in self.rows:
                if not self.rows[e.field].error():
                    self.rows[e.field].set_error(e.message)
                rank = (-1, ORGANISATION_FIELDS.index(e.field), e.field)
            else:
                loose.append(e.message)
                continue
            if first is None or rank[:2] < first[:2]:
                first = rank
        for i in range(self.contacts_list.count()):
            self._style_contact_item(i)
        self._show_contact_errors(self._current_contact)
        if first is not None:
            index, _order, key = first
            if index < 0:
                self.rows[key].focus()
                self.scroll_area.ensureWidgetVisible(self.rows[key])
            else:
                self.contacts_list.setCurrentRow(index)
                self._show_contact_errors(index)
                self.contact_rows[key].focus()
                self.scroll_area.ensureWidgetVisible(self.contact_rows[key])
        elif self._contact_errors:
            self.contacts_list.setCurrentRow(min(self._contact_errors))
        return loose

    def field_error(self, name: str) -> str:
        """The message shown next to a field ("email", "contacts.0.email"), or ''."""
        if name.startswith("contacts."):
            _c, index, key = name.split(".")
            return self._contact_errors.get(int(index), {}).get(key, "")
        row = self.rows.get(name)
        return row.error() if row else ""

    # ------------------------------------------------------------ contacts

    def _fill_contacts(self, current: int) -> None:
        self.contacts_list.blockSignals(True)
        self.contacts_list.clear()
        for i in range(len(self._contacts)):
            QListWidgetItem("", self.contacts_list)
            self._style_contact_item(i)
        self.contacts_list.blockSignals(False)
        self._current_contact = -1
        if current >= 0:
            self.contacts_list.setCurrentRow(current)
        else:
            self._show_contact(-1)

    def _style_contact_item(self, i: int) -> None:
        item = self.contacts_list.item(i)
        if item is None or i >= len(self._contacts):
            return
        c = self._contacts[i]
        text = c.name.strip() or _("(new contact person)")
        if c.function.strip():
            text = _("{name}, {function}").format(name=text, function=c.function.strip())
        if c.representative:
            text = _("{text} · pact representative").format(text=text)
        if not c.active:
            text = _("{text} (inactive)").format(text=text)
        errors = self._contact_errors.get(i)
        if errors:
            text = _("{text} – needs correcting").format(text=text)
            item.setForeground(QBrush(QColor(ERROR_COLOUR)))
        elif not c.active:
            item.setForeground(
                self.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            )
        else:
            item.setForeground(self.palette().brush(QPalette.ColorRole.Text))
        item.setText(text)
        item.setToolTip(text)

    def _show_contact(self, index: int) -> None:
        self._store_contact()
        self._current_contact = index
        has = 0 <= index < len(self._contacts)
        self.contact_form.setVisible(has)
        self.no_contacts.setVisible(not self._contacts)
        self.contacts_list.setVisible(bool(self._contacts))
        self.remove_contact_button.setEnabled(has)
        if not has:
            return
        c = self._contacts[index]
        was_loading = self._loading
        self._loading = True
        try:
            self.contact_name.setText(c.name)
            self.contact_function.setText(c.function)
            self.contact_email.setText(c.email)
            self.contact_phone.setText(c.phone)
            self.contact_representative.setChecked(c.representative)
            self.contact_active.setChecked(c.active)
            self.contact_notes.setPlainText(c.notes)
        finally:
            self._loading = was_loading
        self._show_contact_errors(index)

    def _show_contact_errors(self, index: int) -> None:
        errors = self._contact_errors.get(index, {})
        for key, row in self.contact_rows.items():
            row.set_error(errors.get(key))

    def _store_contact(self) -> None:
        i = self._current_contact
        if not 0 <= i < len(self._contacts):
            return
        self._contacts[i] = replace(
            self._contacts[i],
            name=self.contact_name.text(),
            function=self.contact_function.text(),
            email=self.contact_email.text(),
            phone=self.contact_phone.text(),
            representative=self.contact_representative.isChecked(),
            active=self.contact_active.isChecked(),
            notes=self.contact_notes.toPlainText(),
        )

    def _on_contact_edited(self, *_args: object) -> None:
        if self._loading:
            return
        i = self._current_contact
        self._store_contact()
        sender = self.sender()
        errors = self._contact_errors.get(i)
        if errors:
            for key, row in self.contact_rows.items():
                if row.field is sender and key in errors:
                    del errors[key]
                    row.set_error(None)
            if not errors:
                del self._contact_errors[i]
        self._style_contact_item(i)
        self._on_edited()

    def add_contact(self) -> None:
        self._store_contact()
        self._contacts.append(ContactData(name=""))
        QListWidgetItem("", self.contacts_list)
        self.contacts_list.show()
        self.no_contacts.hide()
        self._style_contact_item(len(self._contacts) - 1)
        self.contacts_list.setCurrentRow(len(self._contacts) - 1)
        self.contact_name.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll_area.ensureWidgetVisible(self.contact_form)
        self._on_edited()

    def remove_contact(self) -> None:
        i = self._current_contact
        if not 0 <= i < len(self._contacts):
            return
        self._current_contact = -1
        del self._contacts[i]
        self._contact_errors = {}
        self._fill_contacts(min(i, len(self._contacts) - 1))
        for row in self.contact_rows.values():
            row.set_error(None)
        self._on_edited()

    def contacts(self) -> list[ContactData]:
        self._store_contact()
        return list(self._contacts)

    # ------------------------------------------------------------ state

    def _on_edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._set_dirty(self.is_dirty())

    def _set_dirty(self, dirty: bool) -> None:
        changed = dirty != self._dirty
        self._dirty = dirty
        self._update_buttons()
        if changed:
            self.dirty_changed.emit(dirty)

    def _update_buttons(self) -> None:
        new = self.is_new
        self.save_button.setEnabled(self._dirty or new)
        self.revert_button.setText(_("Cancel") if new else _("Undo changes"))
        self.revert_button.setAccessibleName(self.revert_button.text())
        self.revert_button.setEnabled(self._dirty or new)
        self.archive_button.setVisible(not new)
        label = _("Restore") if self.original.archived else _("Archive")
        self.archive_button.setText(label)
        self.archive_button.setAccessibleName(label)
        self.archive_button.setToolTip(
            _("Make this partner active again")
            if self.original.archived
            else _("Hide this partner from the list; nothing is deleted")
        )

    def _update_header(self) -> None:
        data = self.original
        self.title.setText(data.name if data.id is not None else _("New partner"))
        notes = []
        if data.archived:
            notes.append(_("Archived: this partner no longer appears in lists."))
        if data.member_since is not None:
            notes.append(_("Pact member since {date}.").format(date=format_date(data.member_since)))
        if data.id is None:
            notes.append(_("Fields marked * are required."))
        self.status.setText(" ".join(notes))
        self.status.setVisible(bool(notes))

    def focus_first_field(self) -> None:
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll_area.verticalScrollBar().setValue(0)
