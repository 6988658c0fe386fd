"""Services: the one core both front ends call. No typer, rich or textual here."""

from mercato_int.services.container import Services

__all__ = ["Services"]
