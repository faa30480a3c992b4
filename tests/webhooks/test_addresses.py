"""Where a webhook may go (SSRF): https to public addresses, http to loopback only."""

import pytest

from webhooks import addresses


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/mesoplan",
        "https://93.184.216.34/x?y=1",
        "http://127.0.0.1:8080/hook",
        "http://[::1]:9000/",
        "http://localhost:3000/in",
    ],
)
def test_allowed_at_registration(url):
    addresses.check_url(url)


@pytest.mark.parametrize(
    "url, says",
    [
        ("ftp://example.com/", "https://"),
        ("http://example.com/hook", "only to this machine"),
        ("https://10.0.0.5/hook", "not allowed"),
        ("https://192.168.1.10/", "not allowed"),
        ("https://169.254.169.254/latest/meta-data/", "not allowed"),  # cloud metadata
        ("https://127.0.0.1/", "not allowed"),  # https only to public addresses
        ("https://[::ffff:10.0.0.1]/", "not allowed"),  # IPv4-mapped private
        ("https://[fe80::1]/", "not allowed"),
        ("https://0.0.0.0/", "not allowed"),
        ("http://10.1.1.1/", "not allowed"),
        ("https://user:pw@example.com/", "Credentials"),
        ("https://example.com/#x", "fragment"),
        ("https://", "no host"),
        ("https://example.com:99999/", "valid URL"),
        ("https://" + "a" * 2000 + ".com/", "2000"),
    ],
)
def test_refused_at_registration(url, says):
    with pytest.raises(addresses.Refused, match=says):
        addresses.check_url(url)


def test_a_name_is_checked_against_what_it_resolves_to_at_delivery():
    target = addresses.resolve("http://localhost:8080/hook?x=1")
    assert target.path == "/hook?x=1" and target.port == 8080
    assert all(addresses.allowed("http", a) for a in target.addresses)
    # localhost resolves to loopback: not a public address, so https to it is refused.
    with pytest.raises(addresses.Refused, match="not allowed"):
        addresses.resolve("https://localhost/hook")
    with pytest.raises(addresses.Refused, match="does not resolve"):
        addresses.resolve("https://no-such-host.invalid/")
