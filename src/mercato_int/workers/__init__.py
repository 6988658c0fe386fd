"""Worker processes that a front end starts to share its work (`health --all-tenants`: health.py).
Each is a front end of its own: it builds its services from the settings it is given, chooses
its language as the front end that started it did, and reports on stdout."""
