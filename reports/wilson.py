"""Shares and their 95% Wilson score intervals (DOMAIN.md, "Reports: the statistics,
exactly")."""

from math import sqrt

Z95 = 1.959964


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of successes/trials; None when there are no trials.

    >>> [round(bound, 3) for bound in wilson(8, 10)]
    [0.49, 0.943]
    >>> wilson(0, 0) is None
    True
    >>> wilson(0, 5)[0], wilson(5, 5)[1]
    (0.0, 1.0)
    """
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    # At 0 of n and n of n the bound is 0 or 1 exactly, but centre and half-width round
    # differently (wilson(0, 69)[0] came out 2e-19, wilson(10, 10)[1] 0.9999999999999999:
    # the observed share outside its own interval), so those bounds are set, not computed.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return (low, high)


def share(successes: int, trials: int) -> float | None:
    """
    >>> share(1, 4), share(0, 0)
    (0.25, None)
    """
    return successes / trials if trials else None
