"""The hand-written steps of engagements/migrations: run on a database that holds the rows
they are about, with Django's MigrationExecutor."""

import importlib

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

EMAIL_ANY_CASE = importlib.import_module("engagements.migrations.0016_clientcontact_unique_email_any_case")
BEFORE = [("engagements", "0015_role_permissions")]
AFTER = [("engagements", "0016_clientcontact_unique_email_any_case")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)  # a fresh one sees what is applied now
    executor.migrate(targets)


@pytest.fixture
def before_the_email_constraint(transactional_db):
    """The database as it was before 0016, then back to the latest state."""
    _migrate(BEFORE)
    yield MigrationExecutor(connection).loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_duplicate_addresses_stop_the_migration_with_the_rows_to_fix_and_change_nothing(before_the_email_constraint):
    apps = before_the_email_constraint
    Client = apps.get_model("engagements", "Client")
    Contact = apps.get_model("engagements", "ClientContact")
    acme, other = Client.objects.create(name="Acme"), Client.objects.create(name="Other")
    anna = Contact.objects.create(client=acme, name="Anna", email="anna@acme.example")
    again = Contact.objects.create(client=acme, name="Anna D.", email="ANNA@acme.example")
    Contact.objects.create(client=acme, name="Bert", email="bert@acme.example")
    Contact.objects.create(client=other, name="Anna", email="anna@acme.example")  # another client: fine

    assert EMAIL_ANY_CASE.email_duplicates(Contact) == [
        [(anna.pk, acme.pk, "anna@acme.example"), (again.pk, acme.pk, "ANNA@acme.example")]
    ]
    with pytest.raises(CommandError) as refused:
        _migrate(AFTER)

    report = str(refused.value)
    assert f"client {acme.pk}: contact {anna.pk} <anna@acme.example>, contact {again.pk} <ANNA@acme.example>" in report
    assert "bert" not in report and f"client {other.pk}:" not in report
    assert "run migrate again" in report
    assert Contact.objects.count() == 4  # nothing merged or deleted
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert AFTER[0] not in applied

    Contact.objects.filter(pk=again.pk).update(email="anna.d@acme.example")  # the operator's fix
    _migrate(AFTER)
    assert AFTER[0] in MigrationExecutor(connection).loader.applied_migrations


def test_no_duplicates_no_report(before_the_email_constraint):
    Contact = before_the_email_constraint.get_model("engagements", "ClientContact")
    assert EMAIL_ANY_CASE.email_duplicates(Contact) == []
    _migrate(AFTER)
