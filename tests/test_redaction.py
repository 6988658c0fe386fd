"""One redactor, one threshold: a secret is shown the same way in a credentials view, a log
entry and a health message, whatever its length."""

from __future__ import annotations

import pytest

from mercato_int.redaction import MASK, MIN_SECRET_LENGTH, redact_url, secret_pattern
from mercato_int.scope import TenantScope

HERE = TenantScope()

ECHO = """
integration = {
    "id": "echo",
    "title": "Echo",
    "category": "probe",
    "credentials": {"fields": [
        {"key": "token", "label": "Token", "type": "secret", "required": True},
    ]},
    "healthCheck": {"service": "echo"},
}


def echo(credentials, ctx):
    return {"status": "unhealthy", "message": f"refused {credentials['token']}",
            "details": {"seen": credentials["token"]}}


health_checks = {"echo": echo}
"""


def _shown_everywhere(services, secret: str) -> tuple[object, str, str]:
    """(the view's value, the stored log message, the stored health message) for `secret`."""
    services.credentials.save("echo", {"token": secret}, HERE, actor="tester")
    view = services.credentials.read_masked("echo", HERE).values["token"]
    services.logs.log(
        integration_id="echo",
        level="error",
        operation="call",
        message=f"refused {secret}",
        scope=HERE,
    )
    logged = services.logs.query(scope=HERE).items[0].message
    (outcome,) = services.health.run(services.health.plan(["echo"], HERE), actor="tester").outcomes
    return view, logged, outcome.message


def test_a_five_character_secret_is_masked_in_a_view_a_log_entry_and_a_health_message(
    providers_dir, services
) -> None:
    providers_dir({"echo": ECHO})
    secret = "k3y5!"
    assert len(secret) == 5 >= MIN_SECRET_LENGTH
    view, logged, health = _shown_everywhere(services, secret)
    assert (view, logged, health) == (MASK, f"refused {MASK}", f"refused {MASK}")
    # and the stored health result on the state says the same
    state = services.state.get("echo", HERE)
    assert state.last_health_check["message"] == f"refused {MASK}"
    assert state.last_health_check["details"] == {"seen": MASK}


def test_below_the_threshold_the_log_and_the_health_message_agree(providers_dir, services):
    """Three characters: too short to hunt for in text (it would shred words), the same in the
    log and in health; the view still masks the field (it needs no text scan)."""
    providers_dir({"echo": ECHO})
    view, logged, health = _shown_everywhere(services, "k3y")
    assert (view, logged, health) == (MASK, "refused k3y", "refused k3y")


@pytest.mark.parametrize("form", ["k3y5%21", "'k3y5!'", "azN5NSE6"])  # URL, repr, Basic
def test_escaped_forms_are_one_pattern(form: str) -> None:
    pattern = secret_pattern(["k3y5!"])
    assert pattern is not None and pattern.sub(MASK, f"x {form} y").count(MASK) == 1


def test_a_url_is_shown_without_its_userinfo() -> None:
    assert redact_url("https://ann:pw@host:8443/p?q=1") == "https://host:8443/p?q=1"
    assert redact_url("https://host/p") == "https://host/p"
