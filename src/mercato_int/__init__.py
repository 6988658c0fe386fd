"""mercato-int: the operator's tool for the Open Mercato integration marketplace."""

__version__ = "0.1.0"
