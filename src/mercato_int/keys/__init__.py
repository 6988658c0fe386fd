"""Master keys and the encrypted envelope of credentials. Importing this package is cheap:
`cryptography` and `keyring` load on first use."""

from mercato_int.keys.master import MasterKey, MasterKeys

__all__ = ["MasterKey", "MasterKeys"]
