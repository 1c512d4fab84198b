"""Where the middlewares and the GraphQL view leave what they learned about a request in its ASGI scope."""

USER_KEY = "csrgraph.user"  # (User, Client) of the bearer token (graph/auth.py)
REQUEST_ID_KEY = "csrgraph.request_id"  # the request id, as X-Request-Id and in fault logs (graph/request_log.py)
OPERATION_KEY = "csrgraph.operation"  # the GraphQL operation's name, for the request line (graph/view.py)
PARAMS_KEY = "csrgraph.params"  # the GraphQL request parameters the view read, for Strawberry to reuse (graph/view.py)
PLAN_KEY = "csrgraph.plan"  # "compiled" when a plan answered, for the request line (graph/persisted/fast_path.py)
