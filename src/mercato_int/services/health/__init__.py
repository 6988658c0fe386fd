"""Health checks: the service that runs them, the context a check gets, its result, the
jobs of a run and how one check is called."""
