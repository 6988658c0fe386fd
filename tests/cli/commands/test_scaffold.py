"""`mercato-int scaffold`, driven as a CI script drives it: subprocesses, no terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mercato_int.bundled import provider_dirs

# where the installed package finds the providers it ships: the checkout's providers/ in an
# editable install, mercato_int/_bundled_providers inside a wheel
(BUNDLED,) = provider_dirs()


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`mercato-int ARGS` in a child process with no TTY on stdin, as in CI."""
    return subprocess.run(
        [sys.executable, "-m", "mercato_int", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def on_a_terminal(args: list[str], answers: list[str]) -> tuple[int, str]:
    """`mercato-int ARGS` with a pseudo-terminal on stdin that types `answers`, one a line;
    the exit code and stderr (the prompts and what they said)."""
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mercato_int", *args],
        stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    os.close(slave)
    os.write(master, "".join(a + "\n" for a in answers).encode())
    _, stderr = proc.communicate(timeout=60)
    os.close(master)
    return proc.returncode, stderr


def assert_refused(stderr: str, expected: list[str]) -> None:
    """The refusals of bad answers, in order. Each follows its prompt on the same line of
    stderr (the answer's echo, with its newline, went to the terminal)."""
    refusals = [line for line in stderr.splitlines() if line.endswith("; try again")]
    assert len(refusals) == len(expected), stderr
    for line, message in zip(refusals, expected, strict=True):
        assert line.endswith(":" + message), (line, message)


def test_ci_script_scaffolds_an_integration_and_a_bundle_that_validate_and_pass(
    tmp_path: Path,
) -> None:
    providers = tmp_path / "providers"
    first = run(
        "scaffold", "crm_acme", "--title", 'Acme "CRM"', "--category", "crm",
        "--hub", "crm_hubs", "--field", "apiKey:secret:required",
        "--field", "apiUrl:url:required", "--field", "region:select=eu,us",
        "--health-url", "{apiUrl}/v1/ping", "--dir", str(providers), "--json",
        cwd=tmp_path,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    made = json.loads(first.stdout)
    assert made["ids"] == ["crm_acme"]
    assert sorted(Path(f).name for f in made["files"]) == [
        "health.py",
        "integration.py",
        "test_crm_acme_health.py",
    ]
    second = run(
        "scaffold", "sync_shop", "--bundle", "--title", "Shop", "--hub", "data_sync",
        "--integration", "sync_shop_products:Shop — Products:data_sync",
        "--integration", "sync_shop_orders:Shop — Orders:data_sync",
        "--health-url", "https://api.shop.example/health", "--dir", str(providers),
        cwd=tmp_path,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[0] == f"created bundle sync_shop in {providers / 'sync_shop'}"

    env = {"MERCATO_INT_PROVIDERS_PATH": str(providers)}
    validate = run("validate", "--json", cwd=tmp_path, env=env)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    report = json.loads(validate.stdout)
    assert report["ok"] is True
    assert report["integrations"] == 7 + 3
    assert report["bundles"] == 2

    listed = json.loads(run("list", "--json", cwd=tmp_path, env=env).stdout)
    ids = {item["id"] for item in listed["items"]}
    assert {"crm_acme", "sync_shop_products", "sync_shop_orders"} <= ids
    assert "sync_shop" in {b["id"] for b in listed["bundles"]}
    crm = next(i for i in listed["items"] if i["id"] == "crm_acme")
    assert crm["title"] == 'Acme "CRM"'
    assert [f["key"] for f in crm["credentials"]["fields"]] == ["apiKey", "apiUrl", "region"]

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(providers)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "10 passed" in tests.stdout


def test_the_scaffolded_test_fails_when_the_check_is_broken(tmp_path: Path) -> None:
    """The generated test is a real test: a check that ignores the status code fails it."""
    made = run(
        "scaffold", "crm_beta", "--title", "Beta", "--category", "crm", "--hub", "crm",
        "--health-url", "https://beta.example/health", "--dir", str(tmp_path), "--json",
        cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    health = tmp_path / "crm_beta" / "health.py"
    health.write_text(health.read_text().replace("if code in (401, 403):", "if code == 999:"))
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert tests.returncode == 1
    assert "test_rejected_credentials_are_unhealthy" in tests.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Bad-Name", "--title", "T", "--category", "crm", "--hub", "h"],
            "error: invalid name 'Bad-Name': use 2-64 lowercase letters, digits and _, "
            "starting with a letter (e.g. crm_acme)",
        ),
        (
            ["crm_x", "--title", "T", "--category", "crm", "--hub", "h", "--field", "pin:number"],
            "error: unknown field type 'number' in 'pin:number': "
            "use one of text, secret, select, boolean, url",
        ),
        (
            ["crm_x", "--title", "T", "--category", "crm", "--hub", "h", "--field", "mode:select"],
            "error: select field 'mode' needs options: write mode:select=a,b",
        ),
        (
            ["crm_x", "--title", "T", "--category", "Big Crm", "--hub", "h"],
            "error: invalid category 'Big Crm': use snake_case, e.g. data_sync",
        ),
        (
            ["crm_x", "--category", "crm", "--hub", "h"],
            "error: missing --title (scaffold prompts only on a terminal)",
        ),
        (
            ["crm_x", "--title", "T", "--category", "crm", "--hub", "h"],
            "error: the health check needs a URL: give --health-url URL, or a field of type url "
            "whose value it calls",
        ),
        (
            ["crm_x", "--title", "T", "--category", "c", "--hub", "h", "--health-url", "{k}/x"],
            "error: --health-url names {k}, which is not a field; known: apiKey",
        ),
        (
            ["gateway_stripe", "--title", "T", "--category", "crm", "--hub", "h",
             "--health-url", "https://x.example"],
            "error: id 'gateway_stripe' already exists in ",
        ),
        (
            ["shop", "--bundle", "--title", "T", "--hub", "h"],
            "error: a bundle needs at least one --integration ID:TITLE:CATEGORY",
        ),
        (
            ["shop", "--bundle", "--title", "T", "--hub", "h", "--integration", "shop_a:A"],
            "error: invalid --integration 'shop_a:A': write ID:TITLE:CATEGORY",
        ),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_the_reason(cli, tmp_path: Path, args: list[str], message: str):
    result = cli("scaffold", *args, "--dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(message)
    assert not (tmp_path / "out").exists()


def test_refuses_to_overwrite(cli, tmp_path: Path) -> None:
    args = ["scaffold", "crm_acme", "--title", "T", "--category", "crm", "--hub", "h",
            "--health-url", "https://x.example/health", "--dir", str(tmp_path)]  # fmt: skip
    assert cli(*args).exit_code == 0
    (tmp_path / "crm_acme" / "integration.py").write_text("# mine\n")
    again = cli(*args)
    assert again.exit_code == 2
    assert again.stderr.splitlines()[0] == (
        f"error: {tmp_path / 'crm_acme'} already exists; scaffold refuses to overwrite: "
        "pick another name or --dir"
    )
    assert (tmp_path / "crm_acme" / "integration.py").read_text() == "# mine\n"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_prompts_for_missing_answers_on_a_terminal(tmp_path: Path) -> None:
    answers = ["crm", "crm_hubs", "apiKey:secret:required", "apiUrl:url", ""]
    args = ["scaffold", "crm_tty", "--title", "TTY", "--dir", str(tmp_path)]
    returncode, stderr = on_a_terminal(args, answers)
    assert returncode == 0, stderr
    assert "Category (e.g. payment):" in stderr
    assert "Hub (e.g. payment_gateways) [crm]:" in stderr
    source = (tmp_path / "crm_tty" / "integration.py").read_text()
    assert '"hub": "crm_hubs"' in source
    assert '{"key": "apiUrl", "label": "API URL", "type": "url"}' in source
    assert 'HEALTH_URL = "{apiUrl}"' in (tmp_path / "crm_tty" / "health.py").read_text()


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_a_failure_half_way_leaves_nothing_and_the_rerun_works(tmp_path: Path) -> None:
    """A real fault half-way: a file-size limit (as a full disk would) lets the first files be
    written and fails the last. Nothing is left in --dir, not even the staging folder, and the
    same command run again without the limit succeeds."""
    import resource
    import signal

    args = ["scaffold", "crm_half", "--title", "Half", "--category", "crm", "--hub", "crm",
            "--health-url", "https://half.example/health"]  # fmt: skip
    sample = run(*args, "--dir", str(tmp_path / "sample"), cwd=tmp_path)
    assert sample.returncode == 0, sample.stderr
    made = tmp_path / "sample" / "crm_half"
    sizes = {p.name: p.stat().st_size for p in made.iterdir()}
    limit = sizes["test_crm_half_health.py"] - 1  # the last file written is cut short
    assert sizes["integration.py"] < limit and sizes["health.py"] < limit  # written before it

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = tmp_path / "out"
    out.mkdir()
    failed = subprocess.run(
        [sys.executable, "-m", "mercato_int", *args, "--dir", str(out)],
        cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        preexec_fn=limited, timeout=120,
        # a .pyc written under the limit would be cut short too, and break later imports
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    assert failed.returncode == 1
    assert failed.stderr.splitlines() == [
        f"error: cannot write {out / 'crm_half'}: File too large; nothing was left behind, so "
        "scaffold can run again once that is fixed"
    ]
    assert list(out.iterdir()) == []

    again = run(*args, "--dir", str(out), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.iterdir()) == ["crm_half"]
    written = {p.name: p.read_text() for p in (out / "crm_half").iterdir()}
    assert written == {p.name: p.read_text() for p in made.iterdir()}
    assert oct((out / "crm_half").stat().st_mode & 0o777) == oct(made.stat().st_mode & 0o777)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_each_answer_is_checked_as_it_is_given_and_a_bad_one_asked_again(tmp_path: Path) -> None:
    answers = [
        "Bad Name",  # id: not an id
        "gateway_stripe",  # id: taken by a bundled provider
        "crm_asked",
        "   ",  # title: empty
        "Asked CRM",
        "Big Crm",  # category: not snake_case
        "crm",
        "",  # hub: the default, the category
        "pin:number",  # field: unknown type
        "apiKey:secret:required",
        "apiKey:text",  # field: the key again
        "",  # no more fields
        "ftp://asked.example",  # health URL: not http(s)
        "{token}/health",  # health URL: not a field
        "https://asked.example/health",
    ]
    returncode, stderr = on_a_terminal(["scaffold", "--dir", str(tmp_path)], answers)
    assert returncode == 0, stderr
    expected = [
        "invalid name 'Bad Name': use 2-64 lowercase letters, digits and _, starting with a "
        "letter (e.g. crm_acme); try again",
        "id 'gateway_stripe' already exists in "
        f"{BUNDLED / 'gateway_stripe' / 'integration.py'}; pick another; try again",
        "the title is empty: give --title; try again",
        "invalid category 'Big Crm': use snake_case, e.g. data_sync; try again",
        "unknown field type 'number' in 'pin:number': "
        "use one of text, secret, select, boolean, url; try again",
        "duplicate field key(s) apiKey; try again",
        "invalid --health-url 'ftp://asked.example': start with http:// or https://, "
        "or with a url field such as {apiUrl}; try again",
        "--health-url names {token}, which is not a field; known: apiKey; try again",
    ]
    assert_refused(stderr, expected)
    source = (tmp_path / "crm_asked" / "integration.py").read_text()
    assert '"title": "Asked CRM"' in source
    assert '"category": "crm"' in source and '"hub": "crm"' in source
    health = (tmp_path / "crm_asked" / "health.py").read_text()
    assert 'HEALTH_URL = "https://asked.example/health"' in health


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_bundle_members_are_checked_as_they_are_given(tmp_path: Path) -> None:
    answers = [
        "shop_x_a",  # not ID:TITLE:CATEGORY
        "shop_x:Same:crm",  # the bundle's own id
        "sync_medusa_orders:Taken:crm",  # taken by a bundled provider
        "shop_x_a:A:crm",
        "shop_x_a:Again:crm",  # given a moment ago
        "shop_x_b:B:Not Snake",  # category not snake_case
        "shop_x_b:B:crm",
        "",
    ]
    args = ["scaffold", "shop_x", "--bundle", "--title", "Shop X", "--hub", "crm",
            "--field", "apiKey:secret:required", "--health-url", "https://x.example/health",
            "--dir", str(tmp_path)]  # fmt: skip
    returncode, stderr = on_a_terminal(args, answers)
    assert returncode == 0, stderr
    assert_refused(
        stderr,
        [
            "invalid --integration 'shop_x_a': write ID:TITLE:CATEGORY; try again",
            "duplicate id(s) shop_x: every id must be unique; try again",
            "id 'sync_medusa_orders' already exists in "
            f"{BUNDLED / 'sync_medusa' / 'integration.py'}; pick another; try again",
            "duplicate id(s) shop_x_a: every id must be unique; try again",
            "invalid category 'Not Snake': use snake_case, e.g. data_sync; try again",
        ],
    )
    source = (tmp_path / "shop_x" / "integration.py").read_text()
    assert '"id": "shop_x_a"' in source and '"id": "shop_x_b"' in source
