"""Widgets the screens are built from: cards, the credentials form, the health and logs panels."""
