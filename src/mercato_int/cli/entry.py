"""The entry point of `mercato-int` and `python -m mercato_int`: nothing but Python's own
start-up comes before its `try`. Loading the command takes a fifth of a second (more on a busy
machine); a ctrl+c in it is said as one anywhere else is (`error: interrupted`, exit 130), not
as a traceback of imports. Once the command runs, MercatoGroup.main says it."""

import sys


def main() -> None:
    try:
        from mercato_int import stray_errors

        stray_errors.contain()  # first: a ctrl+c in a finalizer as the command loads is not lost
        from mercato_int.cli.app import app

        app(prog_name="mercato-int")
    except KeyboardInterrupt:
        _interrupted()


def _interrupted() -> None:
    try:
        from mercato_int import i18n
        from mercato_int.cli.output import error_line

        error_line(i18n.t("cli.interrupted"))
    except KeyboardInterrupt:  # a second ctrl+c: it ends all the same
        pass
    sys.exit(130)  # ExitCode.INTERRUPTED, without importing more
