"""The meetings of the demo pact, told through the meeting services.

A series of network meetings of the Hengelo pact ("Netwerkoverleg Scheidingspact
Hengelo") every six weeks, on Tuesday morning: three held meetings with attendance,
minutes, decisions and next steps (some done at the next meeting, one continued,
some still open and overdue), the minutes of the first approved at the second and
those of the second at the third (the third's minutes are sent, awaiting approval),
and the next meeting planned, whose action list holds the open next steps. Two
case consultations were held: the joint consultation about the Tukker family of
DOMAIN.md (school, social team, mediator) and one in Enschede.

As in ``demo_stories`` every step runs on its own day through the service a person
would use then, with ``clock.today()`` that day. The cases were told before, so a
meeting about a case sees the case as it is today (its level, its consent), on the
day of the meeting. Every text is invented; no child's or family's name appears in
an agenda item's title or in the minutes of a network meeting (only under the
Tukker case item of the Tukker case consultation, like in its case file).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select

from pact.models import Case
from pact.services import consultations, meetings, minutes
from pact.services.consultations import ActionInput
from pact.services.demo_stories import COORDINATOR, TUKKER, TUKKER_ALIAS, World
from pact.services.meetings import (
    InviteInput,
    ItemData,
    ItemInput,
    MeetingData,
    MeetingInput,
    SeriesInput,
    TemplateItemInput,
)
from pact.services.users import Actor

SERIES_NAME = "Netwerkoverleg Scheidingspact Hengelo"
HELD_NETWORK_MEETINGS = 3
CASE_CONSULTATIONS = 2
PLANNED_MEETINGS = 1
MEETING_COUNT = HELD_NETWORK_MEETINGS + CASE_CONSULTATIONS + PLANNED_MEETINGS
INTERVAL_WEEKS = 6
TUKKER_CONSULTATION_DAYS = 96  # the day of the joint consultation in tell_tukker
ENSCHEDE_CONSULTATION_DAYS = 44

_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

# who is who (all in the demo directory)
_SCHAKEL = TUKKER.welfare
_SCHOOL = TUKKER.school
_SOCIAL = TUKKER.social_team
_YOUTH = TUKKER.youth_care
_MEDIATOR = TUKKER.mediator
_BUDDIES = TUKKER.buddy_programme
_KIND_EN_SCHEIDING = "Stichting Kind en Scheiding Twente"
_WIJKTEAM = "Wijkteam Enschede-Zuid"
_SAMENSPEL = "Praktijk Samenspel, kinder- en jeugdpsychologie"
_LINDENHOF = "Scholengemeenschap Het Lindenhof"

_INGRID = (_SCHAKEL, "Ingrid Kamphuis")
_RUUD = (_SCHAKEL, "Ruud Morsink")
_NADIA = (_SCHAKEL, "Nadia El Amrani")
_MARIEKE = (_SCHOOL, TUKKER.internal_coach)
_JOHAN = (_SCHOOL, "Johan Wessels")
_FEMKE = (_SOCIAL, "Femke Tuinman")
_ARJEN = (_SOCIAL, "Arjen Wolbers")
_LOTTE = (_YOUTH, "Lotte Hulshof")
_WIM = (_YOUTH, "Wim Reinders")
_CHANTAL = (_MEDIATOR, "Chantal Mensink")
_NIELS = (_MEDIATOR, "Niels Brinkman")
_JESSE = (_BUDDIES, "Jesse Tijink")
_ROOS = (_KIND_EN_SCHEIDING, "Roos Hoogeveen")
_ILSE = (_WIJKTEAM, "Ilse Bouwhuis")
_JUDITH = (_SAMENSPEL, "Judith Morsink")
_THOMAS = (_SAMENSPEL, "Thomas Bruggink")
_KARIN = (_LINDENHOF, "Karin Scholten")

# the network of the Hengelo pact: the partners of the Tukker story but the GP
_NETWORK = (_INGRID, _RUUD, _MARIEKE, _FEMKE, _LOTTE, _CHANTAL, _JESSE)

_TEMPLATE = (
    TemplateItemInput(
        "opening",
        "Voorbereiding voorzitter en notulist",
        0,
        "Vooraf, buiten de vergadertijd: agenda en casussen doorlopen, de toestemming van de "
        "casussen op de agenda nagaan en afspreken wie welk punt notuleert.",
        "internal",
    ),
    TemplateItemInput("opening", "Opening en vaststellen agenda", 5),
    TemplateItemInput("previous_minutes", "Verslag vorig netwerkoverleg", 10),
    TemplateItemInput("action_list", "Actielijst", 15),
    TemplateItemInput("theme", "Thema", 30),
    TemplateItemInput("announcements", "Mededelingen van de partners", 15),
    TemplateItemInput("round", "Rondvraag", 10),
    TemplateItemInput("closing", "Sluiting en volgende bijeenkomst", 5),
)


def dutch_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def network_dates(today: date) -> tuple[date, date, date, date]:
    """The three held network meetings and the planned one: Tuesdays six weeks apart,
    the third two to three weeks ago, the planned one three to four weeks ahead."""
    third = today - timedelta(days=14)
    third -= timedelta(days=(third.weekday() - 1) % 7)  # the Tuesday on or before
    step = timedelta(weeks=INTERVAL_WEEKS)
    return third - 2 * step, third - step, third, third + step


class _Teller:
    """Tells the meetings on their days; keeps what later days need to know."""

    def __init__(self, world: World):
        self.w = world
        self.uow = world.uow
        self.meetings: dict[str, MeetingData] = {}
        self.steps: dict[str, int] = {}  # a short name -> the next step's id
        self.series_id = 0

    # -- helpers

    def actor(self, who: str = COORDINATOR) -> Actor:
        return self.w.actors[who]

    def contact(self, who: tuple[str, str]) -> int:
        return self.w.contact(*who)

    def org(self, name: str) -> int:
        return self.w.organisations[name]

    def invite(self, who: tuple[str, str]) -> InviteInput:
        return InviteInput(self.org(who[0]), self.contact(who))

    def case_id(self, place: str, alias: str) -> int:
        s = self.w.uow.session
        return s.scalars(
            select(Case.id).where(
                Case.alias == alias, Case.municipality_id == self.w.municipalities[place]
            )
        ).one()

    def at(self, day: date, happen: Callable[[], object]) -> None:
        self.w.at(day, happen)

    def item(self, key: str, kind: str, n: int = 0) -> ItemData:
        return [i for i in self.meetings[key].items if i.kind == kind][n]

    def keep(self, key: str, data: MeetingData) -> MeetingData:
        self.meetings[key] = data
        return data

    def edit(self, key: str, item: ItemData, who: str = COORDINATOR, **changes: Any) -> None:
        data = ItemInput(
            kind=item.kind,
            title=item.real_title,
            planned_minutes=item.planned_minutes,
            description=item.description,
            visibility=item.visibility,
            presenter_contact_id=item.presenter_contact_id,
            case_id=item.case_id,
            case_mode=item.case_mode,
            id=item.id,
            version=item.version,
        )
        data = ItemInput(**{**data.__dict__, **changes})
        meeting_id = self.meetings[key].id
        self.keep(key, meetings.save_item(self.uow, self.actor(who), meeting_id, data))

    def add_case_item(self, key: str, data: ItemInput, after: str, who: str = COORDINATOR) -> None:
        """Add a case item and put it right after the first item of kind ``after``."""
        meeting = meetings.save_item(self.uow, self.actor(who), self.meetings[key].id, data)
        ids = [i.id for i in meeting.items]
        new = ids.pop()
        anchor = next(i.id for i in meeting.items if i.kind == after)
        ids.insert(ids.index(anchor) + 1, new)
        self.keep(key, meetings.reorder_items(self.uow, self.actor(who), meeting.id, ids))

    def attend(
        self,
        key: str,
        present: tuple[tuple[str, str], ...] = (),
        excused: tuple[tuple[tuple[str, str], tuple[str, str] | None], ...] = (),
        absent: tuple[tuple[str, str], ...] = (),
        who: str = COORDINATOR,
    ) -> None:
        by_contact = {i.contact_id: i.id for i in self.meetings[key].invites}
        for person in present:
            self.keep(
                key,
                minutes.set_attendance(
                    self.uow, self.actor(who), by_contact[self.contact(person)], "present"
                ),
            )
        for person, instead in excused:
            self.keep(
                key,
                minutes.set_attendance(
                    self.uow,
                    self.actor(who),
                    by_contact[self.contact(person)],
                    "excused",
                    replaced_by_contact_id=self.contact(instead) if instead else None,
                ),
            )
        for person in absent:
            self.keep(
                key,
                minutes.set_attendance(
                    self.uow, self.actor(who), by_contact[self.contact(person)], "absent"
                ),
            )

    def write(
        self,
        key: str,
        item: ItemData,
        text: str,
        decisions: tuple[str, ...] = (),
        steps: tuple[tuple[str, str, tuple[str, str], date], ...] = (),
        who: str = COORDINATOR,
    ) -> None:
        """The minutes of an item, its decisions and next steps: (name, what, owner, due)."""
        me = self.actor(who)
        self.keep(key, minutes.save_minutes(self.uow, me, item.id, text))
        for decision in decisions:
            self.keep(key, minutes.add_decision(self.uow, me, item.id, decision))
        for name, what, owner, due in steps:
            before = {st.id for i in self.meetings[key].items for st in i.steps}
            data = minutes.add_step(
                self.uow,
                me,
                item.id,
                ActionInput(what, due, owner_contact_id=self.contact(owner)),
            )
            self.keep(key, data)
            [added] = [st.id for i in data.items for st in i.steps if st.id not in before]
            self.steps[name] = added

    def review(
        self,
        key: str,
        name: str,
        outcome: str,
        note: str,
        due_on: date | None = None,
    ) -> None:
        self.keep(
            key,
            minutes.review_step(
                self.uow,
                self.actor(),
                self.meetings[key].id,
                self.steps[name],
                outcome,
                note,
                due_on,
            ),
        )

    def status(self, key: str, status: str, who: str = COORDINATOR) -> None:
        self.keep(
            key, meetings.set_status(self.uow, self.actor(who), self.meetings[key].id, status)
        )

    def approve(self, key: str, at: str) -> None:
        self.keep(
            at,
            minutes.approve_minutes(
                self.uow, self.actor(), self.meetings[key].id, self.meetings[at].id
            ),
        )

    # -- the series and its meetings

    def series(self) -> None:
        data = meetings.save_series(
            self.uow,
            self.actor(),
            SeriesInput(
                name=SERIES_NAME,
                kind="network",
                interval_weeks=INTERVAL_WEEKS,
                starts_at=time(9, 30),
                ends_at=time(11, 30),
                location="Stichting Welzijn De Schakel, Schakelplein 1, Hengelo",
                chair_contact_id=self.contact(_INGRID),
                minute_taker_contact_id=self.contact(_RUUD),
                template=_TEMPLATE,
                invites=tuple(self.invite(p) for p in _NETWORK),
            ),
        )
        self.series_id = data.id

    def plan_network(self, key: str, on: date, after: str | None = None) -> None:
        if after is None:
            base = meetings.meeting_defaults(self.uow, self.actor(), series_id=self.series_id)
        else:
            base = meetings.meeting_defaults(
                self.uow, self.actor(), after_meeting_id=self.meetings[after].id
            )
        if key == "m1":  # the first of the series: its day is chosen
            base = MeetingInput(**{**base.__dict__, "held_on": on})
        if base.held_on != on:
            raise ValueError(f"the demo's network meeting falls on {base.held_on}, not {on}")
        data = MeetingInput(**{**base.__dict__, "title": f"Netwerkoverleg {dutch_date(on)}"})
        self.keep(key, meetings.save_meeting(self.uow, self.actor(), data))

    def theme(self, key: str, title: str, presenter: tuple[str, str], description: str) -> None:
        self.edit(
            key,
            self.item(key, "theme"),
            title=title,
            presenter_contact_id=self.contact(presenter),
            description=description,
        )


def tell_meetings(world: World) -> int:
    """The meeting series, its meetings and the two case consultations; returns the
    number of meetings."""
    # the stories left thousands of (flushed) records in the one session of the demo:
    # forget them, so that the many queries of the meeting services stay fast
    world.uow.session.flush()
    world.uow.session.expunge_all()
    t = _Teller(world)
    m1, m2, m3, m4 = network_dates(world.today)
    ago = world.days_ago
    tukker = t.case_id(TUKKER.municipality, TUKKER_ALIAS)
    school_case = t.case_id("Hengelo", "Fam. D.")  # the school's case of the network
    enschede = t.case_id("Enschede", "Fam. B.")

    # -------------------------------------------------------- the series, meeting 1
    def plan_first() -> None:
        t.series()
        t.plan_network("m1", m1)
        t.theme(
            "m1",
            "Kind in de knel: signalen herkennen op school en in de wijk",
            _ROOS,
            "Roos Hoogeveen van Stichting Kind en Scheiding Twente vertelt hoe kinderen de "
            "strijd van hun ouders laten merken, en wat een leerkracht of hulpverlener dan "
            "kan doen.",
        )
        t.keep(
            "m1",
            meetings.add_invite(t.uow, t.actor(), t.meetings["m1"].id, t.invite(_ROOS)),
        )

    t.at(m1 - timedelta(days=21), plan_first)

    def hold_first() -> None:
        t.attend(
            "m1",
            present=(_INGRID, _RUUD, _MARIEKE, _FEMKE, _CHANTAL, _JESSE, _ROOS),
            excused=((_LOTTE, _WIM),),
        )
        t.write(
            "m1",
            t.item("m1", "opening", 1),
            "Ingrid heet iedereen welkom, in het bijzonder **Roos Hoogeveen** van Stichting "
            "Kind en Scheiding Twente, die het thema verzorgt. Lotte Hulshof is afwezig; "
            "**Wim Reinders** neemt voor Jeugdhulp Twentezorg waar. De agenda wordt "
            "ongewijzigd vastgesteld.",
        )
        t.write(
            "m1",
            t.item("m1", "theme"),
            "Roos laat zien hoe een **kind in de knel** de strijd tussen de ouders laat merken:\n"
            "\n"
            "- vaker afwezig of te laat, vooral na een wisseldag;\n"
            "- een kort lontje, of juist heel stil en teruggetrokken;\n"
            "- schuldgevoel: *het is mijn schuld dat papa of mama weg is*;\n"
            "- loyaliteitsproblemen: niet durven vertellen hoe het bij de andere ouder was.\n"
            "\n"
            "Een kind dat klem zit heeft vooral **een volwassene die luistert** zonder partij "
            "te kiezen. De leerkracht hoeft het probleem niet op te lossen: een kort gesprek "
            "en de lijn naar de IB'er zijn genoeg.\n"
            "\n"
            "Uit de groep: leerkrachten twijfelen of ze met een kind mogen praten *vanwege de "
            "AVG*. Met het kind praten mag altijd; informatie over het gezin delen met een "
            "partner alleen met toestemming van de ouders, of onder de Meldcode als de "
            "veiligheid in het geding is. Het netwerk wil dit vastleggen in een "
            "**schoolprotocol**.",
            decisions=(
                "Het pact maakt een schoolprotocol 'Kind en scheiding' voor de basisscholen in "
                "Hengelo; Basisschool De Wilgenhoek schrijft het eerste concept.",
            ),
            steps=(
                (
                    "protocol",
                    "Concept van het schoolprotocol 'Kind en scheiding' rondsturen aan het netwerk",
                    _MARIEKE,
                    m2 - timedelta(days=7),
                ),
                (
                    "evening",
                    "Datum en spreker vastleggen voor de ouderavond over het ouderschapsplan",
                    _CHANTAL,
                    m1 + timedelta(days=28),
                ),
                (
                    "folder",
                    "Folder 'Kinderen en scheiding' verspreiden via de basisscholen in Hengelo",
                    _ROOS,
                    m2,
                ),
            ),
        )
        t.write(
            "m1",
            t.item("m1", "announcements"),
            "- **Sociaal Team Hengelo**: vanaf volgende maand een inloopspreekuur *Samen uit "
            "elkaar* op dinsdagmiddag in het gemeentehuis.\n"
            "- **Maatjesproject Samen Sterk Twente**: drie nieuwe maatjes zijn getraind; de "
            "wachttijd voor een maatje is minder dan een maand.",
        )

    t.at(m1, hold_first)
    t.at(m1 + timedelta(days=3), lambda: t.status("m1", "minutes_sent"))

    # -------------------------------------------------------- meeting 2
    def plan_second() -> None:
        t.plan_network("m2", m2)
        t.theme(
            "m2",
            "Het schoolprotocol 'Kind en scheiding': wie doet wat?",
            _MARIEKE,
            "Marieke Olthof licht het concept toe; bespreken en vaststellen.",
        )
        t.add_case_item(
            "m2",
            ItemInput(
                kind="case",
                title="Jongen van 8: ouders oneens over school en opvang",
                planned_minutes=15,
                description="Ingebracht door het schoolmaatschappelijk werk; anoniem "
                "besproken (de toestemming dekt niet alle partners aan tafel).",
                presenter_contact_id=t.contact(_NADIA),
                case_id=school_case,
                case_mode="anonymous",
            ),
            after="action_list",
        )

    t.at(m2 - timedelta(days=14), plan_second)

    def hold_second() -> None:
        t.attend(
            "m2",
            present=(_INGRID, _RUUD, _MARIEKE, _LOTTE, _CHANTAL),
            excused=((_FEMKE, _ARJEN),),
            absent=(_JESSE,),
        )
        t.write(
            "m2",
            t.item("m2", "opening", 1),
            "Ingrid opent het overleg. Femke Tuinman is verhinderd; **Arjen Wolbers** is er "
            "voor het Sociaal Team Hengelo. Van het maatjesproject is niemand aanwezig.",
        )
        t.write(
            "m2",
            t.item("m2", "previous_minutes"),
            f"Het verslag van het netwerkoverleg van {dutch_date(m1)} is **ongewijzigd "
            "vastgesteld**.",
        )
        t.approve("m1", "m2")
        t.review(
            "m2", "protocol", "done", "Het concept is rondgestuurd en staat vandaag op de agenda."
        )
        t.review("m2", "folder", "done", "De folders liggen op alle basisscholen in Hengelo.")
        t.review(
            "m2",
            "evening",
            "continue",
            "Er is een spreker; de datum hangt nog af van de zaal.",
            m2 + timedelta(days=28),
        )
        t.write(
            "m2",
            t.item("m2", "action_list"),
            "Twee punten zijn afgerond. De ouderavond loopt door: er is een spreker, de "
            "datum volgt.",
        )
        t.write(
            "m2",
            t.item("m2", "case"),
            "Nadia brengt anoniem een casus in: een jongen van 8 jaar, de ouders zijn het "
            "oneens over de school en de opvang na de scheiding.\n"
            "\n"
            "**Advies van het netwerk**:\n"
            "\n"
            "1. de ouders samen uitnodigen op school, met het schoolmaatschappelijk werk erbij;\n"
            "2. de ouders wijzen op de cursus *Ouderschap na scheiding*;\n"
            "3. de jeugdhulp blijft betrokken; de school houdt de korte lijn met de IB'er.",
        )
        t.write(
            "m2",
            t.item("m2", "theme"),
            "Marieke licht het concept toe. De kern van het **schoolprotocol**:\n"
            "\n"
            "1. De leerkracht signaleert en bespreekt het met de IB'er.\n"
            "2. De IB'er voert korte gesprekken met het kind en vraagt de ouders om "
            "toestemming voordat er partners betrokken worden.\n"
            "3. Met toestemming schakelt de IB'er het schoolmaatschappelijk werk in; bij "
            "zorgen over de veiligheid volgt de school de **Meldcode**.\n"
            "4. Eén regisseur per gezin houdt het overzicht.\n"
            "\n"
            "Reacties: het sociaal team wil per school een vaste contactpersoon; de jeugdhulp "
            "vraagt de toestemming schriftelijk vast te leggen, met de partners en de soort "
            "informatie erbij.",
            decisions=(
                "Het netwerk stemt in met het schoolprotocol 'Kind en scheiding', met de "
                "aanvullingen van vandaag. Na drie maanden volgt een evaluatie.",
            ),
            steps=(
                (
                    "directors",
                    "Schoolprotocol voorleggen aan het directeurenoverleg primair onderwijs",
                    _JOHAN,
                    m2 + timedelta(days=28),
                ),
                (
                    "contacts",
                    "Vaste contactpersoon van het sociaal team per basisschool doorgeven",
                    _ARJEN,
                    m2 + timedelta(days=21),
                ),
                (
                    "form",
                    "Toestemmingsformulier voor scholen aanpassen: partners en soort informatie "
                    "benoemen",
                    _NADIA,
                    m2 + timedelta(days=35),
                ),
            ),
        )
        t.write(
            "m2",
            t.item("m2", "announcements"),
            "- **Jeugdhulp Twentezorg**: de wachttijd voor ouderschapsbemiddeling is nu zes "
            "weken.\n"
            "- **Mediationpraktijk Het Midden**: Niels Brinkman is begonnen als kindbehartiger.",
        )

    t.at(m2, hold_second)
    t.at(m2 + timedelta(days=2), lambda: t.status("m2", "minutes_sent"))

    # -------------------------------------------------------- meeting 3
    def plan_third() -> None:
        t.plan_network("m3", m3)
        t.theme(
            "m3",
            "Het kind een stem geven in het ouderschapsplan",
            _NIELS,
            "Niels Brinkman, kindbehartiger, over het kindgesprek en hoe partners kinderen "
            "kunnen helpen hun mening te geven.",
        )

    t.at(m3 - timedelta(days=14), plan_third)

    def hold_third() -> None:
        t.attend(
            "m3",
            present=(_INGRID, _RUUD, _MARIEKE, _FEMKE, _LOTTE, _JESSE),
            excused=((_CHANTAL, _NIELS),),
        )
        t.write(
            "m3",
            t.item("m3", "opening", 1),
            "Ingrid opent het overleg. Chantal Mensink is verhinderd; **Niels Brinkman** is "
            "er voor Mediationpraktijk Het Midden en verzorgt het thema.",
        )
        t.write(
            "m3",
            t.item("m3", "previous_minutes"),
            f"Het verslag van {dutch_date(m2)} is vastgesteld, met één aanvulling: de "
            "evaluatie van het schoolprotocol volgt drie maanden na de start.",
        )
        t.approve("m2", "m3")
        t.review("m3", "evening", "done", "De ouderavond is vastgelegd; De Schakel nodigt uit.")
        t.review(
            "m3",
            "contacts",
            "done",
            "Elke basisschool in Hengelo heeft nu een vaste contactpersoon.",
        )
        t.write(
            "m3",
            t.item("m3", "action_list"),
            "Twee punten zijn afgerond. Het directeurenoverleg en het toestemmingsformulier "
            "zijn **niet besproken** (geen tijd); ze staan op de actielijst van de volgende "
            "keer.",
        )
        t.write(
            "m3",
            t.item("m3", "theme"),
            "Niels vertelt over het **ouderschapsplan**: ouders met gezamenlijk gezag die "
            "uit elkaar gaan, leggen daarin de zorgregeling, de informatie over de kinderen "
            "en de kosten vast. Kinderen vanaf 12 jaar worden door de rechter uitgenodigd "
            "om hun mening te geven.\n"
            "\n"
            "Wat partners kunnen doen:\n"
            "\n"
            "- het kind vragen wat het zelf belangrijk vindt, en dat aan de ouders "
            "teruggeven;\n"
            "- ouders wijzen op een **kindgesprek** bij de kindbehartiger;\n"
            "- niet meegaan in de strijd: neutraal blijven, ook als één ouder om steun vraagt.",
            decisions=(
                "De ouderavond 'Het ouderschapsplan: het kind centraal' wordt gehouden in De "
                "Schakel; De Schakel nodigt de ouders uit via de scholen.",
            ),
            steps=(
                (
                    "invitation",
                    "Uitnodiging voor de ouderavond via de nieuwsbrieven van de scholen versturen",
                    _INGRID,
                    m3 + timedelta(days=7),
                ),
                (
                    "leaflet",
                    "Folder over het kindgesprek van de kindbehartiger aan de partners sturen",
                    _NIELS,
                    m3 + timedelta(days=28),
                ),
                (
                    "evaluation",
                    "Evaluatie van het schoolprotocol voorbereiden met de IB'ers",
                    _MARIEKE,
                    m4,
                ),
            ),
        )
        t.write(
            "m3",
            t.item("m3", "announcements"),
            "- **Maatjesproject Samen Sterk Twente**: het project zoekt nieuwe maatjes; "
            "partners mogen de vacature delen.\n"
            "- **Sociaal Team Hengelo**: het inloopspreekuur *Samen uit elkaar* loopt goed, "
            "vooral vaders komen.",
        )
        t.write(
            "m3",
            t.item("m3", "round"),
            "Lotte vraagt aandacht voor de nieuwe folder van de jeugdhulp.",
        )

    t.at(m3, hold_third)

    # -------------------------------------------------------- the next meeting, planned
    def plan_next() -> None:
        t.status("m3", "minutes_sent")
        t.plan_network("m4", m4, after="m3")
        t.theme(
            "m4",
            "Evaluatie van het schoolprotocol 'Kind en scheiding'",
            _MARIEKE,
            "Wat werkt er na drie maanden, wat moet anders? De IB'ers van de basisscholen "
            "zijn uitgenodigd om hun ervaringen te delen.",
        )
        t.add_case_item(
            "m4",
            ItemInput(
                kind="case",
                title="Terugblik op een casus: van strijd over het ouderschapsplan naar rust",
                planned_minutes=20,
                description="Ingebracht door het schoolmaatschappelijk werk: wat heeft "
                "gewerkt? Vooraf nagaan of de toestemming alle genodigden dekt; anders "
                "anoniem bespreken.",
                presenter_contact_id=t.contact(_NADIA),
                case_id=tukker,
            ),
            after="action_list",
        )

    t.at(m3 + timedelta(days=2), plan_next)

    # -------------------------------------------------------- the Tukker case consultation
    tukker_day = ago(TUKKER_CONSULTATION_DAYS)

    def plan_tukker() -> None:
        plan_case_consultation(
            t,
            "tukker",
            tukker_day,
            "Casusoverleg school, sociaal team en mediator",
            time(14, 0),
            time(15, 30),
            "Basisschool De Wilgenhoek, Wilgenlaan 14, Hengelo",
            chair=_INGRID,
            minute_taker=_NADIA,
            invites=(_INGRID, _NADIA, _MARIEKE, _FEMKE, _CHANTAL),
            item=ItemInput(
                kind="case",
                title="Ouders in strijd over het ouderschapsplan: wat heeft het kind nodig?",
                planned_minutes=70,
                description="Beide ouders hebben toestemming gegeven voor school, sociaal "
                "team, mediator en maatjesproject.",
                presenter_contact_id=t.contact(_MARIEKE),
                case_id=tukker,
            ),
        )

    t.at(tukker_day - timedelta(days=7), plan_tukker)

    def hold_tukker() -> None:
        t.attend("tukker", present=(_INGRID, _NADIA, _MARIEKE, _FEMKE, _CHANTAL))
        t.write(
            "tukker",
            t.item("tukker", "opening"),
            "Ingrid opent het casusoverleg. Iedereen aan tafel is betrokken bij het gezin; "
            "beide ouders hebben toestemming gegeven.",
        )
        t.write(
            "tukker",
            t.item("tukker", "case"),
            "**Aanleiding**: de ouders zijn het oneens over het ouderschapsplan (de "
            "zorgregeling en waar Wesley gaat wonen); beiden hebben een advocaat. Wesley "
            "zegt dat hij *tussen papa en mama in zit*.\n"
            "\n"
            "**Wat zien we?**\n"
            "\n"
            "- School: Wesley is minder vaak afwezig sinds hij een maatje heeft, maar trekt "
            "zich weer terug na de wisseldagen.\n"
            "- Sociaal team: beide ouders staan open voor hulp, maar niet samen aan tafel "
            "zonder begeleiding.\n"
            "- Mediator: mediation kan beginnen zodra beide ouders tekenen; een kindgesprek "
            "door de kindbehartiger kan eerst.\n"
            "\n"
            "**Advies**: mediation met beide ouders, een kindgesprek met Wesley, de cursus "
            "*Ouderschap na scheiding* voor de ouders; de school blijft korte gesprekken "
            "voeren.",
            decisions=(
                "Het schoolmaatschappelijk werk (Nadia El Amrani) blijft regisseur.",
                "Evaluatie over drie maanden met school, sociaal team en mediator; de "
                "afspraken staan in het casusdossier.",
            ),
            steps=(
                (
                    "tukker-parents",
                    "De ouders samen informeren over de afspraken van dit casusoverleg",
                    _NADIA,
                    tukker_day + timedelta(days=7),
                ),
            ),
        )
        t.write(
            "tukker",
            t.item("tukker", "closing"),
            "Ingrid vat de afspraken samen en sluit om 15.25 uur.",
        )

    t.at(tukker_day, hold_tukker)

    def tukker_done() -> None:
        t.status("tukker", "minutes_sent")
        consultations.set_action_status(
            t.uow,
            t.actor(),
            t.steps["tukker-parents"],
            "done",
            tukker_day + timedelta(days=5),
            "Beide ouders zijn samen op school geweest; ze doen mee.",
        )

    t.at(tukker_day + timedelta(days=5), tukker_done)

    # -------------------------------------------------------- the Enschede case consultation
    enschede_day = ago(ENSCHEDE_CONSULTATION_DAYS)
    while enschede_day.weekday() >= 5:  # a consultation on a working day
        enschede_day -= timedelta(days=1)
    ilse = "i.bouwhuis"

    def plan_enschede() -> None:
        plan_case_consultation(
            t,
            "enschede",
            enschede_day,
            "Casusoverleg wijkteam Enschede-Zuid",
            time(13, 30),
            time(14, 45),
            "Wijkteam Enschede-Zuid, Wijkplein Zuid 3, Enschede",
            chair=_ILSE,
            minute_taker=None,
            invites=(_ILSE, _CHANTAL, _JUDITH, _KARIN),
            item=ItemInput(
                kind="case",
                title="Zorgregeling na de zomer en een kindgesprek voor de oudste",
                planned_minutes=45,
                presenter_contact_id=t.contact(_ILSE),
                case_id=enschede,
            ),
        )

    t.at(enschede_day - timedelta(days=10), plan_enschede)

    def hold_enschede() -> None:
        t.attend(
            "enschede",
            present=(_ILSE, _CHANTAL, _KARIN),
            excused=((_JUDITH, _THOMAS),),
            who=ilse,
        )
        t.write(
            "enschede",
            t.item("enschede", "opening"),
            "Ilse opent het overleg. Judith Morsink is verhinderd; **Thomas Bruggink** is er "
            "voor Praktijk Samenspel.",
            who=ilse,
        )
        t.write(
            "enschede",
            t.item("enschede", "case"),
            "De ouders houden vast aan hun eigen zorgregeling; bij elke overdracht is er "
            "spanning.\n"
            "\n"
            "- **School**: de oudste komt vaker te laat en haalt lagere cijfers.\n"
            "- **Praktijk Samenspel**: de jongste heeft baat bij de groepstraining voor "
            "kinderen van gescheiden ouders.\n"
            "- **Mediator**: beide ouders willen ouderschapsbemiddeling proberen.",
            decisions=(
                "Het wijkteam blijft casusregisseur; de mediator start de ouderschapsbemiddeling.",
            ),
            steps=(
                (
                    "enschede-child",
                    "Kindgesprek met de oudste door de kindbehartiger",
                    _NIELS,
                    enschede_day + timedelta(days=14),
                ),
                (
                    "enschede-school",
                    "Terugkoppeling van de zorgcoördinator over aanwezigheid en cijfers",
                    _KARIN,
                    enschede_day + timedelta(days=28),
                ),
            ),
            who=ilse,
        )

    t.at(enschede_day, hold_enschede)

    def enschede_sent() -> None:
        t.status("enschede", "minutes_sent", who=ilse)
        consultations.set_action_status(
            t.uow,
            t.actor(ilse),
            t.steps["enschede-child"],
            "done",
            enschede_day + timedelta(days=12),
            "Het kindgesprek is gevoerd; de oudste wil vooral rust bij de overdracht.",
        )

    t.at(enschede_day + timedelta(days=12), enschede_sent)

    world.play()
    return MEETING_COUNT


def plan_case_consultation(
    t: _Teller,
    key: str,
    on: date,
    title: str,
    starts: time,
    ends: time,
    location: str,
    chair: tuple[str, str],
    minute_taker: tuple[str, str] | None,
    invites: tuple[tuple[str, str], ...],
    item: ItemInput,
) -> None:
    """A case consultation: opening, the action list (the case's open next steps),
    the case, closing. The default agenda's theme becomes the case item."""
    me = t.actor()
    data = meetings.save_meeting(
        t.uow,
        me,
        MeetingInput(
            kind="case",
            held_on=on,
            starts_at=starts,
            ends_at=ends,
            title=title,
            location=location,
            chair_contact_id=t.contact(chair),
            minute_taker_contact_id=t.contact(minute_taker) if minute_taker else None,
            invites=tuple(t.invite(p) for p in invites),
        ),
    )
    for unused in [
        i for i in data.items if i.kind in ("previous_minutes", "announcements", "round")
    ]:
        data = meetings.remove_item(t.uow, me, unused.id)
    t.keep(key, data)
    t.edit(key, t.item(key, "opening"), title="Opening", planned_minutes=5)
    t.edit(key, t.item(key, "action_list"), title="Openstaande afspraken", planned_minutes=5)
    theme = t.item(key, "theme")
    t.edit(key, theme, **{**item.__dict__, "id": theme.id, "version": theme.version})
    t.edit(key, t.item(key, "closing"), title="Afspraken, regie en sluiting", planned_minutes=10)


__all__ = ["MEETING_COUNT", "SERIES_NAME", "network_dates", "tell_meetings"]
