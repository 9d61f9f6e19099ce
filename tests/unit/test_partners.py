"""The partner directory services, on a real SQLCipher database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pact.db.database import Database
from pact.errors import ConflictError, NotFoundError, ValidationError
from pact.i18n import _
from pact.models import Contact, Organisation
from pact.services import partners as p
from pact.services import validation as v
from pact.services.partners import ContactData, OrganisationData, PartnerFilter
from pact.services.vocab import sector_label

# ---------------------------------------------------------------- helpers


def muns(db: Database) -> dict[str, int]:
    return {m.name: m.id for m in p.list_municipalities(db.uow(), include_inactive=True)}


def add(db: Database, name: str, sector: str = "welfare", *municipalities: str, **kw):
    m = muns(db)
    return p.save_organisation(
        db.uow(),
        OrganisationData(
            name=name,
            sector=sector,
            municipality_ids=tuple(m[x] for x in municipalities),
            **kw,
        ),
    )


def names(rows) -> list[str]:
    return [r.name for r in rows]


def listed(db: Database, f: PartnerFilter | None = None, **kw) -> list[str]:
    return names(p.list_organisations(db.uow(), f or PartnerFilter(), **kw))


def table_counts(db: Database) -> tuple[int, int]:
    with db.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(Organisation)) or 0,
            s.scalar(select(func.count()).select_from(Contact)) or 0,
        )


def errors_of(db: Database, data: OrganisationData) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        p.save_organisation(db.uow(), data)
    return {e.field: e.message for e in info.value.errors}


# ---------------------------------------------------------------- save and validate


def test_save_and_read_back_everything(db):
    m = muns(db)
    saved = p.save_organisation(
        db.uow(),
        OrganisationData(
            name="  Basisschool   De Esch ",
            sector="school",
            municipality_ids=(m["Hengelo"], m["Borne"], m["Hengelo"]),
            domains=("parenting", "child_school", "parenting"),
            offer=" Gesprekjes met kinderen ",
            address="Eschstraat 1",
            phone="074 123 4567",
            email="info@esch.nl",
            website="www.esch.nl",
            member_since=date(2021, 9, 1),
            notes="Via de IB'er",
            contacts=(
                ContactData(name="Elia  Jansen", function="leerkracht", representative=True),
                ContactData(name="Anouk", phone="06 12345678", active=False),
            ),
        ),
    )
    assert saved.id is not None and saved.version == 1
    assert saved.name == "Basisschool De Esch"  # spaces tidied
    assert saved.offer == "Gesprekjes met kinderen"
    assert saved.municipality_ids == tuple(sorted((m["Hengelo"], m["Borne"])))
    assert saved.domains == ("parenting", "child_school")  # unique, in the fixed order
    assert [(c.name, c.representative, c.active) for c in saved.contacts] == [
        ("Anouk", False, False),
        ("Elia Jansen", True, True),
    ]
    assert p.get_organisation(db.uow(), saved.id) == saved
    (row,) = p.list_organisations(db.uow())
    assert row == p.OrganisationRow(
        id=saved.id,
        name="Basisschool De Esch",
        sector="school",
        municipalities=("Borne", "Hengelo"),
        domains=("parenting", "child_school"),
        phone="074 123 4567",
        email="info@esch.nl",
        archived=False,
        contact_count=2,
    )


def test_name_and_sector_are_required_and_nothing_is_saved(db):
    errors = errors_of(db, OrganisationData(name="   ", sector=""))
    assert errors == {"name": _("This field is required."), "sector": _("Choose a sector.")}
    assert table_counts(db) == (0, 0)


def test_field_errors_name_the_field_and_contacts_by_index(db):
    errors = errors_of(
        db,
        OrganisationData(
            name="X" * 201,
            sector="school",
            domains=("cooking",),
            phone="12345",
            email="info@",
            website="ftp://x.nl",
            member_since=date.today() + timedelta(days=1),
            contacts=(
                ContactData(name="Jan", email="jan@", phone="06 1234567"),
                ContactData(name=""),
                ContactData(name="JAN", function="f" * 201),
            ),
        ),
    )
    assert errors == {
        "name": _("Use at most {n} characters.").format(n=200),
        "domains": _("Unknown expertise domain: {code}").format(code="cooking"),
        "phone": v.phone("12345"),
        "email": v.email("info@"),
        "website": v.url("ftp://x.nl"),
        "member_since": _("This date lies in the future."),
        "contacts.0.email": v.email("jan@"),
        "contacts.0.phone": v.phone("06 1234567"),
        "contacts.1.name": _("This field is required."),
        "contacts.2.name": _("This contact person is listed twice."),
        "contacts.2.function": _("Use at most {n} characters.").format(n=200),
    }
    assert table_counts(db) == (0, 0)


def test_phone_longer_than_the_column_is_refused(db):
    errors = errors_of(
        db, OrganisationData(name="X", sector="school", phone="06" + " " * 40 + "12345678")
    )
    assert errors == {"phone": _("Use at most {n} characters.").format(n=40)}


def test_unknown_municipality_is_refused(db):
    errors = errors_of(db, OrganisationData(name="X", sector="school", municipality_ids=(9999,)))
    assert errors == {"municipalities": _("Unknown municipality.")}


def test_duplicate_name_in_the_same_municipality_is_refused(db):
    add(db, "Humanitas", "welfare", "Almelo", "Borne")
    m = muns(db)
    errors = errors_of(
        db,
        OrganisationData(
            name="HUMANITÁS ", sector="welfare", municipality_ids=(m["Borne"], m["Losser"])
        ),
    )
    assert errors == {
        "name": _("An organisation named “{name}” already works in {where}.").format(
            name="Humanitas", where="Borne"
        )
    }
    # in another municipality the same name is fine
    other = add(db, "Humanitas", "welfare", "Losser")
    assert other.id is not None
    assert listed(db) == ["Humanitas", "Humanitas"]


def test_duplicate_without_municipalities_on_both_sides(db):
    add(db, "Veilig Thuis", "youth_protection")
    errors = errors_of(db, OrganisationData(name="veilig thuis", sector="other"))
    assert errors == {
        "name": _("An organisation named “{name}” already works in {where}.").format(
            name="Veilig Thuis", where=_("the same area")
        )
    }
    # one with and one without municipalities are not duplicates
    assert add(db, "Veilig Thuis", "youth_protection", "Enschede").id


def test_duplicate_of_an_archived_organisation_says_restore_it(db):
    old = add(db, "Buurtwerk", "welfare", "Wierden")
    p.set_archived(db.uow(), old.id, True)
    errors = errors_of(
        db,
        OrganisationData(
            name="Buurtwerk", sector="welfare", municipality_ids=(muns(db)["Wierden"],)
        ),
    )
    assert errors == {
        "name": _(
            "An archived organisation named “{name}” already works in {where}. Restore it instead."
        ).format(name="Buurtwerk", where="Wierden")
    }


def test_an_organisation_is_no_duplicate_of_itself(db):
    saved = add(db, "GGD Twente", "other", "Enschede")
    again = p.save_organisation(db.uow(), replace(saved, offer="Jeugdgezondheidszorg"))
    assert again.offer == "Jeugdgezondheidszorg" and again.version == 2


def test_a_refused_update_keeps_the_stored_organisation(db):
    saved = add(
        db, "Sportclub", "sports", contacts=(ContactData(name="Piet", phone="06 12345678"),)
    )
    bad = replace(saved, offer="nieuw", contacts=(replace(saved.contacts[0], phone="kapot"),))
    with pytest.raises(ValidationError):
        p.save_organisation(db.uow(), bad)
    assert p.get_organisation(db.uow(), saved.id) == saved


def test_contacts_are_updated_added_and_removed(db):
    saved = add(
        db,
        "Wijkteam",
        "social_team",
        contacts=(ContactData(name="Ans"), ContactData(name="Bram")),
    )
    ans, _bram = saved.contacts
    updated = p.save_organisation(
        db.uow(),
        replace(saved, contacts=(replace(ans, function="coach"), ContactData(name="Cor"))),
    )
    assert [(c.name, c.function) for c in updated.contacts] == [("Ans", "coach"), ("Cor", "")]
    assert updated.contacts[0].id == ans.id  # the same record, edited
    assert table_counts(db) == (1, 2)


def test_get_organisation_that_does_not_exist(db):
    with pytest.raises(NotFoundError):
        p.get_organisation(db.uow(), 12345)


# ---------------------------------------------------------------- optimistic locking


def test_two_saves_from_the_same_version_conflict_and_nothing_is_lost(db):
    opened = add(db, "Mediation Oost", "legal", "Hengelo", phone="074 123 4567")
    first = p.save_organisation(db.uow(), replace(opened, phone="074 765 4321"))
    assert first.version == opened.version + 1
    with pytest.raises(ConflictError) as info:
        p.save_organisation(db.uow(), replace(opened, email="info@mediation.nl"))
    assert str(info.value) == _(
        "Someone else changed this organisation after you opened it. "
        "Reload it to see their changes."
    )
    stored = p.get_organisation(db.uow(), opened.id)
    assert stored == first  # the first save is kept, the second changed nothing
    # after reloading, the second person can save
    assert p.save_organisation(db.uow(), replace(stored, email="info@mediation.nl")).email


def test_contact_only_edits_also_conflict(db):
    opened = add(
        db, "Schuldhulp", "financial", contacts=(ContactData(name="Jan", phone="06 12345678"),)
    )
    jan = opened.contacts[0]
    p.save_organisation(db.uow(), replace(opened, contacts=(replace(jan, phone="06 87654321"),)))
    with pytest.raises(ConflictError):
        p.save_organisation(db.uow(), replace(opened, contacts=(replace(jan, email="jan@x.nl"),)))
    (stored,) = p.get_organisation(db.uow(), opened.id).contacts
    assert (stored.phone, stored.email) == ("06 87654321", "")


def test_saving_an_organisation_that_was_removed_meanwhile(db):
    with pytest.raises(NotFoundError):
        p.save_organisation(
            db.uow(), OrganisationData(name="Weg", sector="other", id=777, version=1)
        )


# ---------------------------------------------------------------- archive


def test_archive_hides_restore_shows_and_nothing_is_deleted(db):
    keep = add(db, "Alifa", "welfare", "Almelo")
    gone = add(db, "Avedan", "welfare", "Enschede", contacts=(ContactData(name="Coördinator"),))
    archived = p.set_archived(db.uow(), gone.id, True)
    assert archived.archived and archived.version == gone.version + 1
    assert listed(db) == ["Alifa"]
    assert p.count_organisations(db.uow()) == 1
    shown = p.list_organisations(db.uow(), PartnerFilter(include_archived=True))
    assert [(r.name, r.archived) for r in shown] == [("Alifa", False), ("Avedan", True)]
    assert p.count_organisations(db.uow(), PartnerFilter(include_archived=True)) == 2
    # never deleted: the record and its contacts are still there
    assert table_counts(db) == (2, 1)
    assert p.get_organisation(db.uow(), gone.id).contacts[0].name == "Coördinator"
    restored = p.set_archived(db.uow(), gone.id, False)
    assert not restored.archived
    assert listed(db) == ["Alifa", "Avedan"]
    assert keep.id


def test_an_archived_organisation_keeps_blocking_duplicates(db):
    old = add(db, "Jeugdhulp Plus", "youth_care", "Tubbergen")
    p.set_archived(db.uow(), old.id, True)
    # the archived one blocks a new one with the same name in its municipality...
    with pytest.raises(ValidationError):
        add(db, "Jeugdhulp Plus", "youth_care", "Tubbergen")
    # ...but not one in another municipality, which cannot move onto it either
    new = add(db, "Jeugdhulp Plus", "youth_care", "Dinkelland")
    m = muns(db)
    with pytest.raises(ValidationError):
        p.save_organisation(db.uow(), replace(new, municipality_ids=(m["Tubbergen"],)))
    assert p.get_organisation(db.uow(), old.id).archived
    # so restoring the old one is fine
    assert not p.set_archived(db.uow(), old.id, False).archived
    assert listed(db) == ["Jeugdhulp Plus", "Jeugdhulp Plus"]


def test_archive_unknown_organisation(db):
    with pytest.raises(NotFoundError):
        p.set_archived(db.uow(), 4242, True)


# ---------------------------------------------------------------- filter, sort, page


@pytest.fixture
def directory(db: Database) -> Database:
    add(
        db,
        "Basisschool De Esch",
        "school",
        "Hengelo",
        domains=("child_school", "parenting"),
        phone="074 123 4567",
        email="info@esch.nl",
        contacts=(ContactData(name="Elia Jansen", function="leerkracht"),),
    )
    add(
        db,
        "Élan Jeugdhulp",
        "youth_care",
        "Enschede",
        "Hengelo",
        domains=("parenting", "safety", "relational"),
        offer="Ouderschapsplan en 100% maatwerk",
        phone="053 123 4567",
        email="Zorg@elan.nl",
        contacts=(ContactData(name="Sanne de Vries"), ContactData(name="Tom")),
    )
    add(
        db,
        "advocaat mr_Vos",
        "legal",
        "Almelo",
        domains=("legal",),
        phone="0546 123456",
        email="vos@advocaat.nl",
    )
    add(db, "Zwemclub Wierden", "sports", "Wierden", domains=("child_school",))
    gone = add(db, "Oud Kantoor", "legal", "Hengelo", domains=("legal", "financial"))
    p.set_archived(db.uow(), gone.id, True)
    return db


def test_default_list_is_sorted_by_name_ignoring_case_and_accents(directory):
    assert listed(directory) == [
        "advocaat mr_Vos",
        "Basisschool De Esch",
        "Élan Jeugdhulp",
        "Zwemclub Wierden",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("esch", ["Basisschool De Esch"]),
        ("ELAN", ["Élan Jeugdhulp"]),  # accents and case do not matter
        ("ouderschapsplan", ["Élan Jeugdhulp"]),  # the offer
        ("sanne", ["Élan Jeugdhulp"]),  # a contact person
        ("leerkracht", ["Basisschool De Esch"]),  # a contact's function
        ("jeugdhulp élan", ["Élan Jeugdhulp"]),  # every word must match, in any order
        ("esch elan", []),
        ("100%", ["Élan Jeugdhulp"]),  # % and _ are literal, not wildcards
        ("%", ["Élan Jeugdhulp"]),
        ("mr_", ["advocaat mr_Vos"]),
        ("_", ["advocaat mr_Vos"]),
        ("kantoor", []),  # archived
        ("   ", ["advocaat mr_Vos", "Basisschool De Esch", "Élan Jeugdhulp", "Zwemclub Wierden"]),
    ],
)
def test_filter_by_text(directory, text, expected):
    assert listed(directory, PartnerFilter(text=text)) == expected
    assert p.count_organisations(directory.uow(), PartnerFilter(text=text)) == len(expected)


def test_filter_by_sector_municipality_and_domain(directory):
    m = muns(directory)
    assert listed(directory, PartnerFilter(sector="legal")) == ["advocaat mr_Vos"]
    assert listed(directory, PartnerFilter(sector="legal", include_archived=True)) == [
        "advocaat mr_Vos",
        "Oud Kantoor",
    ]
    assert listed(directory, PartnerFilter(municipality_id=m["Hengelo"])) == [
        "Basisschool De Esch",
        "Élan Jeugdhulp",
    ]
    assert listed(directory, PartnerFilter(domain="child_school")) == [
        "Basisschool De Esch",
        "Zwemclub Wierden",
    ]
    both = PartnerFilter(municipality_id=m["Hengelo"], domain="safety", text="jeugd")
    assert listed(directory, both) == ["Élan Jeugdhulp"]
    assert p.count_organisations(directory.uow(), both) == 1
    assert listed(directory, PartnerFilter(municipality_id=m["Losser"])) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["advocaat mr_Vos", "Basisschool De Esch", "Élan Jeugdhulp", "Zwemclub Wierden"]),
        # first municipality name: Almelo, Enschede, Hengelo, Wierden
        (
            "municipalities",
            ["advocaat mr_Vos", "Élan Jeugdhulp", "Basisschool De Esch", "Zwemclub Wierden"],
        ),
        # number of domains (1, 1, 2, 3); ties by name
        (
            "domains",
            ["advocaat mr_Vos", "Zwemclub Wierden", "Basisschool De Esch", "Élan Jeugdhulp"],
        ),
        # number of contacts (0, 0, 1, 2)
        (
            "contacts",
            ["advocaat mr_Vos", "Zwemclub Wierden", "Basisschool De Esch", "Élan Jeugdhulp"],
        ),
        # as text: empty first, then "053…", "0546…", "074…"
        (
            "phone",
            ["Zwemclub Wierden", "Élan Jeugdhulp", "advocaat mr_Vos", "Basisschool De Esch"],
        ),
        # e-mail ignoring case: "", info@, vos@, Zorg@
        (
            "email",
            ["Zwemclub Wierden", "Basisschool De Esch", "advocaat mr_Vos", "Élan Jeugdhulp"],
        ),
    ],
)
def test_sort_orders(directory, sort, expected):
    assert listed(directory, sort=sort) == expected


def test_sort_descending_reverses_the_key_but_keeps_ties_by_name(directory):
    assert listed(directory, sort="domains", descending=True) == [
        "Élan Jeugdhulp",
        "Basisschool De Esch",
        "advocaat mr_Vos",
        "Zwemclub Wierden",
    ]
    assert listed(directory, sort="name", descending=True) == [
        "Zwemclub Wierden",
        "Élan Jeugdhulp",
        "Basisschool De Esch",
        "advocaat mr_Vos",
    ]


def test_sort_by_sector_follows_the_label_the_user_sees(directory):
    # "social_team" sorts after "school" as a code, but its label does not
    add(directory, "Sociaal Wijkteam", "social_team")
    rows = p.list_organisations(directory.uow(), sort="sector")
    labels = [v.fold(sector_label(r.sector)) for r in rows]
    assert labels == sorted(labels)
    assert len(rows) == 5
    backwards = p.list_organisations(directory.uow(), sort="sector", descending=True)
    assert [v.fold(sector_label(r.sector)) for r in backwards] == sorted(labels, reverse=True)


def test_paging_with_offset_and_limit(db):
    for i in range(25):
        add(db, f"Partner {i:02d}", "other")
    everything = listed(db, limit=1000)
    assert everything == [f"Partner {i:02d}" for i in range(25)]
    pages = [listed(db, offset=o, limit=10) for o in (0, 10, 20, 30)]
    assert [len(page) for page in pages] == [10, 10, 5, 0]
    assert [name for page in pages for name in page] == everything
    assert p.count_organisations(db.uow()) == 25
    # "1" is in 01, 10-19 and 21
    assert p.count_organisations(db.uow(), PartnerFilter(text="partner 1")) == 12


# ---------------------------------------------------------------- who can help


@pytest.fixture
def helpers(db: Database) -> Database:
    add(db, "Alles Hengelo", "welfare", "Hengelo", domains=("legal", "safety", "parenting"))
    add(
        db,
        "Alles Elders",
        "welfare",
        "Almelo",
        domains=("legal", "safety", "parenting"),
        contacts=(
            ContactData(name="Zus", representative=True),
            ContactData(name="Anna"),
            ContactData(name="Oud-medewerker", active=False),
        ),
    )
    add(db, "Twee Hengelo", "legal", "Hengelo", domains=("legal", "safety"))
    add(db, "Een Hengelo", "legal", "Hengelo", "Borne", domains=("safety",))
    add(db, "Een Elders", "legal", "Borne", domains=("legal",))
    add(db, "Niets", "sports", "Hengelo", domains=("child_school",))
    gone = add(db, "Archief", "legal", "Hengelo", domains=("legal", "safety", "parenting"))
    p.set_archived(db.uow(), gone.id, True)
    return db


def test_who_can_help_ranks_by_domains_then_municipality_then_name(helpers):
    m = muns(helpers)
    matches = p.who_can_help(helpers.uow(), m["Hengelo"], ["safety", "legal", "parenting"])
    assert [(x.organisation.name, len(x.covered), x.serves_municipality) for x in matches] == [
        ("Alles Hengelo", 3, True),
        ("Alles Elders", 3, False),
        ("Twee Hengelo", 2, True),
        ("Een Hengelo", 1, True),
        ("Een Elders", 1, False),
    ]
    assert matches[0].covered == ("legal", "parenting", "safety")
    # contact persons: the active ones, the pact representative first
    assert [c.name for c in matches[1].contacts] == ["Zus", "Anna"]


def test_who_can_help_with_two_domains(helpers):
    m = muns(helpers)
    matches = p.who_can_help(helpers.uow(), m["Borne"], ["legal", "parenting"])
    assert [(x.organisation.name, x.covered) for x in matches] == [
        ("Alles Elders", ("legal", "parenting")),
        ("Alles Hengelo", ("legal", "parenting")),
        ("Een Elders", ("legal",)),  # serves Borne
        ("Twee Hengelo", ("legal",)),
    ]


def test_who_can_help_without_domains_lists_the_partners_of_the_municipality(helpers):
    m = muns(helpers)
    matches = p.who_can_help(helpers.uow(), m["Borne"], [])
    assert [x.organisation.name for x in matches] == ["Een Elders", "Een Hengelo"]
    assert p.who_can_help(helpers.uow(), None, []) == []


def test_who_can_help_without_municipality_ranks_by_domains_then_name(helpers):
    matches = p.who_can_help(helpers.uow(), None, ["safety"])
    assert [x.organisation.name for x in matches] == [
        "Alles Elders",
        "Alles Hengelo",
        "Een Hengelo",
        "Twee Hengelo",
    ]
    assert not any(x.serves_municipality for x in matches)


# ---------------------------------------------------------------- municipalities


def test_the_14_twente_municipalities_are_preloaded(db):
    assert len(p.list_municipalities(db.uow())) == 14
    assert "Hof van Twente" in muns(db)


def test_add_rename_and_deactivate_a_municipality(db):
    added = p.save_municipality(db.uow(), "  Haaksbergen-Noord ")
    assert added.name == "Haaksbergen-Noord" and added.active
    org = add(db, "Buurthuis", "welfare", "Haaksbergen-Noord")
    renamed = p.save_municipality(db.uow(), "Buurse", municipality_id=added.id)
    assert renamed.id == added.id and renamed.name == "Buurse"
    # the organisation follows the rename
    assert p.list_organisations(db.uow())[0].municipalities == ("Buurse",)
    assert p.get_organisation(db.uow(), org.id).municipality_ids == (added.id,)
    counts = {m.name: m.organisation_count for m in p.list_municipalities(db.uow())}
    assert counts["Buurse"] == 1 and counts["Almelo"] == 0
    p.save_municipality(db.uow(), "Buurse", active=False, municipality_id=added.id)
    assert "Buurse" not in [m.name for m in p.list_municipalities(db.uow())]
    assert "Buurse" in [m.name for m in p.list_municipalities(db.uow(), include_inactive=True)]


@pytest.mark.parametrize("name", ["Enschede", "ENSCHEDE", " enschede ", "Énschede"])
def test_a_municipality_cannot_be_listed_twice(db, name):
    with pytest.raises(ValidationError) as info:
        p.save_municipality(db.uow(), name)
    assert info.value.for_field("name") == _("This municipality is already listed.")
    assert len(p.list_municipalities(db.uow())) == 14


def test_renaming_onto_another_municipality_is_refused_but_keeping_the_name_is_fine(db):
    m = muns(db)
    with pytest.raises(ValidationError):
        p.save_municipality(db.uow(), "Almelo", municipality_id=m["Borne"])
    same = p.save_municipality(db.uow(), "borne", municipality_id=m["Borne"])
    assert same.name == "borne"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("A" * 121, None),
        ("Enschede|Hengelo", "A name may not contain “|”."),
    ],
)
def test_bad_municipality_names(db, name, message):
    with pytest.raises(ValidationError) as info:
        p.save_municipality(db.uow(), name)
    expected = _(message) if message else _("Use at most {n} characters.").format(n=120)
    assert info.value.for_field("name") == expected


def test_rename_unknown_municipality(db):
    with pytest.raises(NotFoundError):
        p.save_municipality(db.uow(), "Nergens", municipality_id=9999)


def test_a_nul_character_pasted_into_a_text_is_dropped_on_both_databases(db):
    # PostgreSQL refuses NUL in text; a paste or an import with one saves all the same
    saved = add(
        db,
        "Jeugd\x00punt",
        notes="Open op\x00 woensdag",
        contacts=(ContactData(name="Ans\x00", function="co\x00ach"),),
    )
    stored = p.get_organisation(db.uow(), saved.id)
    assert stored.name == "Jeugdpunt" and stored.notes == "Open op woensdag"
    assert (stored.contacts[0].name, stored.contacts[0].function) == ("Ans", "coach")
