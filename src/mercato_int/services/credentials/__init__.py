"""Credentials: the service, its rows and schema, what reads return, what an integration
requires, master keys (keys.py) and their rotation."""
