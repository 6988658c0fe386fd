"""`.po` -> `.mo` with Babel: used by the wheel's build hook (hatch_build.py, which loads this
file by path, so it imports nothing of mercato_int) and, for a source tree or an editable
install, by `mercato_int.i18n` when a `.mo` is missing or older than its `.po`."""

from __future__ import annotations

import os
from pathlib import Path


def compile_po(po: str | os.PathLike[str], mo: str | os.PathLike[str]) -> None:
    """Compile the catalogue `po` to `mo` (written whole, then renamed into place, so a
    concurrent reader never sees half a file). Fuzzy entries are left out, as msgfmt does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as source:
        catalog = read_po(source)
    mo = Path(mo)
    mo.parent.mkdir(parents=True, exist_ok=True)
    partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
    try:
        with open(partial, "wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        os.replace(partial, mo)
    finally:
        partial.unlink(missing_ok=True)


def compile_tree(locale_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> list[str]:
    """Compile every `<lang>/LC_MESSAGES/<domain>.po` under `locale_dir` into the same layout
    under `out_dir`; the relative paths of the `.mo` files written."""
    written = []
    for po in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
        relative = po.relative_to(locale_dir).with_suffix(".mo")
        compile_po(po, Path(out_dir) / relative)
        written.append(relative.as_posix())
    return written
