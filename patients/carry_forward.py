"""What a pre-session check finds, the patient's record keeps (DOMAIN.md, "Contraindication
screening"): an allergy or a condition first named at a check, or an allergic reaction
after a session, is added to the answers of the patient's latest screening, so the next
check and the ready-to-book gate see it (an allergy excludes its formulations from then
on; a herpes tendency asks for prophylaxis at every session; a reaction stops its
formulation until a clinician screens again). The carried screening is a new one,
evaluated by the same rules and marked with what it came from; the earlier stays as it
was answered.

Pure: lists of answers in, the merged answers out.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CarriedAnswers:
    """A screening's answers with what the check found newly."""

    conditions: list[str]
    allergies: list[str]
    new_conditions: list[str]
    new_allergies: list[str]
    reactions: list[str] = field(default_factory=list)
    new_reactions: list[str] = field(default_factory=list)

    @property
    def news(self) -> list[str]:
        """What is new, for a summary."""
        return [*self.new_conditions, *self.new_allergies, *self.new_reactions]


def allergy_key(text: str) -> str:
    """Two ways of writing one allergy are one: spaces and case do not count.

    >>> allergy_key("  Hyaluronic   ACID ") == allergy_key("hyaluronic acid")
    True
    """
    return " ".join(text.split()).casefold()


def carried_answers(
    conditions: Sequence[str],
    allergies: Sequence[str],
    found_conditions: Iterable[str],
    found_allergies: Iterable[str],
    *,
    reactions: Sequence[str] = (),
    found_reactions: Iterable[str] = (),
) -> CarriedAnswers | None:
    """The screening's answers plus what the check found that they do not hold yet, in
    the order found; None when the check found nothing new.

    >>> carried = carried_answers(["psoriasis"], ["Latex"], ["herpes", "psoriasis"],
    ...                           ["latex", "Rutin"])
    >>> carried.conditions, carried.allergies
    (['psoriasis', 'herpes'], ['Latex', 'Rutin'])
    >>> carried.new_conditions, carried.new_allergies
    (['herpes'], ['Rutin'])
    >>> carried_answers(["herpes"], ["Rutin"], ["herpes"], [" rutin "]) is None
    True
    >>> carried_answers([], [], [], [], reactions=["mesolift"], found_reactions=["mesolift"])
    >>> carried_answers([], [], [], [], found_reactions=["mesolift"]).reactions
    ['mesolift']
    """
    known_conditions = set(conditions)
    new_conditions = [c for c in dict.fromkeys(found_conditions) if c not in known_conditions]
    known_allergies = {allergy_key(a) for a in allergies}
    new_allergies: list[str] = []
    for allergy in found_allergies:
        key = allergy_key(allergy)
        if key and key not in known_allergies:
            known_allergies.add(key)
            new_allergies.append(" ".join(allergy.split()))
    known_reactions = set(reactions)
    new_reactions = [r for r in dict.fromkeys(found_reactions) if r not in known_reactions]
    if not new_conditions and not new_allergies and not new_reactions:
        return None
    return CarriedAnswers(
        conditions=[*conditions, *new_conditions],
        allergies=[*allergies, *new_allergies],
        new_conditions=new_conditions,
        new_allergies=new_allergies,
        reactions=[*reactions, *new_reactions],
        new_reactions=new_reactions,
    )
