"""Races for the concurrency tests (PostgreSQL): each attempt runs in its own thread and
database connection, all released at once by a barrier; an expected refusal becomes a
word, anything else is reported as an error, never lost in a thread."""

import threading
from collections.abc import Callable, Mapping, Sequence

from django.db import connection


def race(
    attempts: Sequence[Callable[[], str]], refusals: Mapping[type[BaseException], str]
) -> list[str]:
    """Runs every attempt at once; each returns its outcome word, or raises one of
    `refusals` (exception type -> word). The outcomes, in the order they finished.

    >>> race([lambda: "a", lambda: "b"], {})  # doctest: +SKIP
    ['a', 'b']
    """
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    guard = threading.Lock()

    def run(attempt: Callable[[], str]) -> None:
        try:
            barrier.wait()
            result = attempt()
        except tuple(refusals) as exc:
            result = next(word for kind, word in refusals.items() if isinstance(exc, kind))
        except Exception as exc:  # reported in the outcomes, so the test's assertion shows it
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
