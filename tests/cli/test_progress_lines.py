"""Plain progress lines on stderr (cli/progress.lines, issue 14 item 2): what `output.note`
prints for the same text, written a batch at a time (after `most` lines or `seconds`, and at
the end of the block, also one that raised), never on stdout."""

from __future__ import annotations

import pytest

from mercato_int.cli import output, progress


@pytest.fixture(autouse=True)
def fresh_consoles():
    output.reset()  # the consoles write to the stderr capsys gives this test
    yield
    output.reset()


def test_a_line_is_what_note_prints_less_the_control_characters_rich_drops(capsys) -> None:
    text = "[3/9] crm · tenant t\x07\x08\x0b\x0c\r · org o: healthy (12 ms) [bold]x[/] \x1b"
    output.note(text)
    by_rich = capsys.readouterr()
    with progress.lines() as write:
        write(text)
    plain = capsys.readouterr()
    assert (
        plain.err
        == by_rich.err
        == "[3/9] crm · tenant t · org o: healthy (12 ms) [bold]x[/] \x1b\n"
    )
    assert plain.out == by_rich.out == ""


def test_lines_wait_for_a_batch_then_are_written_together(capsys) -> None:
    with progress.lines(seconds=3600, most=3) as write:
        write("one")
        write("two")
        assert capsys.readouterr().err == ""  # waiting for a third
        write("three")
        assert capsys.readouterr().err == "one\ntwo\nthree\n"
        write("four")
        assert capsys.readouterr().err == ""
    assert capsys.readouterr().err == "four\n"  # the end of the block writes the rest


def test_a_line_older_than_seconds_is_written_with_the_next(capsys) -> None:
    with progress.lines(seconds=0, most=1000) as write:
        write("one")
        assert capsys.readouterr().err == "one\n"


def test_a_line_is_written_while_no_other_follows(capsys) -> None:
    """A pause (every check still running) does not hold back the lines already done."""
    import time

    seen = ""
    with progress.lines(seconds=0.05, most=1000) as write:
        write("one")
        write("two")  # no line follows: the look every 0.05 s writes both
        deadline = time.monotonic() + 30
        while "two" not in seen and time.monotonic() < deadline:
            time.sleep(0.05)
            seen += capsys.readouterr().err
        assert seen == "one\ntwo\n"  # before the block ended
    assert capsys.readouterr().err == ""


def test_the_lines_of_a_block_that_raised_are_still_written(capsys) -> None:
    with pytest.raises(RuntimeError), progress.lines(seconds=3600, most=1000) as write:
        write("done before the error")
        raise RuntimeError("stop")
    assert capsys.readouterr().err == "done before the error\n"
