"""Hatch build hook: the wheel carries compiled gettext catalogues (`.mo`), built here from the
`.po` files of src/mercato_int/locale with Babel; the `.po`/`.pot` sources stay in the sdist.
(A source tree or an editable install compiles them on first use: mercato_int.i18n.)"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("src/mercato_int/locale")


class CatalogueBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        # by path: importing the package would need its dependencies at build time
        spec = importlib.util.spec_from_file_location(
            "_mercato_int_compiling", Path(self.root) / "src/mercato_int/i18n/compiling.py"
        )
        assert spec and spec.loader
        compiling = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(compiling)
        self._out = tempfile.mkdtemp(prefix="mercato-int-locale-")
        for relative in compiling.compile_tree(Path(self.root) / LOCALE, self._out):
            build_data["force_include"][f"{self._out}/{relative}"] = (
                f"mercato_int/locale/{relative}"
            )

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out:
            shutil.rmtree(out, ignore_errors=True)
