"""The audit trail's fields on Customer and UtilityAccount."""

import strawberry

from db import models
from graph.admin.types import AuditEvent, audit_connection
from graph.core.relay import After, Before, Connection, First, Last


@strawberry.type
class CustomerAuditFields:
    row: strawberry.Private[models.Customer]

    @strawberry.field(description="Audited changes to this customer, newest first.")
    async def audit_trail(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[AuditEvent]:
        return await audit_connection(info, "Customer", self.row.id, first, after, last, before)


@strawberry.type
class UtilityAccountAuditFields:
    row: strawberry.Private[models.UtilityAccount]

    @strawberry.field(description="Audited changes to this account (premise edits, market transactions), newest first.")
    async def audit_trail(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[AuditEvent]:
        return await audit_connection(info, "UtilityAccount", self.row.id, first, after, last, before)
