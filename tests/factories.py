"""factory_boy factories: test data is built here, never loaded from fixture files."""

import factory

from mesoplan.models import Network, Practice, User
from mesoplan.roles import Role

# What intake records before a course may be booked (DOMAIN.md, "Ready to book").
CONSENT = {"informed_consent": True, "expectations_acknowledged": True}

PASSWORD = "correct horse battery staple"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("name",)

    name = "Test network"
    # Most tests are about something else than signing in: the second-factor rule is on
    # where a test says so (tests/mesoplan/test_second_factor.py); the model's default
    # (on for new practices) is held by its own test.
    second_factor_for_admins = False


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    second_factor_for_managers = False


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    role = Role.CLINICIAN
    practice = factory.SubFactory(PracticeFactory)
    password = factory.django.Password(PASSWORD)


class ClinicianFactory(UserFactory):
    role = Role.CLINICIAN


class ManagerFactory(UserFactory):
    role = Role.PRACTICE_MANAGER


class NetworkAdminFactory(UserFactory):
    role = Role.NETWORK_ADMIN
    practice = None
    network = factory.SubFactory(NetworkFactory)


def api_key_for(user, *, name: str = "test client") -> str:
    """A live API token's key for the user, made without the service's audit entry (the
    token is test set-up, not the behaviour under test)."""
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from mesoplan.auth.tokens import KEY_PREFIX, hash_key
    from mesoplan.models import ApiToken

    key = KEY_PREFIX + secrets.token_hex(20)
    # Just used: its first request does not write last_used_at, so a test that counts a
    # page's queries counts the page's own (the write happens at most once a minute).
    now = timezone.now()
    ApiToken.objects.create(
        last_used_at=now,
        user=user,
        name=name,
        key_hash=hash_key(key),
        prefix=key[:8],
        # Tests travel years ahead (maintenance windows, recall): the key outlives them.
        expires_at=now + timedelta(days=36500),
    )
    return key


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.Patient"

    practice = factory.SubFactory(PracticeFactory)
    first_name = factory.Sequence(lambda n: f"Anna{n}")
    last_name = "Schmidt"
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    sex = "female"
    email = factory.LazyAttribute(lambda p: f"{p.first_name.lower()}@example.org")
    phone = "+49 30 1234567"
