from pact.services import partners as p


def test_save_and_list(db):
    muns = p.list_municipalities(db.uow())
    hengelo = next(m for m in muns if m.name == "Hengelo")
    saved = p.save_organisation(
        db.uow(),
        p.OrganisationData(
            name="Basisschool De Esch",
            sector="school",
            municipality_ids=(hengelo.id,),
            domains=("child_school", "parenting"),
            phone="074 123 4567",
            contacts=(p.ContactData(name="Elia Jansen", function="leerkracht"),),
        ),
    )
    assert saved.id and saved.version == 1
    rows = p.list_organisations(db.uow(), p.PartnerFilter(text="esch"))
    assert [r.name for r in rows] == ["Basisschool De Esch"]
    assert rows[0].municipalities == ("Hengelo",)
    assert rows[0].contact_count == 1
    assert p.list_organisations(db.uow(), p.PartnerFilter(text="elia"))[0].id == saved.id
