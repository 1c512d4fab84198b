"""GraphQL documents and small helpers shared by the ticket and contact-change tests."""

from graph.core.relay import to_global_id

TICKET_FIELDS = """id number kind summary description requestType queue reporter supportChannel status
  resolution resolutionType platformArea resolutionNote createdAt updatedAt closedAt
  assignee { email } customer { number } createdBy { email } closedBy { email }"""
UPDATE_CONTACT_INFO = """
mutation($input: UpdateContactInfoInput!) { updateContactInfo(input: $input) {
  customer { email phone billingAddress { line1 line2 city state zip } }
  ticket { """ + TICKET_FIELDS + """ }
  entry { kind disposition subject createdBy { email }
    note { contactName relationship isAccountHolder reason resolution } }
  findings { code }
  notification { channel recipient subject status }
  securityNotice { recipient subject }
  customerNotified
  userErrors { field code message }
  clientMutationId
} }
"""
ADD_CONTACT = """
mutation($input: AddAuthorizedContactInput!) { addAuthorizedContact(input: $input) {
  authorizedContact { id name relationship phone email active addedAt removedAt addedBy { email } customer { number } }
  userErrors { field code message }
} }
"""
REMOVE_CONTACT = """
mutation($input: RemoveAuthorizedContactInput!) { removeAuthorizedContact(input: $input) {
  authorizedContact { id name active removedAt removedReason removedBy { email } }
  userErrors { field code message }
} }
"""
CREATE_TICKET = """
mutation($input: CreateTicketInput!) { createTicket(input: $input) {
  ticket { """ + TICKET_FIELDS + """ } userErrors { field code message } } }
"""
ASSIGN_TICKET = """
mutation($input: AssignTicketInput!) { assignTicket(input: $input) {
  ticket { """ + TICKET_FIELDS + """ } userErrors { field code message } } }
"""
CLOSE_TICKET = """
mutation($input: CloseTicketInput!) { closeTicket(input: $input) {
  ticket { """ + TICKET_FIELDS + """ } notification { recipient subject status } userErrors { field code message } } }
"""
LOG = """
query($n: String!) { customer(number: $n) { communicationLog(first: 50, filter: {kinds: [NOTE, SYSTEM]}) {
  edges { node { kind subject body } } } } }
"""
AUDIT = """
query($n: String!) { customer(number: $n) { auditTrail(first: 20) { edges { node {
  action changes { field from to } } } } } }
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def holder(name: str) -> dict:
    return {"name": name}


async def log_of(api, user, customer) -> list[dict]:
    data = await api.run(LOG, {"n": customer.number}, user=user)
    return [e["node"] for e in data["customer"]["communicationLog"]["edges"]]


async def audit_of(api, user, customer) -> list[dict]:
    data = await api.run(AUDIT, {"n": customer.number}, user=user)
    return [e["node"] for e in data["customer"]["auditTrail"]["edges"]]
