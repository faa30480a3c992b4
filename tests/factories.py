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


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")


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
