"""A fictional demo pact: a new database filled with a believable partner directory,
its users and 31 cases.

Everything here is invented: organisations, addresses, phone numbers, people.
E-mail addresses and websites use subdomains of ``voorbeeld.nl``. The data is
Dutch on purpose (it is data, not interface text) and fixed, so two demo
databases made on the same day hold exactly the same records (the cases' dates
are relative to today).

The directory includes the partners of the Tukker story in DOMAIN.md (see
``TUKKER``). The users and the cases, the Tukker family first, are told through
the services in ``demo_stories``; ``SENSITIVE_NAMES`` lists every child's name and
family name of the demo, for the tests that prove none of them leaves the
encrypted database.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import exists, func, inspect, select

from pact.db.database import Database, is_new_file
from pact.db.migrate import SchemaState
from pact.db.uow import UnitOfWork
from pact.errors import PactError, ValidationError
from pact.i18n import _
from pact.models import AppSetting, Base, Municipality, Organisation
from pact.models.partner import TWENTE_MUNICIPALITIES
from pact.services import access, clock, demo_meetings, demo_stories
from pact.services.demo_stories import (
    ADMIN,
    COORDINATOR,
    MAIN_USERS,
    SENSITIVE_NAMES,
    TUKKER,
    TUKKER_ALIAS,
    TUKKER_CHILD,
    TUKKER_FAMILY,
    WORKER,
    TukkerPartners,
)
from pact.services.partners import (
    ContactData,
    OrganisationData,
    add_organisations,
    normalised,
    validate,
)

DEMO_SETTING = "demo"
MAIL_DOMAIN = "voorbeeld.nl"
ALL = TWENTE_MUNICIPALITIES

__all__ = [
    "ADMIN",
    "COORDINATOR",
    "MAIN_USERS",
    "SENSITIVE_NAMES",
    "TUKKER",
    "TUKKER_ALIAS",
    "TUKKER_CHILD",
    "TUKKER_FAMILY",
    "WORKER",
    "DemoCreated",
    "DemoSummary",
    "TukkerPartners",
    "create_demo",
    "demo_organisations",
    "fill_demo",
    "fill_server_demo",
    "holds_data",
]


@dataclass(frozen=True)
class _Org:
    name: str
    sector: str
    municipalities: tuple[str, ...]
    domains: tuple[str, ...]
    offer: str
    address: str
    phone: str
    slug: str  # e-mail and web address: <slug>.voorbeeld.nl
    contacts: tuple[tuple[str, str, bool], ...]  # name, function, pact representative
    member_since: date | None = None
    notes: str = ""


# fmt: off
_ORGANISATIONS: tuple[_Org, ...] = (
    # --- schools
    _Org(TUKKER.school, "school", ("Hengelo",),
         ("child_school", "parenting", "psychoeducation"),
         "Openbare basisschool (groep 1 t/m 8), ongeveer 320 leerlingen. Leerkrachten "
         "signaleren vroeg; de intern begeleider (IB'er) voert korte gesprekken met kinderen "
         "en schakelt zo nodig het schoolmaatschappelijk werk in.",
         "Wilgenlaan 14, 7552 KL Hengelo", "074 250 1140", "wilgenhoek",
         ((TUKKER.teacher, "Leerkracht groep 6", False),
          (TUKKER.internal_coach, "Intern begeleider (IB'er)", True),
          ("Johan Wessels", "Directeur", False)),
         date(2023, 3, 1), "Aanspreekpunt voor het pact is de IB'er."),
    _Org("Christelijke basisschool Het Kompas", "school", ("Almelo",),
         ("child_school",),
         "Basisschool met een eigen zorgteam; organiseert met het pact een ouderavond over "
         "kinderen en scheiding.",
         "Kompasstraat 3, 7606 BN Almelo", "0546 58 31 40", "kompas-almelo",
         (("Sandra Nijhuis", "Intern begeleider (IB'er)", True),
          ("Peter Hofstede", "Leerkracht groep 7", False))),
    _Org("Kindcentrum De Bongerd", "school", ("Tubbergen",),
         ("child_school", "parenting"),
         "Basisschool en kinderopvang onder één dak in Albergen; vaste aandachtsfunctionaris "
         "voor de Meldcode.",
         "Bongerdweg 7, 7615 LH Albergen", "0546 44 12 80", "bongerd",
         (("Anouk Kuipers", "Intern begeleider (IB'er)", True),)),
    _Org("Scholengemeenschap Het Lindenhof", "school", ("Enschede", "Hengelo"),
         ("child_school", "psychoeducation"),
         "Voortgezet onderwijs (vmbo, havo, vwo). Mentoren en zorgcoördinator; spreekuur van "
         "de jeugdverpleegkundige op school.",
         "Lindenhoflaan 40, 7523 AB Enschede", "053 481 2290", "lindenhof-vo",
         (("Karin Scholten", "Zorgcoördinator", True),
          ("Bas Meijerink", "Mentor leerjaar 2", False))),
    _Org("Basisschool De Esrand", "school", ("Losser",),
         ("child_school",),
         "Basisschool in Overdinkel; gesprekskring voor kinderen van gescheiden ouders.",
         "Esrandweg 2, 7586 BD Overdinkel", "053 538 1760", "esrand",
         (("Wendy Lansink", "Intern begeleider (IB'er)", True),)),
    # --- childcare
    _Org("Kinderopvang Dribbel", "childcare", ("Enschede", "Hengelo"),
         ("child_school", "parenting"),
         "Kinderdagverblijven en buitenschoolse opvang (0-12 jaar) op zes locaties; "
         "pedagogisch medewerkers getraind in signaleren.",
         "Dribbelpad 9, 7544 RS Enschede", "053 430 5521", "dribbel",
         (("Linda Pierik", "Pedagogisch coach", True),
          ("Fatma Yilmaz", "Locatiemanager Hengelo", False))),
    _Org("Kinderdagverblijf 't Hummelhuis", "childcare", ("Rijssen-Holten",),
         ("child_school",),
         "Kleinschalige kinderopvang in Rijssen; korte lijnen met het consultatiebureau.",
         "Haarweg 21, 7461 BG Rijssen", "0548 51 77 30", "hummelhuis",
         (("Gerda Slot", "Leidinggevende", True),)),
    _Org("BSO De Speelwei", "childcare", ("Wierden", "Twenterand"),
         ("child_school",),
         "Buitenschoolse opvang in Wierden en Vriezenveen; een rustige plek voor kinderen uit "
         "een onrustige thuissituatie.",
         "Speelweistraat 4, 7642 CK Wierden", "0546 57 40 18", "speelwei",
         (("Hanneke Tijhuis", "Coördinator BSO", True),)),
    # --- GPs
    _Org(TUKKER.gp, "gp", ("Hengelo",),
         ("safety", "psychoeducation"),
         "Huisartsen, praktijkondersteuner GGZ (POH-GGZ) en jeugdconsulent; verwijst naar "
         "jeugdhulp.",
         "Lindestraat 55, 7553 CV Hengelo", "074 291 4400", "huisartsen-delinde",
         (("Maarten de Vries", "Huisarts", True),
          ("Esther Lohuis", "Praktijkondersteuner GGZ (POH-GGZ)", False)),
         date(2023, 1, 15)),
    _Org("Gezondheidscentrum Het Veldkamp", "gp", ("Almelo", "Wierden"),
         ("psychoeducation",),
         "Huisartsen, POH-GGZ, fysiotherapie en maatschappelijk werk onder één dak.",
         "Veldkampweg 3, 7607 HJ Almelo", "0546 81 22 60", "veldkamp",
         (("Ruben Haverkate", "Huisarts", True),
          ("Iris Mulder", "POH-GGZ jeugd", False))),
    _Org("Huisartsenpraktijk Dinkelzicht", "gp", ("Dinkelland",),
         ("psychoeducation",),
         "Plattelandspraktijk in Denekamp met een spreekuur in Ootmarsum.",
         "Dinkelweg 12, 7591 GC Denekamp", "0541 35 12 44", "dinkelzicht",
         (("Anne-Marie Vrielink", "Huisarts", True),)),
    # --- mental health
    _Org("Praktijk Samenspel, kinder- en jeugdpsychologie", "mental_health",
         ("Haaksbergen", "Enschede"),
         ("psychoeducation", "parenting", "relational"),
         "Diagnostiek en behandeling voor kinderen en jongeren; groepstraining voor kinderen "
         "van gescheiden ouders.",
         "Markt 6, 7481 HS Haaksbergen", "053 572 3318", "samenspel",
         (("Judith Morsink", "GZ-psycholoog", True),
          ("Thomas Bruggink", "Orthopedagoog", False))),
    _Org("Psychologenpraktijk De Horst", "mental_health", ("Oldenzaal", "Losser", "Dinkelland"),
         ("relational", "psychoeducation"),
         "Basis-GGZ voor volwassenen: hulp bij rouw om de scheiding, stress en conflicten.",
         "Horstlaan 18, 7572 AW Oldenzaal", "0541 51 93 07", "dehorst",
         (("Mirjam Velthuis", "Psycholoog", True),)),
    _Org("Stichting GGZ Jong Twente", "mental_health", ALL,
         ("psychoeducation", "parenting", "safety"),
         "Specialistische jeugd-GGZ; consultatie voor huisartsen en scholen binnen twee weken.",
         "Parkweg 100, 7513 BL Enschede", "088 701 2300", "ggzjongtwente",
         (("Erik Brouwer", "Consultatieteam", True),
          ("Sanne Wolters", "Kinder- en jeugdpsychiater", False))),
    # --- welfare
    _Org(TUKKER.welfare, "welfare", ("Hengelo", "Borne"),
         ("relational", "parenting", "psychoeducation", "child_school"),
         "Coördinator van het scheidingspact. Algemeen maatschappelijk werk, "
         "schoolmaatschappelijk werk en de cursus 'Ouderschap na scheiding'.",
         "Schakelplein 1, 7551 CA Hengelo", "074 255 8000", "deschakel",
         (("Ingrid Kamphuis", "Pactcoördinator", True),
          ("Ruud Morsink", "Maatschappelijk werker", False),
          ("Nadia El Amrani", "Schoolmaatschappelijk werker", False)),
         date(2022, 9, 1), "Initiatiefnemer en secretariaat van het pact."),
    _Org("Welzijn Noordoost Twente", "welfare", ("Dinkelland", "Losser", "Oldenzaal", "Tubbergen"),
         ("relational", "parenting", "financial"),
         "Maatschappelijk werk, mantelzorgondersteuning en het spreekuur 'Samen uit elkaar'.",
         "Hengelosestraat 30, 7571 GZ Oldenzaal", "0541 53 44 00", "welzijnnoordoost",
         (("Marloes Zwiers", "Maatschappelijk werker", True),
          ("Henk Kroeze", "Opbouwwerker", False))),
    _Org("Stichting Welzijn Rijssen-Holten", "welfare", ("Rijssen-Holten",),
         ("relational", "parenting"),
         "Algemeen maatschappelijk werk en ouder-kindactiviteiten in Rijssen en Holten.",
         "Schild 10, 7461 AP Rijssen", "0548 52 03 40", "welzijnrh",
         (("Gertjan Kolkman", "Maatschappelijk werker", True),)),
    _Org("Welzijnsorganisatie Het Palet", "welfare", ("Almelo", "Wierden", "Twenterand"),
         ("relational", "parenting", "financial", "psychoeducation"),
         "Maatschappelijk werk, formulierenhulp en de groep 'Kinderen in de knel' voor "
         "kinderen van 8 tot 12 jaar.",
         "Paletstraat 8, 7607 KN Almelo", "0546 53 66 10", "hetpalet",
         (("Yvonne Stegeman", "Maatschappelijk werker", True),
          ("Mehmet Demir", "Jongerenwerker", False))),
    # --- youth care
    _Org(TUKKER.youth_care, "youth_care", ALL,
         ("parenting", "relational", "safety", "psychoeducation"),
         "Ambulante jeugd- en gezinshulp, ouderschapsbemiddeling en begeleiding bij het "
         "ouderschapsplan.",
         "Welbergweg 80, 7556 PE Hengelo", "088 123 4560", "twentezorg",
         (("Lotte Hulshof", "Gezinsbegeleider", True),
          ("Wim Reinders", "Teamleider ambulant", False)),
         date(2022, 11, 1)),
    _Org("Gezinscoaching Op Koers", "youth_care", ("Enschede", "Haaksbergen", "Losser"),
         ("parenting", "relational"),
         "Gezinscoaches voor ouders die na de scheiding vastlopen in de opvoeding.",
         "Koersweg 15, 7532 RD Enschede", "053 461 7782", "opkoers",
         (("Daphne ter Horst", "Gezinscoach", True),)),
    _Org("Ambulante Hulp De Overstap", "youth_care", ("Hof van Twente", "Hellendoorn"),
         ("parenting", "child_school"),
         "Ambulante begeleiding voor kinderen en jongeren; weerbaarheidstraining.",
         "Overstapweg 5, 7471 LR Goor", "0547 27 35 90", "deoverstap",
         (("Bart Oosterhof", "Jeugdhulpverlener", True),
          ("Sarah Smit", "Jongerenwerker", False))),
    # --- youth protection
    _Org("Jeugdbescherming Tukkerland", "youth_protection", ALL,
         ("safety", "legal", "parenting"),
         "Gecertificeerde instelling: ondertoezichtstelling, voogdij en jeugdreclassering; "
         "consultatie bij zorgen over de veiligheid van een kind.",
         "Stationsplein 12, 7607 GD Almelo", "088 330 1200", "jbtukkerland",
         (("Robert Nijenhuis", "Jeugdbeschermer", True),
          ("Kim Goorhuis", "Gedragswetenschapper", False))),
    _Org("Meldpunt Veilig Opgroeien Twente", "youth_protection", ALL,
         ("safety",),
         "Advies en meldingen bij huiselijk geweld en kindermishandeling (Meldcode); dag en "
         "nacht bereikbaar.",
         "Postbus 1200, 7500 BE Enschede", "0800 1234", "veiligopgroeien",
         (("Petra Hesselink", "Adviseur Meldcode", True),)),
    # --- municipal social teams
    _Org(TUKKER.social_team, "social_team", ("Hengelo",),
         ("parenting", "financial", "relational", "child_school"),
         "Eerste aanspreekpunt voor inwoners van Hengelo bij opvoeden, geld, relatie en "
         "scheiding; toegang tot jeugdhulp.",
         "Burgemeester Jansenplein 1, 7551 EM Hengelo", "14 074", "sociaalteam-hengelo",
         (("Femke Tuinman", "Consulent jeugd en gezin", True),
          ("Arjen Wolbers", "Casusregisseur", False)),
         date(2022, 9, 1)),
    _Org("Wijkteam Enschede-Zuid", "social_team", ("Enschede",),
         ("parenting", "financial", "safety"),
         "Wijkcoaches voor jeugd, gezin en geldzaken in Enschede-Zuid.",
         "Wijkplein Zuid 3, 7544 BC Enschede", "14 053", "wijkteamzuid",
         (("Ilse Bouwhuis", "Wijkcoach jeugd", True),
          ("Hasan Kaya", "Wijkcoach geldzaken", False))),
    _Org("Sociaal Team Almelo", "social_team", ("Almelo",),
         ("parenting", "financial"),
         "Ondersteuning bij opvoeden, scheiding, werk en inkomen; toegang tot jeugdhulp.",
         "Wijkplein Noord 5, 7604 AA Almelo", "14 0546", "sociaalteam-almelo",
         (("Jolanda Veldhuis", "Jeugdconsulent", True),)),
    _Org("Team Jeugd en Gezin Hof van Twente", "social_team", ("Hof van Twente",),
         ("parenting", "child_school"),
         "Jeugdconsulenten in Goor, Delden en Markelo, met een spreekuur op de basisscholen.",
         "Jeugdplein 1, 7471 AA Goor", "14 0547", "jeugdengezin-hvt",
         (("Ellen Schuurman", "Jeugdconsulent", True),)),
    _Org("Sociaal Team Hellendoorn", "social_team", ("Hellendoorn",),
         ("parenting", "financial"),
         "Ondersteuning voor inwoners van Hellendoorn, Nijverdal en Haarle.",
         "Dorpsplein 4, 7447 AB Hellendoorn", "14 0548", "sociaalteam-hellendoorn",
         (("Rik Grootenhuis", "Consulent jeugd", True),)),
    # --- legal
    _Org(TUKKER.mediator, "legal", ("Hengelo", "Borne", "Enschede"),
         ("legal", "relational", "parenting"),
         "MfN-registermediator voor scheidingsbemiddeling en het opstellen van een "
         "ouderschapsplan; kindgesprekken door een getrainde kindbehartiger.",
         "Middenweg 7, 7553 AN Hengelo", "074 242 6620", "hetmidden",
         (("Chantal Mensink", "MfN-registermediator", True),
          ("Niels Brinkman", "Kindbehartiger", False)),
         date(2023, 6, 1)),
    _Org("Advocatenkantoor Ten Dam & Lammertink", "legal", ("Enschede", "Almelo"),
         ("legal", "financial"),
         "Familierecht: echtscheiding, gezag, omgang en alimentatie; werkt ook op toevoeging.",
         "Oldenzaalsestraat 120, 7514 DR Enschede", "053 431 0088", "tendamlammertink",
         (("Hilde ten Dam", "Advocaat familierecht", True),)),
    _Org("Sociaal Raadslieden Twente-Midden", "legal",
         ("Wierden", "Rijssen-Holten", "Hellendoorn", "Twenterand"),
         ("legal", "financial"),
         "Gratis juridisch en sociaal advies: toeslagen, alimentatie en bezwaarschriften.",
         "Rijssensestraat 5, 7642 AT Wierden", "0546 76 05 70", "raadsliedentm",
         (("Marco Assink", "Sociaal raadsman", True),)),
    # --- financial
    _Org("Stichting Geldzaken Op Orde", "financial",
         ("Almelo", "Wierden", "Twenterand", "Tubbergen"),
         ("financial",),
         "Schuldhulpverlening en budgetbeheer; spreekuur 'Geld na de scheiding'.",
         "Ootmarsumsestraat 14, 7603 AB Almelo", "0546 82 44 90", "geldzakenoporde",
         (("Anja Pot", "Schuldhulpverlener", True),
          ("Dennis Rouwhorst", "Budgetcoach", False))),
    _Org("Budgetcoaching Enschede", "financial", ("Enschede", "Haaksbergen"),
         ("financial",),
         "Vrijwillige budgetcoaches voor gezinnen met geldzorgen.",
         "Hengelosestraat 222, 7521 AK Enschede", "053 433 9015", "budgetcoaching",
         (("Wilma Eshuis", "Coördinator vrijwilligers", True),)),
    _Org("Geldpunt Oldenzaal-Losser", "financial", ("Oldenzaal", "Losser", "Dinkelland"),
         ("financial", "legal"),
         "Inloopspreekuur voor vragen over geld, toeslagen en alimentatie.",
         "Ganzenmarkt 5, 7571 CB Oldenzaal", "0541 57 20 20", "geldpunt",
         (("Jeroen Leferink", "Financieel consulent", True),)),
    # --- experience experts / buddy programme
    _Org(TUKKER.buddy_programme, "experience_experts", ALL,
         ("child_school", "psychoeducation", "relational"),
         "Ervaringsdeskundige maatjes (zelf kind van gescheiden ouders) voor kinderen van 8 "
         "tot 18 jaar: een jaar lang elke week samen iets doen.",
         "Kerkstraat 3, 7551 AC Hengelo", "074 720 3344", "samensterk",
         (("Jesse Tijink", "Coördinator maatjesproject", True),
          ("Lieke Hendriks", "Ervaringsdeskundige (maatje)", False),
          ("Daan Kottink", "Ervaringsdeskundige (maatje)", False)),
         date(2023, 2, 1)),
    _Org("Ouders Samen Verder", "experience_experts",
         ("Enschede", "Hengelo", "Almelo", "Oldenzaal"),
         ("relational", "parenting", "psychoeducation"),
         "Lotgenotengroepen voor gescheiden ouders, begeleid door ervaringsdeskundige ouders.",
         "Postbus 55, 7500 AB Enschede", "06 28 34 11 70", "samenverder",
         (("Monique Lubbers", "Ervaringsdeskundige ouder", True),)),
    # --- sports and clubs
    _Org("Voetbalvereniging Esch Boys '52", "sports", ("Hengelo",),
         ("child_school",),
         "Voetbal voor jeugd van 5 tot 18 jaar; vertrouwenscontactpersoon voor jeugdleden; "
         "contributie via het jeugdfonds mogelijk.",
         "Sportpark De Esch 1, 7552 GH Hengelo", "074 242 1952", "eschboys",
         (("Frank Rensen", "Jeugdcoördinator", True),
          ("Mariska Pol", "Vertrouwenscontactpersoon", False))),
    _Org("Zwem- en Polovereniging De Regge", "sports", ("Hellendoorn", "Rijssen-Holten"),
         ("child_school",),
         "Zwemles en waterpolo; trainers opgeleid in het signaleren van zorgen.",
         "Badweg 2, 7442 BA Nijverdal", "0548 61 22 33", "zpvderegge",
         (("Tim Smelt", "Trainer jeugd", True),)),
    _Org("Buurtsportcoaches Haaksbergen", "sports", ("Haaksbergen",),
         ("child_school", "parenting"),
         "Sport- en beweegactiviteiten na school; helpt kinderen aan een club.",
         "Sportlaan 1, 7481 KB Haaksbergen", "053 573 4500", "buurtsport-haaksbergen",
         (("Kevin Roerink", "Buurtsportcoach", True),)),
    # --- other
    _Org("Stichting Kind en Scheiding Twente", "other", ALL,
         ("psychoeducation", "child_school"),
         "Groepstrainingen voor kinderen van gescheiden ouders, op school of in het buurthuis.",
         "Postbus 300, 7600 AH Almelo", "0546 70 01 22", "kindenscheiding",
         (("Roos Hoogeveen", "Trainer kindergroepen", True),)),
    _Org("Diaconie Hellendoorn-Nijverdal", "other", ("Hellendoorn",),
         ("financial", "relational"),
         "Praktische en financiële noodhulp; een gesprekspartner voor gezinnen in een crisis.",
         "Kerkplein 1, 7447 AP Hellendoorn", "0548 65 10 20", "diaconie-hn",
         (("Jan Dijkhuis", "Diaken", True),)),
    _Org("Stichting Vrijwillige Thuishulp Tubbergen", "other", ("Tubbergen", "Dinkelland"),
         ("parenting",),
         "Vrijwilligers die gezinnen een dagdeel per week ontlasten: huiswerk, vervoer, een "
         "luisterend oor.",
         "Grotestraat 8, 7651 CK Tubbergen", "0546 62 11 90", "thuishulp",
         (("Truus Nijland", "Coördinator", True),)),
)
# fmt: on


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    contacts: int
    cases: int = 0
    users: tuple[str, ...] = ()  # the user names, admin, coordinator and worker first
    meetings: int = 0  # network meetings and case consultations, held and planned


@dataclass
class DemoCreated:
    created: access.Created
    summary: DemoSummary


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if "a" <= ch <= "z")


def _mobile(name: str) -> str:
    """An invented, fixed mobile number for a demo person."""
    n = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")
    digits = f"{1 + n % 5}{n // 5 % 10**7:07d}"
    return f"06 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"


def _member_since(index: int, spec: _Org) -> date | None:
    if spec.member_since is not None:
        return spec.member_since
    if index % 4 == 3:  # not every partner has joined the pact formally
        return None
    return date(2022 + index % 3, 1 + (index * 5) % 12, 1)


def demo_organisations(municipality_ids: Mapping[str, int]) -> list[OrganisationData]:
    """The demo directory, with municipality names resolved to ids."""
    result = []
    for index, spec in enumerate(_ORGANISATIONS):
        host = f"{spec.slug}.{MAIL_DOMAIN}"
        contacts = tuple(
            ContactData(
                name=name,
                function=function,
                email=f"{_slug(name.split()[0])[:1]}.{_slug(''.join(name.split()[1:]))}@{host}",
                phone=_mobile(name),
                representative=representative,
            )
            for name, function, representative in spec.contacts
        )
        result.append(
            OrganisationData(
                name=spec.name,
                sector=spec.sector,
                municipality_ids=tuple(municipality_ids[m] for m in spec.municipalities),
                domains=spec.domains,
                offer=spec.offer,
                address=spec.address,
                phone=spec.phone,
                email=f"info@{host}",
                website=f"https://www.{host}",
                member_since=_member_since(index, spec),
                notes=spec.notes,
                contacts=contacts,
            )
        )
    return result


def fill_demo(uow: UnitOfWork) -> DemoSummary:
    """Mark the database as a demo and fill it, in one transaction: all or nothing.

    Refuses a database that already holds organisations. Every organisation goes
    through the same validation as one typed in the app. Then the users and the
    cases are told through the services, each service call in a SAVEPOINT of the
    same transaction (``demo_stories.NestedUnitOfWork``), so a rule a story breaks
    rolls back the whole demo, directory included.
    """
    today = clock.today()
    with uow:
        s = uow.session
        if s.scalar(select(func.count()).select_from(Organisation)):
            raise PactError(_("This database already holds data; the demo needs an empty one."))
        ids = {name: mid for name, mid in s.execute(select(Municipality.name, Municipality.id))}
        missing = [m for m in TWENTE_MUNICIPALITIES if m not in ids]
        if missing:
            raise PactError(
                _("The municipality {name} is missing from this database.").format(name=missing[0])
            )
        s.merge(AppSetting(key=DEMO_SETTING, value="1"))
        s.merge(AppSetting(key="pact_name", value="Scheidingspact Twente"))
        contacts = 0
        organisations = demo_organisations(ids)
        for data in organisations:
            data = normalised(data)
            errors = validate(s, data)
            if errors:
                raise ValidationError(errors)
            add_organisations(s, [data])
            contacts += len(data.contacts)
        s.flush()
        world = demo_stories.World.load(s, demo_stories.NestedUnitOfWork(s), today)
        demo_stories.create_users(world)
        cases = demo_stories.tell_all(world)
        meetings = demo_meetings.tell_meetings(world)
        demo_stories.refresh_consent_states(s)
        uow.commit()
    return DemoSummary(
        organisations=len(organisations),
        contacts=contacts,
        cases=cases,
        users=tuple(u.username for u in demo_stories.USERS),
        meetings=meetings,
    )


def create_demo(path: Path, passphrase: str | None = None) -> DemoCreated:
    """Create a new demo database at ``path``: created, migrated and filled, or nothing.

    Raises PactError when a non-empty file is already there (it is left untouched),
    and access.NeedPassphraseError when there is no usable keyring and no passphrase
    (given, or in PACT_PASSPHRASE). If filling fails, the new file and its keyring
    entry are removed again.
    """
    path = Path(path).resolve()
    if not is_new_file(path):
        raise PactError(
            _(
                "There is already a file at {path}. pact demo only creates a new database; "
                "nothing was changed."
            ).format(path=path)
        )
    created, summary = access.create_filled(path, lambda db: fill_demo(db.uow()), passphrase)
    return DemoCreated(created, summary)


# what the migrations put into a new database: it holds no data of its own yet
SEEDED_TABLES = frozenset({"municipality"})


def holds_data(db: Database) -> bool:
    """Whether any of pact's tables (those the migrations made so far) holds a row
    that the migrations did not put there."""
    with db.engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        for name, table in Base.metadata.tables.items():
            seeded = name in SEEDED_TABLES
            if name in present and not seeded and conn.scalar(select(exists().select_from(table))):
                return True
    return False


def fill_server_demo(db: Database) -> DemoSummary:
    """Fill an empty database on a team's server with the demo pact: its schema
    made by the migrations first (as for a server's first user), then ``fill_demo``.

    Refuses (PactError, nothing changed) a database that already holds data. A
    failure while filling rolls the whole demo back; the schema the migrations made
    stays, so the database is an empty pact database and the demo can be tried again.
    """
    if db.local:
        raise PactError(_("pact demo fills a database on a team's server here, not a file."))
    if db.schema_state() is not SchemaState.EMPTY and holds_data(db):
        where = db.server.database if db.server is not None else db.location()
        raise PactError(
            _(
                "The server's database {name} already holds data. pact demo only fills an "
                "empty database; nothing was changed."
            ).format(name=where)
        )
    db.upgrade()
    return fill_demo(db.uow())
