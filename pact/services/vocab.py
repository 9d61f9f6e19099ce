"""Codes used in the database and their translated labels."""

from __future__ import annotations

from pact.i18n import N_, _
from pact.models.partner import DOMAINS, SECTORS

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
