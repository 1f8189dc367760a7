"""What a production start counts as 'this machine': a local host or URL is refused by name."""

from __future__ import annotations

import pytest

from banso_kit.production import is_local_host, require_remote_host, require_remote_url


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "LOCALHOST.",
        "api.localhost",
        "127.0.0.1",
        "127.1.2.3",
        "::1",
        "[::1]",
        "0.0.0.0",
    ],
)
def test_loopback_names_and_addresses_are_local(host: str) -> None:
    assert is_local_host(host)


@pytest.mark.parametrize(
    "host", ["smtp.example.com", "10.0.0.5", "2001:db8::1", "localhost-relay.example", "mail"]
)
def test_other_hosts_are_not(host: str) -> None:
    assert not is_local_host(host)


def test_a_local_or_empty_host_is_refused_naming_the_variable() -> None:
    with pytest.raises(ValueError, match=r"^NOTIFY_SMTP_HOST=127\.0\.0\.1 points at this machine"):
        require_remote_host("NOTIFY_SMTP_HOST", "127.0.0.1", what="the SMTP server")
    with pytest.raises(ValueError, match="^NOTIFY_SMTP_HOST is empty"):
        require_remote_host("NOTIFY_SMTP_HOST", " ", what="the SMTP server")
    require_remote_host("NOTIFY_SMTP_HOST", "smtp.example.com", what="the SMTP server")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1:8004", "points at this machine"),
        ("https://localhost/notify", "points at this machine"),
        ("http://[::1]:8004/", "points at this machine"),
        ("notify.example.com", "not an absolute http(s) URL"),
        ("ftp://notify.example.com", "not an absolute http(s) URL"),
        ("http://[::1", "not an absolute http(s) URL"),
    ],
)
def test_a_local_or_malformed_url_is_refused_naming_the_variable(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match="^NOTIFY_PUBLIC_URL") as refused:
        require_remote_url("NOTIFY_PUBLIC_URL", url, what="the public URL")
    assert problem in str(refused.value)


def test_a_remote_url_is_accepted() -> None:
    require_remote_url("NOTIFY_PUBLIC_URL", "https://notify.example.com/", what="the public URL")
