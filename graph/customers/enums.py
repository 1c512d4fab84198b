"""Enums of the customers domain as the API shows them."""

import enum

import strawberry

from db import enums
from graph.core.enums import mirrors
from resolvers.customers.search.queries import CustomerOrder as _CustomerOrder


@mirrors(enums.CustomerKind)
@strawberry.enum(description="Residential or commercial account holder.")
class CustomerKind(enum.Enum):
    _value_: str
    RESIDENTIAL = strawberry.enum_value("RESIDENTIAL", description="A household.")
    COMMERCIAL = strawberry.enum_value("COMMERCIAL", description="A business or organization.")


@mirrors(_CustomerOrder)
@strawberry.enum(description="Order of customer search results.")
class CustomerOrder(enum.Enum):
    _value_: str
    NAME = strawberry.enum_value("NAME", description="By name, A to Z (case- and accent-insensitive).")
    NUMBER = strawberry.enum_value("NUMBER", description="By customer number.")


