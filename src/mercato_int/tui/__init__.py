"""The interactive marketplace (`mercato-int tui`). Imports Textual: only `cli/commands/tui.py`
loads this package, and only when the command runs."""
