"""Where the providers that ship with mercato-int live.

They are registered through the `mercato_int.providers` entry point like anyone else's
(pyproject.toml). In a wheel they are packed inside the package; in a source checkout
(editable install) they are the repository's `providers/` folder.
"""

from __future__ import annotations

from pathlib import Path


def provider_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent
    packed = here / "_bundled_providers"
    if packed.is_dir():
        return [packed]
    checkout = here.parent.parent / "providers"
    return [checkout] if checkout.is_dir() else []
