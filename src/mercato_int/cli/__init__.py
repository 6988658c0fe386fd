"""The command-line front end: parse, call a service, render. No SQL and no crypto here."""
