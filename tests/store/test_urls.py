"""Database URLs: the password masked in every form a URL can take, the kinds we support, and
an unencoded `@` in a password read the way its author meant."""

from __future__ import annotations

import pytest

from mercato_int.errors import InvalidInput
from mercato_int.store.urls import normalize_url, parse_store_url, redact_text, redact_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ann:s3cret@db:5432/x", "postgresql://ann:••••••••@db:5432/x"),
        ("postgresql://ann:p@ss@word@db/x", "postgresql://ann:••••••••@db/x"),
        ("postgresql://ann:p%40ss%2Fw0rd@db/x", "postgresql://ann:••••••••@db/x"),
        ("postgresql://ann:p/ss?w0rd@db/x", "postgresql://ann:••••••••@db/x"),
        ("postgresql://ann@db/x?password=s3cret&sslmode=require",
         "postgresql://ann@db/x?password=••••••••&sslmode=require"),
        ("postgresql://ann@db/x?sslmode=require&PASSWORD=s3cret",
         "postgresql://ann@db/x?sslmode=require&PASSWORD=••••••••"),
        ("postgresql://ann@db/x?sslpassword=s3cret", "postgresql://ann@db/x?sslpassword=••••••••"),
        ("host=db user=ann password=s3cret dbname=x",
         "host=db user=ann password=•••••••• dbname=x"),
        ("host=db password = 's3 cret' dbname=x", "host=db password = •••••••• dbname=x"),
        ("postgresql://ann:@db/x", "postgresql://ann:••••••••@db/x"),
        ("postgresql://ann@db/x", "postgresql://ann@db/x"),
        ("sqlite:////tmp/a@b/store.db", "sqlite:////tmp/a@b/store.db"),
        ("sqlite:////tmp/store.db", "sqlite:////tmp/store.db"),
    ],
)  # fmt: skip
def test_redact_url_masks_the_password_in_every_form(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redact_text_masks_every_encoding_of_the_password() -> None:
    url = "postgresql://ann:p%40ss%2Fw0rd@db/x"
    text = "failed for p@ss/w0rd, p%40ss%2Fw0rd and p%40ss%2Fw0rd again"
    assert redact_text(text, url) == "failed for ••••••••, •••••••• and •••••••• again"


def test_an_unencoded_at_sign_belongs_to_the_password() -> None:
    parsed = parse_store_url("postgresql://ann:p@ss@db.example:5433/x")
    assert (parsed.username, parsed.password, parsed.host, parsed.port) == (
        "ann",
        "p@ss",
        "db.example",
        5433,
    )
    # an Azure-style user name keeps its `@` too
    parsed = parse_store_url("postgres://ann@server:pw@db/x")
    assert (parsed.username, parsed.password, parsed.host) == ("ann@server", "pw", "db")
    assert normalize_url("postgresql://ann@db/x?password=a@b") == (
        "postgresql+psycopg://ann@db/x?password=a@b"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://ann:s3cret@db/x",
         "database URL 'mysql://ann:••••••••@db/x' is of kind mysql, which mercato-int does not "
         "support (supported: sqlite:///PATH, postgresql://USER@HOST/DB)"),
        ("postgresql+psycopg2://ann@db/x",
         "database URL 'postgresql+psycopg2://ann@db/x' is of kind postgresql+psycopg2, which "
         "mercato-int does not support (supported: sqlite:///PATH, postgresql://USER@HOST/DB)"),
        ("postgresql://ann:s3cret@db:abc/x",
         "the port in database URL 'postgresql://ann:••••••••@db:abc/x' is not a number from 1 to "
         "65535 (write e.g. postgresql://user@host:5432/db)"),
        ("postgresql://ann@db:99999/x",
         "the port in database URL 'postgresql://ann@db:99999/x' is not a number from 1 to "
         "65535 (write e.g. postgresql://user@host:5432/db)"),
        ("host=db password=s3cret",
         "not a database URL: 'host=db password=••••••••' (use e.g. sqlite:///path/to.db or "
         "postgresql://user@host/db)"),
    ],
)  # fmt: skip
def test_urls_we_cannot_use_are_invalid_input(url: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_store_url(url)
    assert str(caught.value) == message
    assert "s3cret" not in str(caught.value)
