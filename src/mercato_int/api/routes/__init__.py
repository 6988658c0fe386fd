"""The API's routers, one module per part; `api/app.py` includes every one of ROUTERS."""

# the modules whose `router` the app includes, in this order
ROUTERS = ("probes", "integrations", "credentials", "health", "logs", "events")
