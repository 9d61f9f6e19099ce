"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from pact.models.base import Base
from pact.models.case import (
    Action,
    Carer,
    Case,
    CaseLevelChange,
    CasePartner,
    CaseSignal,
    CaseStatusEvent,
    Child,
    Consent,
    ConsentGiver,
    ConsentInfo,
    ConsentPartner,
    Consultation,
    ConsultationPartner,
    MeldcodeJustification,
    MeldcodePartner,
)
from pact.models.meta import AppSetting
from pact.models.partner import (
    Contact,
    Municipality,
    Organisation,
    OrganisationDomain,
    organisation_municipality,
)
from pact.models.user import User, UserRole

__all__ = [
    "Action",
    "AppSetting",
    "Base",
    "Carer",
    "Case",
    "CaseLevelChange",
    "CasePartner",
    "CaseSignal",
    "CaseStatusEvent",
    "Child",
    "Consent",
    "ConsentGiver",
    "ConsentInfo",
    "ConsentPartner",
    "Consultation",
    "ConsultationPartner",
    "Contact",
    "MeldcodeJustification",
    "MeldcodePartner",
    "Municipality",
    "Organisation",
    "OrganisationDomain",
    "User",
    "UserRole",
    "organisation_municipality",
]
