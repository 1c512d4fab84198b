"""Documents and calls shared by the accounts API tests."""

from graph.core.relay import to_global_id

CREATE = """
mutation($input: CreateMarketTransactionInput!) { createMarketTransaction(input: $input) {
  marketTransaction { id type transactionSet direction status reference reason effectiveDate sentAt
                      details { name value } createdBy { email } }
  utilityAccount { status startDate endDate pendingTransfer }
  userErrors { field code message } clientMutationId } }
"""
RESPOND = """
mutation($input: RecordMarketResponseInput!) { recordMarketResponse(input: $input) {
  marketTransaction { id type direction status reference reason effectiveDate details { name value }
                      relatedTransaction { reference status } }
  request { reference status respondedAt sentAt }
  utilityAccount { ldcAccountNumber status startDate endDate pendingTransfer }
  userErrors { field code message } } }
"""
HISTORY = """
query($ldc: String!) { utilityAccount(ldcAccountNumber: $ldc) {
  status startDate endDate pendingTransfer
  enrollments { status startDate endDate }
  marketTransactions(first: 50) { totalCount edges { node { type direction status reference
    relatedTransaction { reference } } } }
  statusChanges(first: 50) { totalCount edges { node { fromStatus toStatus reason changedAt
    marketTransaction { reference type direction } changedBy { email } } } }
  auditTrail(first: 20) { totalCount edges { node { action changes { field from to } actor { email } } } }
  communicationLog(first: 20, filter: {kinds: [SYSTEM]}) { totalCount edges { node { kind subject body } } }
} }
"""


def account_id(account) -> str:
    return to_global_id("UtilityAccount", account.id)


async def create(api, user, account, type_: str, **extra) -> dict:
    variables = {"input": {"utilityAccountId": account_id(account), "type": type_, **extra}}
    return (await api.run(CREATE, variables, user=user))["createMarketTransaction"]


async def respond(api, user, ldc: str, reference: str, outcome: str, **extra) -> dict:
    variables = {"input": {"ldcAccountNumber": ldc, "reference": reference, "outcome": outcome, **extra}}
    return (await api.run(RESPOND, variables, user=user))["recordMarketResponse"]


async def history(api, user, ldc: str) -> dict:
    return (await api.run(HISTORY, {"ldc": ldc}, user=user))["utilityAccount"]
