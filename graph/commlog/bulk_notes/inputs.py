"""Input of bulkAddNote."""

import strawberry
from strawberry.file_uploads import Upload

from db.models import BulkNoteJob, CommLogEntry
from graph.accounts.enums import EnrollmentStatus
from graph.admin.enums import CommLogKind
from graph.commlog.bulk_notes.types import AccountNumberType
from graph.core.text import client_mutation_id_field, text_field
from resolvers.commlog.entries import MAX_NOTE_TEXT
from resolvers.customers.account_numbers import MAX_TYPED_LIST

DEFAULTS = "Omit to take the client's bulk-note default"


@strawberry.input(
    description="One note for many accounts (seed 000). Give the accounts as `file` (a CSV upload, GraphQL "
    "multipart request spec) or as `accounts` (typed), not both. Omitted note fields take the client's defaults."
)
class BulkAddNoteInput:
    body: str | None = text_field(f"The note. {DEFAULTS}; one is needed.", MAX_NOTE_TEXT, default=None)
    subject: str | None = text_field(f"Short subject. {DEFAULTS}.", CommLogEntry.subject, default=None)
    kind: CommLogKind | None = strawberry.field(default=None, description=f"Kind of entry. {DEFAULTS} (else NOTE).")
    category: str | None = text_field(f"Category. {DEFAULTS} (else Account).", CommLogEntry.category, default=None)
    disposition: str | None = text_field(
        f"Disposition code from the client's list. {DEFAULTS}.", CommLogEntry.disposition, default=None
    )
    critical: bool | None = strawberry.field(
        default=None, description=f"A critical note, shown as an alert. {DEFAULTS} (else false)."
    )
    file: Upload | None = strawberry.field(
        default=None,
        description="A CSV file of account numbers, UTF-8 (a BOM is fine), with or without a header row; with a header "
        "the account column is found by name. Multipart requests need an Apollo-Require-Preflight or "
        "GraphQL-Preflight header.",
    )
    accounts: str | None = text_field(
        "Account numbers typed or pasted, separated by commas, semicolons, spaces or newlines; a longer list goes in "
        "`file`.", MAX_TYPED_LIST, default=None)
    number_type: AccountNumberType = strawberry.field(
        default=AccountNumberType.CUSTOMER_NUMBER, description="Which numbers the list holds."
    )
    only_statuses: list[EnrollmentStatus] | None = strawberry.field(
        default=None,
        description="Add only to accounts in these statuses (a customer's status is its primary account's). Omit or "
        "leave empty to add to every found account, INACTIVE and DROP_ACCEPTED ones included.",
    )
    dry_run: bool = strawberry.field(
        default=False, description="Compute and keep the job and its results, but write no note."
    )
    idempotency_key: str | None = text_field(
        "A client-made key (e.g. a UUID): a retry with the same key and the same request returns the first job and "
        "writes nothing more; the same key with another request is an error.", BulkNoteJob.idempotency_key,
        default=None)
    client_mutation_id: str | None = client_mutation_id_field()
