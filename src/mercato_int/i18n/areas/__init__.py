"""Per-area message catalogues (`EN`, `PL` dicts), merged into `i18n.catalogue()`."""
