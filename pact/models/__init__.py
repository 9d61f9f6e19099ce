"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from pact.models.base import Base
from pact.models.meta import AppSetting
from pact.models.partner import (
    Contact,
    Municipality,
    Organisation,
    OrganisationDomain,
    organisation_municipality,
)

__all__ = [
    "AppSetting",
    "Base",
    "Contact",
    "Municipality",
    "Organisation",
    "OrganisationDomain",
    "organisation_municipality",
]
