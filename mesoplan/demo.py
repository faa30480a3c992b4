"""Demo network and staff: the five accounts API.md promises, in two practices."""

from dataclasses import dataclass, field

from mesoplan.models import Network, Practice, User
from mesoplan.roles import Role

NETWORK_NAME = "Network Aesthetics (demo)"
PRACTICES = [
    ("praxis-mitte", "Praxis Mitte, Berlin", "Europe/Berlin"),
    ("hautzentrum-nord", "Hautzentrum Nord, Hamburg", "Europe/Berlin"),
]
STAFF = [
    ("clinician1", "Dr. Lena", "Hoffmann", Role.CLINICIAN, 0),
    ("manager1", "Jonas", "Becker", Role.PRACTICE_MANAGER, 0),
    ("clinician2", "Dr. Amira", "Yilmaz", Role.CLINICIAN, 1),
    ("manager2", "Sophie", "Wagner", Role.PRACTICE_MANAGER, 1),
    ("networkadmin", "Michael", "Weber", Role.NETWORK_ADMIN, None),
    # A second clinician per practice, so the practice day view has columns to compare.
    ("clinician3", "Dr. Paul", "Richter", Role.CLINICIAN, 0),
    ("clinician4", "Dr. Hanna", "Koch", Role.CLINICIAN, 1),
]


@dataclass
class DemoStaff:
    network: Network
    practices: list[Practice]
    accounts: list[User] = field(default_factory=list)


def seed_staff(password: str) -> DemoStaff:
    network, _ = Network.objects.get_or_create(
        name=NETWORK_NAME, defaults={"second_factor_for_admins": False}
    )
    practices = []
    for slug, name, zone in PRACTICES:
        # Off in the demo, so its accounts sign in with a password alone (API.md).
        practice, _ = Practice.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "network": network,
                "time_zone": zone,
                "second_factor_for_managers": False,
            },
        )
        practices.append(practice)
    demo = DemoStaff(network=network, practices=practices)
    for username, first, last, role, practice_index in STAFF:
        home = practices[practice_index] if practice_index is not None else None
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "practice": home,
                "network": network if role == Role.NETWORK_ADMIN else None,
                "email": f"{username}@example.org",
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        demo.accounts.append(user)
    return demo
