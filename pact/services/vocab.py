"""Codes used in the database and their translated labels."""

from __future__ import annotations

from pact.i18n import N_, _
from pact.models.case import (
    ACTION_STATUSES,
    CARER_RELATIONS,
    CASE_ROLES,
    CASE_STATUSES,
    CONSENT_METHODS,
    INFO_KINDS,
    LEVELS,
    SERIOUSNESS,
    SIGNAL_DOMAINS,
    STATUS_EVENTS,
)
from pact.models.meeting import ATTENDANCE, ITEM_KINDS, MEETING_KINDS, MEETING_STATUSES
from pact.models.partner import DOMAINS, SECTORS
from pact.models.user import ROLES

SECTOR_LABELS = {
    "school": N_("School"),
    "childcare": N_("Childcare"),
    "gp": N_("GP (huisarts)"),
    "mental_health": N_("Mental health care"),
    "welfare": N_("Welfare"),
    "youth_care": N_("Youth care"),
    "youth_protection": N_("Youth protection"),
    "social_team": N_("Municipal social team"),
    "legal": N_("Legal (lawyer, mediator)"),
    "financial": N_("Financial (debt counselling)"),
    "experience_experts": N_("Experience experts / buddy programme"),
    "sports": N_("Sports / club"),
    "other": N_("Other"),
}

DOMAIN_LABELS = {
    "legal": N_("Legal"),
    "relational": N_("Relational"),
    "parenting": N_("Parenting"),
    "safety": N_("Safety"),
    "financial": N_("Financial"),
    "psychoeducation": N_("Psycho-education"),
    "child_school": N_("Child & school"),
}

assert tuple(SECTOR_LABELS) == SECTORS
assert tuple(DOMAIN_LABELS) == DOMAINS


def sector_label(code: str) -> str:
    return _(SECTOR_LABELS.get(code, code))


def domain_label(code: str) -> str:
    return _(DOMAIN_LABELS.get(code, code))


def sectors() -> list[tuple[str, str]]:
    return [(code, sector_label(code)) for code in SECTORS]


def domains() -> list[tuple[str, str]]:
    return [(code, domain_label(code)) for code in DOMAINS]


# ---------------------------------------------------------------- cases

ROLE_LABELS = {
    "administrator": N_("Administrator"),
    "coordinator": N_("Coordinator"),
    "worker": N_("Worker"),
}

CASE_STATUS_LABELS = {
    "registered": N_("Registered"),
    "active": N_("Active"),
    "closed": N_("Closed"),
}

STATUS_EVENT_LABELS = {
    "registered": N_("Case registered"),
    "activated": N_("Support started"),
    "closed": N_("Case closed"),
    "reopened": N_("Case reopened"),
}

# the escalation ladder of DOMAIN.md
LEVEL_LABELS = {
    1: N_("Relationship problems"),
    2: N_("Divorce, cooperating parents"),
    3: N_("Complex divorce"),
    4: N_("Safety concerns"),
}

LEVEL_DESCRIPTIONS = {
    1: N_("Relationship problems, no divorce yet."),
    2: N_("Divorce in progress, the parents cooperate."),
    3: N_("Complex divorce: lasting conflict, the child is caught in loyalty problems."),
    4: N_("Safety concerns: reporting code (Meldcode) steps, Veilig Thuis involved."),
}

RELATION_LABELS = {
    "mother": N_("Mother"),
    "father": N_("Father"),
    "parent": N_("Parent"),
    "step_parent": N_("Step-parent"),
    "foster_parent": N_("Foster parent"),
    "guardian": N_("Guardian"),
    "grandparent": N_("Grandparent"),
    "other": N_("Other carer"),
}

SIGNAL_DOMAIN_LABELS = {
    "legal": N_("Legal"),
    "relational": N_("Relational"),
    "parenting": N_("Parenting"),
    "safety": N_("Safety"),
    "financial": N_("Financial"),
    "child_school": N_("Child & school"),
}

