"""The people and the families of the demo pact, told through the services.

Everything is invented. The users are professionals of the demo directory; the
families are known by aliases and initials, some also by a (fictional) family
name, which like every case detail lives in the encrypted database only.

The cases are not inserted: each one is told as a story, a list of things that
happen on certain days (registered, a signal, consent given, a consultation, a
next step done, the level raised, the case closed), and every step goes through
the service a person would use on that day. While a step runs, ``clock.today()``
is that day, so every rule about dates, consent, need-to-know and the Meldcode is
checked exactly as it would have been then. Dates are relative to the real today,
so a demo made today shows recent signals, open and overdue steps and consent that
is about to expire; two demos made on the same day hold the same records.

The first story is the Tukker family of DOMAIN.md (``tell_tukker``); 30 more
families follow in ``_FAMILIES``, across the 14 municipalities and the four levels
of the escalation ladder.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import TracebackType

from sqlalchemy import select
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from pact.db.uow import UnitOfWork
from pact.errors import BreakGlassRequiredError
from pact.models import Case, Contact, Municipality, Organisation
from pact.services import cases, clock, consultations, scope, users
from pact.services import consent as consent_svc
from pact.services import consent_rules as rules
from pact.services.auth import DEMO_PASSWORD
from pact.services.cases import CarerData, CaseInput, ChildData
from pact.services.consent import ConsentInput, MeldcodeInput, WithdrawalInput
from pact.services.consultations import ActionInput, ConsultationInput, SignalData
from pact.services.users import Actor, UserData

# ---------------------------------------------------------------- the Tukker story's cast


@dataclass(frozen=True)
class TukkerPartners:
    """Who is who around Wesley Tukker (DOMAIN.md), by organisation and contact name."""

    municipality: str
    school: str
    teacher: str
    internal_coach: str
    buddy_programme: str
    social_team: str
    mediator: str
    gp: str
    youth_care: str
    welfare: str


TUKKER = TukkerPartners(
    municipality="Hengelo",
    school="Basisschool De Wilgenhoek",
    teacher="Elia Brinkhuis",
    internal_coach="Marieke Olthof",
    buddy_programme="Maatjesproject Samen Sterk Twente",
    social_team="Sociaal Team Hengelo",
    mediator="Mediationpraktijk Het Midden",
    gp="Huisartsenpraktijk De Linde",
    youth_care="Jeugdhulp Twentezorg",
    welfare="Stichting Welzijn De Schakel",
)

TUKKER_FAMILY = "Tukker"
TUKKER_CHILD = "Wesley"
TUKKER_ALIAS = "Fam. T."
TUKKER_AGE = 10  # "about 10": born in today's year minus 10 (9 or 10 years old)
TUKKER_DAYS = 212  # the story starts about seven months before today

# the contact persons named in the story (all in the demo directory)
_COORDINATOR = "Ingrid Kamphuis"
_SCHOOL_SOCIAL_WORKER = "Nadia El Amrani"
_WELFARE_WORKER = "Ruud Morsink"
_BUDDY_COORDINATOR = "Jesse Tijink"
_SOCIAL_TEAM_CONSULTANT = "Femke Tuinman"
_MEDIATOR = "Chantal Mensink"
_CHILD_ADVOCATE = "Niels Brinkman"
_MELDPUNT = "Meldpunt Veilig Opgroeien Twente"
_YOUTH_PROTECTION = "Jeugdbescherming Tukkerland"


# ---------------------------------------------------------------- users


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    organisation: str | None
    contact: str | None
    roles: tuple[str, ...]


ADMIN = "admin"
COORDINATOR = "coordinator"
# why the demo coordinator opens a case that is not hers (pact.services.scope)
BREAK_GLASS_REASON = "Gevraagd om advies in een consultatie met het pact"
WORKER = "worker"

# admin first (the first user of a database), then the others as admin adds them
USERS: tuple[DemoUser, ...] = (
    DemoUser(ADMIN, "Functioneel beheerder", None, None, (users.ADMINISTRATOR,)),
    DemoUser(COORDINATOR, _COORDINATOR, TUKKER.welfare, _COORDINATOR, (users.COORDINATOR,)),
    DemoUser(WORKER, TUKKER.internal_coach, TUKKER.school, TUKKER.internal_coach, (users.WORKER,)),
    # welfare workers and consultants who register the families of their region
    DemoUser(
        "y.stegeman",
        "Yvonne Stegeman",
        "Welzijnsorganisatie Het Palet",
        "Yvonne Stegeman",
        (users.WORKER,),
    ),
    DemoUser(
        "m.zwiers", "Marloes Zwiers", "Welzijn Noordoost Twente", "Marloes Zwiers", (users.WORKER,)
    ),
    DemoUser(
        "g.kolkman",
        "Gertjan Kolkman",
        "Stichting Welzijn Rijssen-Holten",
        "Gertjan Kolkman",
        (users.WORKER,),
    ),
    DemoUser(
        "i.bouwhuis", "Ilse Bouwhuis", "Wijkteam Enschede-Zuid", "Ilse Bouwhuis", (users.WORKER,)
    ),
    DemoUser(
        "e.schuurman",
        "Ellen Schuurman",
        "Team Jeugd en Gezin Hof van Twente",
        "Ellen Schuurman",
        (users.WORKER,),
    ),
    DemoUser(
        "r.grootenhuis",
        "Rik Grootenhuis",
        "Sociaal Team Hellendoorn",
        "Rik Grootenhuis",
        (users.WORKER,),
    ),
    DemoUser(
        "d.terhorst",
        "Daphne ter Horst",
        "Gezinscoaching Op Koers",
        "Daphne ter Horst",
        (users.WORKER,),
    ),
)
MAIN_USERS = (ADMIN, COORDINATOR, WORKER)


# ---------------------------------------------------------------- the 30 other families


@dataclass(frozen=True)
class _Kid:
    name: str
    age: int  # the oldest the child can be this year: born in today's year minus age
    school: str | None = None
    buddy: bool = False


@dataclass(frozen=True)
class _Family:
    place: str
    family: str  # an invented family name; the alias is "Fam. <initial>."
    keep_name: bool  # the full family name is stored too (encrypted, like every detail)
    by: str  # the user who registers the case
    started: int  # registered this many days before today
    level: int  # at registration
    kids: tuple[_Kid, ...]
    # mother, father, then others: (relation, parental authority)
    carers: tuple[tuple[str, bool], ...] = (("mother", True), ("father", True))
    # complete, expiring, expired, withdrawn, none, parents_only, child_only, lapsed
    consent: str = "complete"
    partners: tuple[tuple[str, str], ...] = ()  # organisation, role in the case
    lead: tuple[str, str] | None = None  # organisation, contact person
    consultation: str = ""  # "", named, anonymous
    # on_time, late, open, overdue, cancelled
    steps: tuple[str, ...] = ()
    level_change: tuple[int, int] | None = None  # (days after registration, new level)
    meldcode: tuple[str, ...] = ()  # partners informed under the Meldcode, without consent
    closed: str = ""  # the reason, for a closed case
    referred_by: str | None = None


_WELZIJN_PALET = "Welzijnsorganisatie Het Palet"
_WELZIJN_NOT = "Welzijn Noordoost Twente"
_WELZIJN_RH = "Stichting Welzijn Rijssen-Holten"
_WIJKTEAM = "Wijkteam Enschede-Zuid"
_HVT = "Team Jeugd en Gezin Hof van Twente"
_ST_HELLENDOORN = "Sociaal Team Hellendoorn"
_OP_KOERS = "Gezinscoaching Op Koers"

# fmt: off
_FAMILIES: tuple[_Family, ...] = (
    _Family("Almelo", "Brinkerink", True, "y.stegeman", 205, 2,
            (_Kid("Jochem", 9, "Christelijke basisschool Het Kompas", buddy=True),
             _Kid("Noortje", 6, "Christelijke basisschool Het Kompas")),
            partners=(("Sociaal Team Almelo", "support"),
                      ("Stichting Kind en Scheiding Twente", "support")),
            lead=(_WELZIJN_PALET, "Yvonne Stegeman"), consultation="named",
            steps=("on_time", "late", "open"),
            referred_by="Christelijke basisschool Het Kompas"),
    _Family("Almelo", "Haverkamp", False, "y.stegeman", 150, 3,
            (_Kid("Thijmen", 12, "Christelijke basisschool Het Kompas"),),
            consent="parents_only", lead=(_WELZIJN_PALET, "Yvonne Stegeman"),
            consultation="anonymous", steps=("open", "overdue")),
    _Family("Almelo", "Rikkerink", False, "y.stegeman", 95, 4,
            (_Kid("Mirthe", 7), _Kid("Jasper", 4)),
            consent="none", meldcode=(_MELDPUNT, _YOUTH_PROTECTION),
            lead=(_WELZIJN_PALET, "Yvonne Stegeman"), consultation="named",
            steps=("on_time", "open", "overdue"),
            referred_by="Gezondheidscentrum Het Veldkamp"),
    _Family("Borne", "Meulenbelt", True, COORDINATOR, 60, 1,
            (_Kid("Jelmer", 8),),
            consent="expiring", partners=((TUKKER.mediator, "mediation"),),
            lead=(TUKKER.welfare, _WELFARE_WORKER), consultation="named",
            steps=("on_time", "open")),
    _Family("Borne", "Oosterveld", False, COORDINATOR, 130, 2,
            (_Kid("Guusje", 10, buddy=True),),
            partners=((TUKKER.youth_care, "support"),),
            lead=(TUKKER.youth_care, "Lotte Hulshof"), consultation="named",
            steps=("on_time", "cancelled"),
            closed="De ouders hebben samen een ouderschapsplan gemaakt en houden zich aan de "
                   "afspraken; de ondersteuning is afgerond."),
    _Family("Dinkelland", "Ekkelkamp", True, "m.zwiers", 180, 2,
            (_Kid("Sietse", 14), _Kid("Maartje", 11)),
            consent="expired",
            partners=(("Psychologenpraktijk De Horst", "support"),
                      ("Geldpunt Oldenzaal-Losser", "support")),
            lead=(_WELZIJN_NOT, "Marloes Zwiers"), consultation="named",
            steps=("late", "overdue"),
            referred_by="Huisartsenpraktijk Dinkelzicht"),
    _Family("Dinkelland", "Voortman", False, "m.zwiers", 8, 1,
            (_Kid("Lisanne", 5),),
            consent="none"),
    _Family("Enschede", "Bolscher", True, "i.bouwhuis", 200, 3,
            (_Kid("Wouter", 13, "Scholengemeenschap Het Lindenhof"), _Kid("Matthijs", 10)),
            partners=((TUKKER.mediator, "mediation"),
                      ("Praktijk Samenspel, kinder- en jeugdpsychologie", "support"),
                      ("Scholengemeenschap Het Lindenhof", "school")),
            lead=(_WIJKTEAM, "Ilse Bouwhuis"), consultation="named",
            steps=("on_time", "on_time", "open", "cancelled"),
            referred_by="Scholengemeenschap Het Lindenhof"),
    _Family("Enschede", "Roelofsen", False, "i.bouwhuis", 120, 3,
            (_Kid("Floris", 9),),
            consent="withdrawn", partners=((_OP_KOERS, "support"),),
            lead=(_WIJKTEAM, "Ilse Bouwhuis"), consultation="named",
            steps=("on_time", "open", "overdue"),
            level_change=(40, 4), meldcode=(_MELDPUNT,)),
    _Family("Enschede", "Groothuis", False, "i.bouwhuis", 45, 2,
            (_Kid("Annabel", 16, "Scholengemeenschap Het Lindenhof"),),
            consent="child_only", lead=(_WIJKTEAM, "Ilse Bouwhuis"),
            consultation="anonymous", steps=("open",)),
    _Family("Enschede", "Leusink", False, "i.bouwhuis", 25, 1,
            (_Kid("Jolijn", 7), _Kid("Nienke", 3, "Kinderopvang Dribbel")),
            partners=(("Kinderopvang Dribbel", "school"),),
            lead=(_WIJKTEAM, "Ilse Bouwhuis"), steps=("open",)),
    _Family("Haaksbergen", "Lubberink", True, "d.terhorst", 170, 3,
            (_Kid("Rosalie", 11), _Kid("Quinten", 8, buddy=True)),
            partners=(("Praktijk Samenspel, kinder- en jeugdpsychologie", "support"),
                      ("Budgetcoaching Enschede", "support"),
                      ("Buurtsportcoaches Haaksbergen", "other")),
            lead=(_OP_KOERS, "Daphne ter Horst"), consultation="named",
            steps=("on_time", "late", "overdue", "open")),
    _Family("Haaksbergen", "Kleinsman", False, "d.terhorst", 100, 2,
            (_Kid("Hannes", 15),),
            carers=(("mother", True), ("step_parent", False), ("father", True)),
            partners=(("Stichting GGZ Jong Twente", "support"),),
            lead=(_OP_KOERS, "Daphne ter Horst"), consultation="named",
            steps=("on_time",),
            closed="Het gezin is verhuisd naar een gemeente buiten Twente; het wijkteam daar "
                   "neemt de ondersteuning over."),
    _Family("Hellendoorn", "Nijkamp", False, "r.grootenhuis", 140, 2,
            (_Kid("Tobias", 9, buddy=True), _Kid("Veerle", 12)),
            consent="expiring",
            partners=(("Ambulante Hulp De Overstap", "support"),
                      ("Zwem- en Polovereniging De Regge", "other")),
            lead=(_ST_HELLENDOORN, "Rik Grootenhuis"), consultation="named",
            steps=("on_time", "open")),
    _Family("Hellendoorn", "Harbers", True, "r.grootenhuis", 75, 2,
            (_Kid("Olivier", 6),),
            consent="lapsed", partners=(("Diaconie Hellendoorn-Nijverdal", "support"),),
            lead=(_ST_HELLENDOORN, "Rik Grootenhuis"), consultation="named",
            steps=("overdue", "open"), level_change=(30, 3)),
    _Family("Hengelo", "Dijkink", False, COORDINATOR, 160, 2,
            (_Kid("Kasper", 8, TUKKER.school),),
            partners=((TUKKER.school, "school"), (TUKKER.youth_care, "support")),
            lead=(TUKKER.welfare, _SCHOOL_SOCIAL_WORKER), consultation="named",
            steps=("on_time", "open"), referred_by=TUKKER.school),
    _Family("Hengelo", "Olthuis", False, COORDINATOR, 12, 1,
            (_Kid("Leonie", 4),),
            consent="none", referred_by=TUKKER.gp),
    _Family("Hof van Twente", "Wiggers", True, "e.schuurman", 190, 3,
            (_Kid("Gerben", 14), _Kid("Marijn", 10, buddy=True)),
            partners=(("Ambulante Hulp De Overstap", "support"), (TUKKER.youth_care, "support")),
            lead=(TUKKER.youth_care, "Lotte Hulshof"), consultation="named",
            steps=("on_time", "on_time", "late", "open", "overdue"),
            level_change=(150, 2)),
    _Family("Hof van Twente", "Hulsbeek", False, "e.schuurman", 55, 1,
            (_Kid("Yasmin", 11),),
            consent="withdrawn", partners=(("Stichting Kind en Scheiding Twente", "support"),),
            lead=(_HVT, "Ellen Schuurman"), consultation="named",
            steps=("on_time", "open")),
    _Family("Losser", "Slettenhaar", True, "m.zwiers", 115, 2,
            (_Kid("Fabian", 13), _Kid("Sophie", 9, "Basisschool De Esrand")),
            partners=(("Basisschool De Esrand", "school"),
                      ("Geldpunt Oldenzaal-Losser", "support")),
            lead=(_WELZIJN_NOT, "Marloes Zwiers"), consultation="named",
            steps=("on_time", "open"), referred_by="Basisschool De Esrand"),
    _Family("Losser", "Velderman", False, "m.zwiers", 35, 3,
            (_Kid("Jurriaan", 12), _Kid("Benthe", 9, "Basisschool De Esrand")),
            consent="none", lead=(_WELZIJN_NOT, "Marloes Zwiers"),
            consultation="anonymous", steps=("open",)),
    _Family("Oldenzaal", "Huttenhuis", True, "m.zwiers", 210, 2,
            (_Kid("Evelien", 10, buddy=True),),
            consent="expired", partners=(("Ouders Samen Verder", "support"),),
            lead=(_WELZIJN_NOT, "Marloes Zwiers"), consultation="named",
            steps=("on_time", "on_time"),
            closed="Het gaat goed met Evelien en de ouders redden het samen; afgesloten na de "
                   "evaluatie."),
    _Family("Oldenzaal", "Gerritsen", False, "m.zwiers", 65, 4,
            (_Kid("Carlijn", 15), _Kid("Teuntje", 7)),
            partners=((_MELDPUNT, "advice"), (_YOUTH_PROTECTION, "support")),
            lead=(_YOUTH_PROTECTION, "Robert Nijenhuis"), consultation="named",
            steps=("on_time", "open", "overdue")),
    _Family("Rijssen-Holten", "Stegehuis", False, "g.kolkman", 90, 2,
            (_Kid("Siebren", 5, "Kinderdagverblijf 't Hummelhuis"), _Kid("Lonneke", 9)),
            consent="expiring",
            partners=(("Sociaal Raadslieden Twente-Midden", "advice"),
                      ("Kinderdagverblijf 't Hummelhuis", "school")),
            lead=(_WELZIJN_RH, "Gertjan Kolkman"), consultation="named",
            steps=("on_time", "open")),
    _Family("Rijssen-Holten", "Koerhuis", True, "g.kolkman", 20, 1,
            (_Kid("Jorrit", 10),),
            partners=(("Zwem- en Polovereniging De Regge", "other"),),
            lead=(_WELZIJN_RH, "Gertjan Kolkman"), consultation="anonymous",
            steps=("open",)),
    _Family("Tubbergen", "Pasman", False, "m.zwiers", 125, 2,
            (_Kid("Sterre", 8, "Kindcentrum De Bongerd", buddy=True),
             _Kid("Berend", 5, "Kindcentrum De Bongerd")),
            partners=(("Kindcentrum De Bongerd", "school"),
                      ("Stichting Vrijwillige Thuishulp Tubbergen", "support")),
            lead=(_WELZIJN_NOT, "Marloes Zwiers"), consultation="named",
            steps=("on_time", "late", "open"), referred_by="Kindcentrum De Bongerd"),
    _Family("Tubbergen", "Jannink", False, "m.zwiers", 160, 3,
            (_Kid("Hendrik", 17),),
            partners=(("Stichting GGZ Jong Twente", "support"),),
            lead=(_WELZIJN_NOT, "Marloes Zwiers"), consultation="named",
            steps=("on_time", "cancelled"),
            closed="Hendrik krijgt hulp van de jeugd-GGZ; het pact heeft geen rol meer."),
    _Family("Twenterand", "Klumper", True, "y.stegeman", 80, 4,
            (_Kid("Ilayda", 10), _Kid("Bastiaan", 6)),
            consent="none", meldcode=(_MELDPUNT, _YOUTH_PROTECTION),
            lead=(_WELZIJN_PALET, "Yvonne Stegeman"), consultation="named",
            steps=("on_time", "open")),
    _Family("Twenterand", "Weustink", False, "y.stegeman", 50, 2,
            (_Kid("Lieselot", 13), _Kid("Jildou", 11, "BSO De Speelwei")),
            carers=(("mother", True), ("father", True), ("grandparent", False)),
            consent="expiring",
            partners=(("BSO De Speelwei", "school"), ("Stichting Geldzaken Op Orde", "support")),
            lead=(_WELZIJN_PALET, "Yvonne Stegeman"), consultation="named",
            steps=("on_time", "overdue")),
    _Family("Wierden", "Boomkamp", False, "y.stegeman", 5, 1,
            (_Kid("Rozemarijn", 9),),
            consent="none", referred_by="Gezondheidscentrum Het Veldkamp"),
)
# fmt: on

# Every child's name and every family name of the demo: none of them may ever be
# readable outside the encrypted database (tests scan every file pact writes).
SENSITIVE_NAMES: tuple[str, ...] = (
    TUKKER_CHILD,
    TUKKER_FAMILY,
    *(kid.name for f in _FAMILIES for kid in f.kids),
    *(f.family for f in _FAMILIES),
)
CASE_COUNT = 1 + len(_FAMILIES)


# ---------------------------------------------------------------- texts of the stories

_SIGNALS: dict[int, tuple[tuple[str, int, str], ...]] = {
    # level: (domain, seriousness, observation); {child} is the first child's name
    1: (
        (
            "relational",
            1,
            "Moeder vertelt op school dat zij en vader uit elkaar gaan; vader "
            "woont voorlopig bij zijn ouders.",
        ),
        (
            "child_school",
            1,
            "{child} is de laatste weken vaker afwezig en komt regelmatig te laat.",
        ),
        ("child_school", 2, "{child} is stil in de klas en trekt zich in de pauze terug."),
    ),
    2: (
        (
            "parenting",
            1,
            "Vader vertelt dat de afspraken over de opvoeding in twee huizen nog niet lopen.",
        ),
        (
            "financial",
            1,
            "Moeder heeft vragen over alimentatie en toeslagen nu vader is vertrokken.",
        ),
        ("child_school", 1, "De resultaten van {child} zijn dit kwartaal duidelijk gedaald."),
    ),
    3: (
        (
            "legal",
            2,
            "De ouders zijn het oneens over de zorgregeling; beiden hebben een "
            "advocaat ingeschakeld.",
        ),
        (
            "relational",
            3,
            "{child} vertelt dat er bij elke overdracht ruzie is en voelt zich daar schuldig over.",
        ),
        (
            "child_school",
            2,
            "{child} reageert snel boos op klasgenoten en wil niet meer over thuis praten.",
        ),
    ),
    4: (
        (
            "safety",
            3,
            "{child} vertelt over hevige ruzies thuis waarbij is geschreeuwd en met "
            "spullen is gegooid.",
        ),
        (
            "safety",
            3,
            "Bij de overdracht van de kinderen is de politie gebeld na een escalatie "
            "tussen de ouders.",
        ),
        ("safety", 2, "{child} wil niet meer naar de andere ouder en is bang voor de overdracht."),
    ),
}
_RECENT_SIGNALS: tuple[tuple[str, int, str], ...] = (
    ("child_school", 1, "{child} is weer vaker op school en doet beter mee in de klas."),
    ("parenting", 1, "De ouders zijn samen op school geweest; de afspraken lopen beter."),
    ("child_school", 2, "{child} is na de vakantie opnieuw stil en moe in de klas."),
    (
        "financial",
        2,
        "Het gezin heeft een betalingsachterstand; de huur is twee maanden niet betaald.",
    ),
    ("relational", 2, "Nieuwe ruzie over de vakantieregeling; {child} zit er weer tussen."),
)
_QUESTIONS: dict[int, tuple[str, str]] = {
    1: (
        "Hoe kunnen we {child} op school steunen nu de ouders uit elkaar gaan, en wat kunnen we "
        "de ouders aanbieden?",
        "Korte gesprekken met het kind op school; de ouders wijzen op de cursus 'Ouderschap na "
        "scheiding'.",
    ),
    2: (
        "De ouders willen goed uit elkaar gaan, maar lopen vast op de afspraken over de "
        "kinderen. Wie kan helpen?",
        "De ouders samen uitnodigen, hulp bij het ouderschapsplan aanbieden en het kind een "
        "eigen plek geven om te praten.",
    ),
    3: (
        "Het conflict tussen de ouders houdt aan en {child} zit klem. Hoe voorkomen we dat het "
        "kind de dupe wordt?",
        "Eén casusregisseur, mediation of ouderschapsbemiddeling aanbieden en een kindgesprek "
        "laten voeren.",
    ),
    4: (
        "Er zijn zorgen over de veiligheid van de kinderen. Welke stappen van de Meldcode zijn "
        "nodig en wie doet wat?",
        "Een veiligheidsplan met de ouders opstellen; Veilig Thuis is geraadpleegd; korte lijnen "
        "tussen school, sociaal team en jeugdbescherming.",
    ),
}
_STEPS = (
    "Gesprek met beide ouders plannen over de afspraken rond de kinderen",
    "Kindgesprek op school over hoe het thuis gaat",
    "Ouders informeren over de cursus 'Ouderschap na scheiding'",
    "Aanmelden bij de kindergroep voor kinderen van gescheiden ouders",
    "Terugkoppeling aan de leerkracht of mentor",
    "Evaluatie van de afspraken met de ouders en de school",
    "Doorverwijzen naar hulp bij geldzaken",
)
_SAFETY_STEPS = (
    "Veiligheidsplan opstellen met beide ouders",
    "Afstemmen met Veilig Thuis over de vervolgstappen",
    "Overdracht van de kinderen laten plaatsvinden op school",
)
_LEVEL_REASONS = {
    1: "Het gaat beter; er is geen sprake meer van een scheiding.",
    2: "Het conflict is afgenomen; de ouders werken weer samen.",
    3: "Het conflict tussen de ouders houdt aan; het kind zit klem tussen beide ouders.",
    4: "Zorgen over de veiligheid: signalen van geweld tussen de ouders; Meldcode-stappen gestart.",
}
_CARER_WORDS = {
    "mother": "Moeder",
    "father": "Vader",
    "parent": "Ouder",
    "step_parent": "Stiefouder",
    "foster_parent": "Pleegouder",
    "guardian": "Voogd",
    "grandparent": "Oma",
    "other": "Verzorger",
}
_METHODS = ("signed_form", "verbal", "email")
_INFO = ("family", "signals", "school", "support")


# ---------------------------------------------------------------- the machinery


class NestedUnitOfWork(UnitOfWork):
    """A unit of work inside another one's transaction: every ``with`` is a SAVEPOINT in
    ``session``, committed (released) or rolled back just as a service's own unit of
    work would be, while the outer transaction decides in the end: all or nothing."""

    def __init__(self, session: Session) -> None:
        super().__init__(sessionmaker())  # never used: ``session`` is the only session
        self._outer = session
        self._savepoints: list[SessionTransaction] = []

    @property
    def session(self) -> Session:
        return self._outer

    def __enter__(self) -> NestedUnitOfWork:
        self._savepoints.append(self._outer.begin_nested())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        savepoint = self._savepoints.pop()
        if savepoint.is_active:
            savepoint.rollback()

    def commit(self) -> None:
        self._outer.flush()
        self._savepoints[-1].commit()

    def rollback(self) -> None:
        self._savepoints[-1].rollback()


@contextlib.contextmanager
def on_day(day: date) -> Iterator[None]:
    """``clock.today()`` is ``day`` meanwhile (the demo is told one day at a time).

    The demo is filled by one thread while nothing else of pact runs (``pact demo``,
    tests); the real ``clock.today`` (or a test's stand-in) is put back afterwards."""
    real = clock.today
    setattr(clock, "today", lambda: day)  # noqa: B010 - the one place every service asks
    try:
        yield
    finally:
        setattr(clock, "today", real)  # noqa: B010


@dataclass
class World:
    """What the stories need to know about the database, and the events to play."""

    uow: UnitOfWork
    today: date
    municipalities: dict[str, int]
    organisations: dict[str, int]
    contacts: dict[tuple[str, str], int]  # (organisation, contact) -> id
    first_contact: dict[str, str]  # organisation -> its first contact person
    actors: dict[str, Actor] = field(default_factory=dict)
    homes: dict[str, tuple[str, str]] = field(default_factory=dict)  # user -> (org, contact)
    events: list[tuple[date, int, Callable[[], object]]] = field(default_factory=list)

    @classmethod
    def load(cls, s: Session, uow: UnitOfWork, today: date) -> World:
        orgs = {name: oid for oid, name in s.execute(select(Organisation.id, Organisation.name))}
        names = {oid: name for name, oid in orgs.items()}
        contacts: dict[tuple[str, str], int] = {}
        first: dict[str, str] = {}
        for cid, name, oid in s.execute(
            select(Contact.id, Contact.name, Contact.organisation_id).order_by(Contact.id)
        ):
            contacts[(names[oid], name)] = cid
            first.setdefault(names[oid], name)
        municipalities = {
            name: mid for mid, name in s.execute(select(Municipality.id, Municipality.name))
        }
        return cls(uow, today, municipalities, orgs, contacts, first)

    def days_ago(self, n: int) -> date:
        return self.today - timedelta(days=n)

    def at(self, day: date, happen: Callable[[], object]) -> None:
        if day > self.today:
            raise ValueError(f"a demo event lies in the future: {day}")
        self.events.append((day, len(self.events), happen))

    def play(self) -> None:
        """Every event on its day, in the order of the days (a case's own events keep
        the order they were told in)."""
        for day, _n, happen in sorted(self.events, key=lambda e: (e[0], e[1])):
            with on_day(day):
                try:
                    happen()
                except BreakGlassRequiredError as exc:
                    # the coordinator works in a case outside her own cases: as in the
                    # app, only with a reason, which the audit log keeps
                    scope.break_glass(
                        self.uow,
                        self.actors[COORDINATOR],
                        exc.case_id,
                        BREAK_GLASS_REASON,
                    )
                    happen()
        self.events.clear()

    def contact(self, organisation: str, name: str | None = None) -> int:
        return self.contacts[(organisation, name or self.first_contact[organisation])]


def create_users(world: World) -> dict[str, Actor]:
    """admin first (the first user gets administrator and coordinator), then admin adds
    the others and finally keeps only the administrator role: the administrator manages
    users and sees no case."""
    uow = world.uow
    first, *others = USERS
    admin = users.create_first_user(uow, _user_data(world, first))
    actors = {first.username: admin}
    for spec in others:
        users.save_user(uow, admin, _user_data(world, spec))
    mine = users.get_user(uow, admin, admin.id)
    users.save_user(uow, admin, replace(mine, roles=first.roles))
    for spec in USERS:
        actors[spec.username] = users.find_actor(uow, spec.username)
        if spec.organisation and spec.contact:
            world.homes[spec.username] = (spec.organisation, spec.contact)
    world.actors = actors
    return actors


def _user_data(world: World, spec: DemoUser) -> UserData:
    org = world.organisations[spec.organisation] if spec.organisation else None
    contact = world.contact(spec.organisation, spec.contact) if spec.organisation else None
    return UserData(
        username=spec.username,
        display_name=spec.display_name,
        organisation_id=org,
        contact_id=contact if spec.contact else None,
        roles=spec.roles,
        password=DEMO_PASSWORD,
        password_is_temporary=False,
    )


class _Story:
    """One case, told event by event. ``by`` acts unless an event names someone else."""

    def __init__(self, world: World, by: str):
        self.w = world
        self.by = by
        self.case_id = 0
        self.children: dict[str, int] = {}
        self.carers: dict[str, int] = {}  # alias -> id
        self.consents: list[int] = []
        self.actions: list[int] = []

    # -- helpers

    def actor(self, who: str | None = None) -> Actor:
        return self.w.actors[who or self.by]

    def org(self, name: str) -> int:
        return self.w.organisations[name]

    def header(self) -> cases.CaseHeader:
        return cases.get_case(self.w.uow, self.actor(), self.case_id).header

    # -- events

    def register(
        self,
        day: date,
        place: str,
        alias: str,
        level: int,
        family_name: str = "",
        lead: tuple[str, str] | None = None,
        referred_by: str | None = None,
        notes: str = "",
    ) -> None:
        def happen() -> None:
            header = cases.register_case(
                self.w.uow,
                self.actor(),
                CaseInput(
                    alias=alias,
                    municipality_id=self.w.municipalities[place],
                    level=level,
                    family_name=family_name,
                    referred_by_id=self.org(referred_by) if referred_by else None,
                    lead_contact_id=self.w.contact(*lead) if lead else None,
                    notes=notes,
                    registered_on=day,
                ),
            )
            self.case_id = header.id

        self.w.at(day, happen)

    def carer(self, day: date, alias: str, relation: str, authority: bool, notes: str = "") -> None:
        def happen() -> None:
            saved = cases.save_carer(
                self.w.uow, self.actor(), self.case_id, CarerData(alias, relation, authority, notes)
            )
            assert saved.id is not None
            self.carers[alias] = saved.id

        self.w.at(day, happen)

    def child(
        self, day: date, name: str, birth_year: int, school: str | None = None, notes: str = ""
    ) -> None:
        def happen() -> None:
            saved = cases.save_child(
                self.w.uow,
                self.actor(),
                self.case_id,
                ChildData(
                    name=name,
                    birth_year=birth_year,
                    school_id=self.org(school) if school else None,
                    notes=notes,
                ),
            )
            assert saved.id is not None
            self.children[name] = saved.id

        self.w.at(day, happen)

    def buddy(self, day: date, name: str, notes: str = "") -> None:
        """Link a child to a buddy of the buddy programme (shares case information with
        it, so consent must cover the programme)."""

        def happen() -> None:
            file = cases.get_case(self.w.uow, self.actor(), self.case_id)
            kid = next(c for c in file.children if c.name == name)
            cases.save_child(
                self.w.uow,
                self.actor(),
                self.case_id,
                replace(
                    kid,
                    buddy_organisation_id=self.org(TUKKER.buddy_programme),
                    buddy_since=day,
                    notes=notes or kid.notes,
                ),
            )

        self.w.at(day, happen)

    def signal(
        self,
        day: date,
        observation: str,
        domain: str,
        seriousness: int = 1,
        child: str | None = None,
        source: tuple[str, str | None] | None = None,
        who: str | None = None,
    ) -> None:
        def happen() -> None:
            org, person = source if source else (None, None)
            consultations.save_signal(
                self.w.uow,
                self.actor(who),
                self.case_id,
                SignalData(
                    observed_on=day,
                    observation=observation,
                    domain=domain,
                    seriousness=seriousness,
                    child_id=self.children[child] if child else None,
                    source_org_id=self.org(org) if org else None,
                    source_contact_id=self.w.contact(org, person) if org and person else None,
                ),
            )

        self.w.at(day, happen)

    def consent(
        self,
        day: date,
        givers: tuple[str, ...],  # carer aliases and child names
        partners: tuple[str, ...],
        method: str = "signed_form",
        valid_until: date | None = None,
        info: tuple[str, ...] = _INFO,
        notes: str = "",
        who: str | None = None,
    ) -> None:
        def happen() -> None:
            parties = tuple(
                rules.carer_party(self.carers[g])
                if g in self.carers
                else rules.child_party(self.children[g])
                for g in givers
            )
            self.consents.append(
                consent_svc.record_consent(
                    self.w.uow,
                    self.actor(who),
                    self.case_id,
                    ConsentInput(
                        given_on=day,
                        method=method,
                        givers=parties,
                        partner_ids=tuple(self.org(p) for p in partners),
                        info_kinds=info,
                        valid_until=valid_until,
                        notes=notes,
                    ),
                )
            )

        self.w.at(day, happen)

    def withdraw(self, day: date, by: str, note: str) -> None:
        def happen() -> None:
            consent_svc.withdraw_consent(
                self.w.uow,
                self.actor(),
                self.consents[-1],
                WithdrawalInput(day, rules.carer_party(self.carers[by]), note),
            )

        self.w.at(day, happen)

    def end(self, day: date, organisation: str) -> None:
        """The partner is no longer involved (e.g. after the consent was withdrawn)."""

        def happen() -> None:
            file = cases.get_case(self.w.uow, self.actor(), self.case_id)
            link = next(
                p for p in file.partners if p.organisation == organisation and p.ended_on is None
            )
            cases.end_involvement(self.w.uow, self.actor(), self.case_id, link.id)

        self.w.at(day, happen)

    def meldcode(self, day: date, partners: tuple[str, ...], justification: str) -> None:
        def happen() -> None:
            consent_svc.record_meldcode(
                self.w.uow,
                self.actor(),
                self.case_id,
                MeldcodeInput(day, justification, tuple(self.org(p) for p in partners)),
            )

        self.w.at(day, happen)

    def involve(self, day: date, organisation: str, role: str, note: str = "") -> None:
        def happen() -> None:
            cases.involve_partner(
                self.w.uow, self.actor(), self.case_id, self.org(organisation), role, note
            )

        self.w.at(day, happen)

    def lead(self, day: date, organisation: str, person: str) -> None:
        def happen() -> None:
            h = self.header()
            cases.update_case(
                self.w.uow,
                self.actor(),
                CaseInput(
                    alias=h.alias,
                    municipality_id=h.municipality_id,
                    level=h.level,
                    family_name=h.family_name,
                    referred_by_id=h.referred_by_id,
                    lead_contact_id=self.w.contact(organisation, person),
                    notes=h.notes,
                    id=h.id,
                ),
            )

        self.w.at(day, happen)

    def level(self, day: date, level: int, reason: str, who: str | None = None) -> None:
        self.w.at(
            day,
            lambda: cases.change_level(self.w.uow, self.actor(who), self.case_id, level, reason),
        )

    def consult(
        self,
        day: date,
        question: str,
        advice: str,
        partners: tuple[str, ...],
        steps: tuple[tuple[str, tuple[str, str | None], date], ...] = (),
        anonymous: bool = False,
        who: str | None = None,
    ) -> None:
        """A consultation and the next steps agreed in it: (what, (organisation,
        contact or None), due)."""

        def happen() -> None:
            saved = consultations.save_consultation(
                self.w.uow,
                self.actor(who),
                self.case_id,
                ConsultationInput(
                    held_on=day,
                    question=question,
                    advice=advice,
                    anonymous=anonymous,
                    partner_ids=tuple(self.org(p) for p in partners),
                    steps=tuple(self._step(what, owner, due) for what, owner, due in steps),
                ),
            )
            self.actions += [a.id for a in sorted(saved.actions, key=lambda a: a.id)]

        self.w.at(day, happen)

    def step(self, day: date, what: str, owner: tuple[str, str | None], due: date) -> None:
        """A next step agreed outside a consultation."""

        def happen() -> None:
            added = consultations.add_action(
                self.w.uow, self.actor(), self.case_id, self._step(what, owner, due)
            )
            self.actions.append(added.id)

        self.w.at(day, happen)

    def _step(self, what: str, owner: tuple[str, str | None], due: date) -> ActionInput:
        org, person = owner
        if person:
            return ActionInput(what, due, owner_contact_id=self.w.contact(org, person))
        return ActionInput(what, due, owner_org_id=self.org(org))

    def done(self, day: date, index: int, note: str = "", status: str = "done") -> None:
        """Next step ``index`` (in the order agreed) is done, or cancelled, on ``day``."""

        def happen() -> None:
            consultations.set_action_status(
                self.w.uow,
                self.actor(),
                self.actions[index],
                status,
                day if status == "done" else None,
                note,
            )

        self.w.at(day, happen)

    def close(self, day: date, reason: str) -> None:
        self.w.at(
            day, lambda: cases.close_case(self.w.uow, self.actor(), self.case_id, day, reason)
        )


# ---------------------------------------------------------------- the Tukker family


def tell_tukker(world: World) -> None:
    """DOMAIN.md's story, over the last seven months. Registered by the internal coach
    of Wesley's school (user ``worker``); the school social worker of the welfare
    organisation becomes case lead; the coordinator chairs the joint consultation."""
    t = TUKKER
    ago = world.days_ago
    story = _Story(world, WORKER)
    elia = (t.school, t.teacher)
    marieke = (t.school, t.internal_coach)
    mother, father = "Moeder T.", "Vader T."
    wesley = TUKKER_CHILD

    start = ago(TUKKER_DAYS)
    story.register(
        start,
        t.municipality,
        TUKKER_ALIAS,
        1,
        family_name=TUKKER_FAMILY,
        referred_by=t.school,
        notes="Aangemeld door de intern begeleider na een gesprek van moeder met de leerkracht.",
    )
    story.carer(start, mother, "mother", True)
    story.carer(start, father, "father", True, "Woont voorlopig ergens anders.")
    story.child(start, wesley, world.today.year - TUKKER_AGE, t.school, "Groep 6.")
    story.signal(
        start,
        "Moeder vertelt leerkracht Elia dat vader voorlopig ergens anders woont.",
        "relational",
        1,
        wesley,
        elia,
    )
    story.signal(
        ago(198),
        "Wesley is de laatste weken vaker afwezig, vooral op maandag.",
        "child_school",
        1,
        wesley,
        elia,
    )
    story.signal(
        ago(190),
        "Wesley heeft een kort lontje: hij wordt snel boos op klasgenoten en trekt zich "
        "daarna terug.",
        "child_school",
        2,
        wesley,
        elia,
    )
    story.signal(
        ago(184),
        "In de klas vraagt Wesley zich af of het zijn schuld is dat papa weg is.",
        "relational",
        2,
        wesley,
        elia,
    )
    # consent of the parents for the school's partners (at level 1 one parent may consent)
    story.consent(
        ago(182),
        (mother,),
        (t.welfare, t.buddy_programme, t.social_team),
        "signed_form",
        ago(182) + timedelta(days=365),
        notes="Toestemmingsformulier van school, getekend door moeder; vader is telefonisch "
        "geïnformeerd.",
    )
    story.signal(
        ago(180),
        "Eerste korte gesprek met de IB'er: Wesley geeft zijn leven een 5,5. Hij mist zijn "
        "vader en slaapt slecht.",
        "child_school",
        2,
        wesley,
        marieke,
    )
    story.step(ago(180), "Elke week een kort gesprek met Wesley (IB'er)", marieke, ago(150))
    story.consult(
        ago(176),
        "Wesley is vaker afwezig, snel boos en denkt dat de scheiding zijn schuld is. Wat kan "
        "school doen, en is een maatje iets voor hem?",
        "Korte gesprekken op school voortzetten; het schoolmaatschappelijk werk betrekken; "
        "Wesley aanmelden bij het maatjesproject.",
        (t.welfare, t.buddy_programme),
        (
            (
                "Wesley aanmelden bij het maatjesproject",
                (t.buddy_programme, _BUDDY_COORDINATOR),
                ago(160),
            ),
            (
                "Gesprek met moeder en vader samen op school",
                (t.welfare, _SCHOOL_SOCIAL_WORKER),
                ago(155),
            ),
        ),
    )
    story.lead(ago(174), t.welfare, _SCHOOL_SOCIAL_WORKER)
    story.done(ago(165), 1, "Intake gedaan; Wesley staat op de lijst voor een maatje.")
    story.done(ago(158), 2, "Beide ouders waren er; afspraken over het halen en brengen.")
    story.done(ago(152), 0, "Wesley praat makkelijker; de gesprekken gaan om de week door.")
    story.buddy(ago(160), wesley, "Groep 6. Maatje: een ervaringsdeskundige, elke woensdag.")
    story.level(
        ago(145), 2, "De ouders hebben besloten te scheiden; ze willen er samen goed uitkomen."
    )
    story.signal(
        ago(130),
        "Wesley is minder vaak afwezig en vertelt enthousiast over de middagen met zijn maatje.",
        "child_school",
        1,
        wesley,
        elia,
    )
    # the parents fight over the parenting plan
    story.signal(
        ago(112),
        "De ouders maken ruzie over het ouderschapsplan (zorgregeling en waar Wesley gaat "
        "wonen); beiden hebben een advocaat.",
        "legal",
        3,
        wesley,
        (t.welfare, _SCHOOL_SOCIAL_WORKER),
    )
    story.signal(
        ago(110),
        "Wesley zegt dat hij 'tussen papa en mama in zit' en wil niet meer over thuis praten.",
        "relational",
        3,
        wesley,
        elia,
    )
    story.level(
        ago(108),
        3,
        "Aanhoudend conflict over het ouderschapsplan; Wesley zit klem tussen zijn ouders. "
        "Vanaf nu moeten beide ouders toestemming geven.",
    )
    # at level 3 one parent's consent is not enough: both parents sign
    story.consent(
        ago(104),
        (mother, father),
        (t.welfare, t.buddy_programme, t.social_team, t.mediator),
        "signed_form",
        ago(104) + timedelta(days=365),
        (*_INFO, "legal"),
        "Beide ouders hebben bij het sociaal team getekend.",
    )
    # help comes in
    story.involve(ago(102), t.social_team, "support", "Consulent jeugd en gezin.")
    story.involve(ago(102), t.mediator, "mediation", "Mediation over het ouderschapsplan.")
    story.consult(
        ago(96),
        "Casusoverleg van school, sociaal team en mediator: hoe helpen we de ouders uit de "
        "strijd over het ouderschapsplan, en wat heeft Wesley nodig?",
        "Mediation met beide ouders starten; de kindbehartiger voert een kindgesprek met "
        "Wesley; de ouders volgen de cursus 'Ouderschap na scheiding'; school blijft korte "
        "gesprekken voeren; evaluatie over drie maanden.",
        (t.school, t.social_team, t.mediator, t.welfare),
        (
            (
                "Eerste mediationgesprek met beide ouders over het ouderschapsplan",
                (t.mediator, _MEDIATOR),
                ago(75),
            ),
            (
                "Kindgesprek met Wesley door de kindbehartiger",
                (t.mediator, _CHILD_ADVOCATE),
                ago(70),
            ),
            (
                "Ouders aanmelden voor de cursus 'Ouderschap na scheiding'",
                (t.welfare, _WELFARE_WORKER),
                ago(60),
            ),
            ("Korte gesprekken met Wesley op school voortzetten, om de week", marieke, ago(-14)),
            (
                "Evaluatie van de afspraken met school, sociaal team en mediator",
                (t.social_team, _SOCIAL_TEAM_CONSULTANT),
                ago(-21),
            ),
            (
                "Wesley aanmelden bij de jeugdhulp",
                (t.social_team, _SOCIAL_TEAM_CONSULTANT),
                ago(40),
            ),
        ),
        who=COORDINATOR,
    )
    story.done(ago(80), 3, "De ouders praten weer met elkaar, aan tafel bij de mediator.")
    story.done(ago(72), 4, "Wesley wil vooral dat zijn ouders stoppen met ruziemaken.")
    story.done(ago(50), 8, "Niet meer nodig: het gaat beter met Wesley.", status="cancelled")
    story.signal(
        ago(80),
        "De ouders zijn met de mediator in gesprek over het ouderschapsplan; de sfeer is rustiger.",
        "legal",
        1,
        wesley,
        (t.mediator, _MEDIATOR),
    )
    story.signal(
        ago(45),
        "De ouders hebben met de mediator een ouderschapsplan gemaakt en ondertekend.",
        "legal",
        1,
        wesley,
        (t.mediator, _MEDIATOR),
    )
    # after six months Wesley is better
    story.signal(
        ago(30),
        "Na een half jaar gaat het beter met Wesley: hij is weer vrolijk, doet mee in de klas "
        "en geeft zijn leven nu een 7,5.",
        "child_school",
        1,
        wesley,
        elia,
    )
    story.level(
        ago(28),
        2,
        "De ouders hebben samen een ouderschapsplan en houden zich aan de afspraken; het "
        "conflict is voorbij. Wesley gaat het beter.",
    )
    story.signal(
        ago(6),
        "Wesley vertelt trots dat hij met zijn maatje een voetbalwedstrijd heeft gewonnen; "
        "hij zit goed in zijn vel.",
        "child_school",
        1,
        wesley,
        marieke,
    )


# ---------------------------------------------------------------- the other families


def _needs(kid: _Kid, birth_year: int, on: date) -> tuple[bool, bool]:
    """(the child's own consent, the parents' consent) needed on ``on``."""
    rule = rules.child_rule(rules.ChildFacts(0, kid.name, birth_year), on)
    return rule.needs_child, rule.needs_parents


def _givers(
    f: _Family, aliases: list[tuple[str, str, bool]], on: date, today: date
) -> tuple[str, ...]:
    """Everybody whose consent the rules ask for on ``on``, today and next year (so the
    consent stays complete when a child's possible age moves on the 1st of January)."""
    days = (on, today, today + timedelta(days=400))
    kids = [k.name for k in f.kids if any(_needs(k, today.year - k.age, d)[0] for d in days)]
    parents_needed = any(_needs(k, today.year - k.age, d)[1] for k in f.kids for d in days)
    parents = [alias for alias, _rel, authority in aliases if authority] if parents_needed else []
    return (*parents, *kids)


def tell_family(world: World, index: int, f: _Family) -> None:
    """One of the 30 families: registered, signals, consent as ``f.consent`` says,
    partners, a consultation with next steps, a buddy, level changes, closing."""
    today = world.today
    start = world.days_ago(f.started)
    story = _Story(world, f.by)
    initial = f.family[0]
    home = world.homes[f.by]
    kid = f.kids[0].name
    lead_at_start = f.lead if f.lead and f.lead[0] == home[0] else None
    alias = f"Fam. {initial}."
    story.register(
        start,
        f.place,
        alias,
        f.level,
        family_name=f.family if f.keep_name else "",
        lead=lead_at_start,
        referred_by=f.referred_by,
    )
    carers = []
    for relation, authority in f.carers:
        carers.append((f"{_CARER_WORDS[relation]} {initial}.", relation, authority))
        story.carer(start, carers[-1][0], relation, authority)
    for k in f.kids:
        story.child(start, k.name, today.year - k.age, k.school)
    source = (f.referred_by, None) if f.referred_by else home
    pool = _SIGNALS[f.level]
    domain, seriousness, text = pool[index % len(pool)]
    story.signal(start, text.format(child=kid), domain, seriousness, kid, source)
    if f.started >= 10:  # a second signal (before closing, for a case that is closed)
        domain, seriousness, text = pool[(index + 1) % len(pool)]
        later = start + timedelta(days=7 if f.closed else f.started // 3)
        story.signal(later, text.format(child=kid), domain, seriousness, kid, home)

    # consent, partners and the case lead
    given = start + timedelta(days=min(3, f.started))
    partners = tuple(p for p, _role in f.partners)
    if any(k.buddy for k in f.kids):
        partners += (TUKKER.buddy_programme,)
    if f.lead and f.lead[0] != home[0] and f.lead[0] not in partners:
        partners += (f.lead[0],)
    method = _METHODS[index % len(_METHODS)]
    info = (*_INFO, "safety") if f.level == 4 else _INFO
    mother = carers[0][0]
    asked = ("Stichting Kind en Scheiding Twente", "Stichting GGZ Jong Twente")
    father = next((a for a, rel, _auth in carers if rel == "father"), carers[-1][0])
    ends = {
        "complete": given + timedelta(days=365) if index % 2 else None,
        "expiring": today + timedelta(days=8 + index % 20),
        "expired": given + timedelta(days=min(150, f.started - 40)),
    }
    if f.consent in ("complete", "expiring", "expired", "withdrawn"):
        story.consent(
            given, _givers(f, carers, given, today), partners, method, ends.get(f.consent), info
        )
    elif f.consent == "lapsed":  # one parent was enough until the level went up to 3
        story.consent(given, (mother,), partners, method, None, info)
    elif f.consent == "parents_only":  # the child (maybe 12 already) must consent too
        story.consent(
            given,
            tuple(a for a, _r, auth in carers if auth),
            asked,
            method,
            None,
            info,
            "De ouders hebben getekend; het kind is nog niet gevraagd.",
        )
    elif f.consent == "child_only":  # the child may still be 15: the parents consent too
        story.consent(
            given,
            (kid,),
            asked,
            method,
            None,
            info,
            "Alleen het kind heeft toestemming gegeven; de ouders nog niet.",
        )
    level_day = start + timedelta(days=f.level_change[0]) if f.level_change else None
    meld_day = given
    if f.meldcode:
        if level_day is not None and f.level_change and f.level_change[1] == 4:
            meld_day = level_day + timedelta(days=2)
        story.meldcode(
            meld_day,
            f.meldcode,
            "Stap 3 en 4 van de Meldcode: na overleg met de aandachtsfunctionaris en Veilig "
            "Thuis besloten om zonder toestemming informatie te delen, omdat de veiligheid "
            "van de kinderen direct in het geding is. Toestemming vragen zou de kinderen en "
            "moeder in gevaar brengen.",
        )
    involve_day = given + timedelta(days=2) if f.started >= 5 else given
    covered = f.consent in ("complete", "expiring", "expired", "withdrawn", "lapsed")
    if covered:
        for organisation, role in f.partners:
            story.involve(involve_day, organisation, role)
        if f.lead and not lead_at_start:
            story.lead(involve_day, *f.lead)
    if f.meldcode:
        for organisation in f.meldcode:
            role = "advice" if organisation == _MELDPUNT else "support"
            story.involve(
                meld_day + timedelta(days=1), organisation, role, "Geïnformeerd onder de Meldcode."
            )

    # a consultation (or steps on their own) and what became of the steps
    held = start + timedelta(days=min(14, max(f.started - 1, 0)))
    if level_day is not None and f.meldcode and level_day + timedelta(days=3) > held:
        held = level_day + timedelta(days=3)
    own: tuple[str, str | None] = home
    owners: list[tuple[str, str | None]]
    texts: tuple[str, ...]
    consulted: tuple[str, ...]
    if f.meldcode:
        owners = [(p, None) for p in f.meldcode] + [own]
        texts = _SAFETY_STEPS
        consulted = f.meldcode
    elif covered:
        owners = [(p, world.first_contact[p]) for p, _r in f.partners]
        owners.append(own)
        texts = _SAFETY_STEPS if f.level == 4 else _STEPS
        consulted = tuple(p for p, _r in f.partners)
    else:
        owners = [own]
        texts = _STEPS
        consulted = ("Stichting GGZ Jong Twente",)
    if f.consultation == "anonymous":
        consulted = (
            ("Stichting Kind en Scheiding Twente",) if covered else ("Stichting GGZ Jong Twente",)
        )
    plan: list[tuple[str, tuple[str, str | None], date]] = []
    after: list[tuple[date, int, str]] = []  # (day, index, status)
    overdue = 0
    for i, status in enumerate(f.steps):
        what = texts[(index + i) % len(texts)]
        owner = owners[i % len(owners)]
        if status == "on_time":
            due, finished = held + timedelta(days=21), held + timedelta(days=14 + i)
            after.append((min(finished, today), i, "done"))
        elif status == "late":
            due, finished = held + timedelta(days=7), held + timedelta(days=20 + i)
            after.append((finished, i, "done"))
        elif status == "cancelled":
            due = held + timedelta(days=28)
            after.append((min(held + timedelta(days=7), today), i, "cancelled"))
        elif status == "overdue":
            due = today - timedelta(days=4 + 3 * overdue)
            overdue += 1
        else:  # open
            due = today + timedelta(days=10 + 7 * i)
        plan.append((what, owner, due))
    question, advice = _QUESTIONS[max(f.level, 4 if f.meldcode else 1)]
    who = COORDINATOR if index % 5 == 0 and f.consultation == "named" else None
    if f.consultation:
        story.consult(
            held,
            question.format(child=kid),
            advice,
            consulted,
            tuple(plan),
            anonymous=f.consultation == "anonymous",
            who=who,
        )
    else:
        for what, owner, due in plan:
            story.step(held, what, owner, due)
    notes = {
        "done": ("Gedaan en besproken met de ouders.", "Afgerond; terugkoppeling gegeven."),
        "cancelled": ("Niet meer nodig.", "Vervallen na overleg met de ouders."),
    }
    for day, i, status in after:
        story.done(day, i, notes[status][i % 2], status)

    # a buddy, the level, withdrawal, recent news, closing
    for k in f.kids:
        if k.buddy:
            story.buddy(
                involve_day + timedelta(days=20),
                k.name,
                "Gekoppeld aan een maatje van het maatjesproject.",
            )
    if f.level_change and level_day is not None:
        new = f.level_change[1]
        signal = _SIGNALS[new][index % len(_SIGNALS[new])]
        if new > f.level:
            story.signal(
                level_day - timedelta(days=1),
                signal[2].format(child=kid),
                signal[0],
                signal[1],
                kid,
                home,
            )
        story.level(level_day, new, _LEVEL_REASONS[new])
    if f.consent == "withdrawn":
        withdrawn = start + timedelta(days=min(35, f.started - 15))
        story.withdraw(
            withdrawn,
            father,
            "Vader trekt de toestemming in: hij wil niet dat er "
            "nog informatie over het gezin wordt gedeeld.",
        )
        for organisation in partners:  # the partners hear nothing more about the family
            story.end(withdrawn + timedelta(days=1), organisation)
    last = max([day for day, _i, _s in after] + [held])
    if f.closed:
        story.close(min(last + timedelta(days=10), today), f.closed)
    elif f.started > 3:
        domain, seriousness, text = _RECENT_SIGNALS[index % len(_RECENT_SIGNALS)]
        story.signal(
            today - timedelta(days=index % 13),
            text.format(child=kid),
            domain,
            seriousness,
            kid,
            home,
        )


def tell_all(world: World) -> int:
    """The Tukker story and the 30 other families; returns the number of cases."""
    tell_tukker(world)
    for index, family in enumerate(_FAMILIES):
        tell_family(world, index, family)
    world.play()
    return CASE_COUNT


def refresh_consent_states(s: Session) -> None:
    """Store every case's consent state as of today (the stories ran on earlier days)."""
    for case in s.scalars(select(Case).order_by(Case.id)):
        consent_svc.refresh(s, case)
