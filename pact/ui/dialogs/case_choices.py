"""What the case dialogs offer to choose from (municipalities, partner
organisations, contact persons), read once in the background and handed to every
dialog, so that no dialog reads the database itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from PySide6.QtWidgets import QComboBox

from pact.db.uow import UnitOfWork
from pact.i18n import _
from pact.services import cases as case_svc
from pact.services import partners as partner_svc
from pact.services.cases import Option
from pact.services.users import Actor
from pact.services.vocab import sector_label

# "contact:12" or "org:5" (strings, so that a combo can find them again)
Owner = str


@dataclass(frozen=True)
class CaseChoices:
    municipalities: tuple[tuple[int, str], ...] = ()
    partners: tuple[Option, ...] = ()  # detail: the sector code
    contacts: tuple[Option, ...] = ()  # detail: the organisation's name
    contact_orgs: dict[int, int] = field(default_factory=dict)

    def partner_name(self, organisation_id: int | None) -> str:
        for p in self.partners:
            if p.id == organisation_id:
                return p.label
        return ""

    def partners_of(self, sector: str) -> list[Option]:
        return [p for p in self.partners if p.detail == sector]

    def partner_items(self, first: Iterable[int] = ()) -> list[tuple[int, str]]:
        """(id, "Name (sector)") for a combo, the ``first`` ids at the top."""
        top = list(dict.fromkeys(first))
        by_id = {p.id: p for p in self.partners}
        ordered = [by_id[i] for i in top if i in by_id]
        ordered += [p for p in self.partners if p.id not in set(top)]
        return [(p.id, self.partner_label(p)) for p in ordered]

    @staticmethod
    def partner_label(p: Option) -> str:
        return _("{name} ({sector})").format(name=p.label, sector=sector_label(p.detail))

    def contact_label(self, contact_id: int | None) -> str:
        for c in self.contacts:
            if c.id == contact_id:
                return _("{contact} ({organisation})").format(
                    contact=c.label, organisation=c.detail
                )
        return ""

    def contact_items(self) -> list[tuple[int, str]]:
        return [
            (c.id, _("{contact} ({organisation})").format(contact=c.label, organisation=c.detail))
            for c in self.contacts
        ]


def load_choices(make: Callable[[], UnitOfWork]) -> CaseChoices:
    """Read the choices (on a worker thread; ``make`` is ``ctx.uow``)."""
    municipalities = tuple(
        (m.id, m.name) for m in partner_svc.list_municipalities(make()) if m.active
    )
    return CaseChoices(
        municipalities=municipalities,
        partners=tuple(case_svc.partner_options(make())),
        contacts=tuple(case_svc.contact_options(make())),
        contact_orgs=case_svc.contact_organisations(make()),
    )


def fill_owner_combo(
    box: QComboBox,
    choices: CaseChoices,
    actor: Actor | None,
    none_text: str,
    value: Owner | None = None,
    value_text: str = "",
) -> None:
    """Contact persons and organisations in one combo: the acting user's own contact
    person and organisation first (each once, marked so), then every other contact
    person, then every other organisation. Every item's data is an ``Owner`` text
    ("contact:12", "org:5"). ``value`` is chosen; when it is not among the choices
    (an archived contact person, say) it is added, shown as ``value_text``."""
    box.clear()
    box.addItem(none_text, None)
    mine: list[Owner] = []
    if actor is not None and actor.contact_id is not None:
        mine.append(contact_owner(actor.contact_id))
    if actor is not None and actor.organisation_id is not None:
        mine.append(org_owner(actor.organisation_id))
    for owner in mine:
        text = owner_label(choices, owner)
        if not text:
            continue
        if owner.startswith("contact:"):
            box.addItem(_("{owner} (you)").format(owner=text), owner)
        else:
            box.addItem(_("{owner} (your organisation)").format(owner=text), owner)
    if box.count() > 1:
        box.insertSeparator(box.count())
    for cid, text in choices.contact_items():
        if contact_owner(cid) not in mine:
            box.addItem(text, contact_owner(cid))
    box.insertSeparator(box.count())
    for p in choices.partners:
        if org_owner(p.id) not in mine:
            box.addItem(
                _("{organisation}: the organisation").format(organisation=p.label), org_owner(p.id)
            )
    index = box.findData(value) if value is not None else 0
    if value is not None and index < 0:
        box.addItem(value_text or owner_label(choices, value) or value, value)
        index = box.count() - 1
    box.setCurrentIndex(max(index, 0))


def contact_owner(contact_id: int) -> Owner:
    return f"contact:{contact_id}"


def org_owner(organisation_id: int) -> Owner:
    return f"org:{organisation_id}"


def _split(owner: Owner) -> tuple[str, int]:
    kind, _sep, number = owner.partition(":")
    return kind, int(number)


def owner_label(choices: CaseChoices, owner: Owner) -> str:
    kind, oid = _split(owner)
    if kind == "contact":
        return choices.contact_label(oid)
    return choices.partner_name(oid)


def owner_ids(owner: Owner | None) -> tuple[int | None, int | None]:
    """(organisation id, contact id) for the services, from a combo's data."""
    if not owner:
        return None, None
    kind, oid = _split(owner)
    return (None, oid) if kind == "contact" else (oid, None)


def owner_of(org_id: int | None, contact_id: int | None) -> Owner | None:
    if contact_id is not None:
        return contact_owner(contact_id)
    if org_id is not None:
        return org_owner(org_id)
    return None