SERIOUSNESS_LABELS = {
    1: N_("Mild"),
    2: N_("Worrying"),
    3: N_("Serious"),
}

CONSENT_METHOD_LABELS = {
    "signed_form": N_("Signed form"),
    "verbal": N_("Verbally"),
    "email": N_("By e-mail"),
}

INFO_KIND_LABELS = {
    "family": N_("Family situation"),
    "signals": N_("Signals and observations"),
    "school": N_("School and learning"),
    "health": N_("Health and well-being"),
    "support": N_("Support and advice given"),
    "legal": N_("Legal matters, parenting plan"),
    "financial": N_("Financial situation"),
    "safety": N_("Safety"),
}

CASE_ROLE_LABELS = {
    "registrant": N_("Registered the case"),
    "referrer": N_("Brought the case in"),
    "school": N_("School"),
    "support": N_("Support"),
    "case_lead": N_("Case lead's organisation"),
    "mediation": N_("Mediation"),
    "buddy": N_("Buddy"),
    "advice": N_("Advice"),
    "other": N_("Other"),
}

ACTION_STATUS_LABELS = {
    "open": N_("Open"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
}

CONSENT_STATE_LABELS = {
    "none": N_("No consent recorded"),
    "withdrawn": N_("Consent withdrawn"),
    "expired": N_("Consent expired"),
    "incomplete": N_("Consent incomplete"),
    "complete": N_("Consent complete"),
    "expiring": N_("Consent expiring"),
}

MEETING_KIND_LABELS = {
    "network": N_("Network meeting"),
    "case": N_("Case consultation"),
}

MEETING_STATUS_LABELS = {
    "planned": N_("Planned"),
    "held": N_("Held"),
    "minutes_draft": N_("Minutes draft"),
    "minutes_sent": N_("Minutes sent"),
    "minutes_approved": N_("Minutes approved"),
    "cancelled": N_("Cancelled"),
}

ITEM_KIND_LABELS = {
    "opening": N_("Opening"),
    "previous_minutes": N_("Minutes of the previous meeting"),
    "action_list": N_("Action list"),
    "case": N_("Case discussion"),
    "theme": N_("Theme"),
    "announcements": N_("Announcements"),
    "round": N_("Round"),
    "closing": N_("Closing"),
}

ATTENDANCE_LABELS = {
    "invited": N_("Invited"),
    "present": N_("Present"),
    "excused": N_("Excused"),
    "absent": N_("Absent"),
}


def label(labels: dict, code: object) -> str:
    """The translated label of ``code`` in ``labels`` (the code itself when unknown)."""
    text = labels.get(code)
    return _(text) if text is not None else str(code)


def level_label(level: int) -> str:
    return _("Level {n}: {label}").format(n=level, label=label(LEVEL_LABELS, level))


assert tuple(ROLE_LABELS) == ROLES
assert tuple(CASE_STATUS_LABELS) == CASE_STATUSES
assert tuple(STATUS_EVENT_LABELS) == STATUS_EVENTS
assert tuple(MEETING_KIND_LABELS) == MEETING_KINDS
assert tuple(MEETING_STATUS_LABELS) == MEETING_STATUSES
assert tuple(ITEM_KIND_LABELS) == ITEM_KINDS
assert tuple(ATTENDANCE_LABELS) == ATTENDANCE
assert tuple(LEVEL_LABELS) == LEVELS
assert tuple(RELATION_LABELS) == CARER_RELATIONS
assert tuple(SIGNAL_DOMAIN_LABELS) == SIGNAL_DOMAINS
assert tuple(SERIOUSNESS_LABELS) == SERIOUSNESS
assert tuple(CONSENT_METHOD_LABELS) == CONSENT_METHODS
assert tuple(INFO_KIND_LABELS) == INFO_KINDS
assert tuple(CASE_ROLE_LABELS) == CASE_ROLES
assert tuple(ACTION_STATUS_LABELS) == ACTION_STATUSES
