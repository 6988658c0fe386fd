"""Helpers kept at their old import path (`areas.logs`); the messages themselves are gettext
catalogues (`mercato_int/locale`)."""
