"""The web container's healthcheck (docker-compose.yml): GET /healthz from this
container's gunicorn the way nginx asks it, with a Host the settings allow and
`X-Forwarded-Proto: https`. Asked as a bare `http://127.0.0.1:8000`, Django refuses the
host (DisallowedHost: 127.0.0.1 is not in DJANGO_ALLOWED_HOSTS) and, with debug off,
redirects to https: the container would never turn healthy. Exits 0 only for a 200.

Standard library only, so it runs in the image as it is: `python deploy/healthcheck.py`.
"""

import os
import sys
import urllib.request


def allowed_host(setting: str) -> str:
    """The first concrete name of DJANGO_ALLOWED_HOSTS (".example.org" allows
    "example.org"; "*" names none)."""
    for entry in setting.split(","):
        host = entry.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    port = os.environ.get("HEALTHCHECK_PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={
            "Host": allowed_host(os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost")),
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except OSError as exc:  # refused, a timeout, or an HTTP error such as 503 or 400
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
