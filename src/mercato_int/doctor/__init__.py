"""`doctor`: checks of this installation, one result per line, each with the fix.

Installation-wide like `keys` (the host's config, store, keys, shell): no tenant data is
shown, and no value is ever decrypted for display (`--deep` opens each credential row and
discards what it read). Every check runs on its own: one that fails or crashes is a failed
line, never a traceback, and the others still run.
"""

from mercato_int.doctor.model import FAIL, OK, WARN, Check
from mercato_int.doctor.runner import Doctor

__all__ = ["FAIL", "OK", "WARN", "Check", "Doctor"]
