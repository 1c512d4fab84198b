"""Where the front door (graph/front_door.py) and the GraphQL view leave what they learned of a request in its scope."""

USER_KEY = "csrgraph.user"  # (User, Client) of the bearer token (graph/auth.py)
REQUEST_ID_KEY = "csrgraph.request_id"  # the request id, as X-Request-Id and in fault logs (graph/request_log.py)
OPERATION_KEY = "csrgraph.operation"  # the GraphQL operation's name, for the request line (graph/view.py)
PARAMS_KEY = "csrgraph.params"  # the GraphQL request parameters the view read, for Strawberry to reuse (graph/view.py)
SUB_RESPONSE_KEY = "csrgraph.sub_response"  # Strawberry's sub-response of the request, for its status (graph/view.py)
# "compiled" when a plan answered ("partial": a mutation's plan gave way on some of its payloads), for the request
# line (graph/persisted/fast_path.py)
PLAN_KEY = "csrgraph.plan"
DOCUMENT_KEY = "csrgraph.document"  # "seen" when a text seen before ran as a known document (graph/view.py)
# {name: first value} of the headers the front door read (graph/http_errors.py DOOR_HEADERS), for `header` to reuse
HEADERS_KEY = "csrgraph.headers"
