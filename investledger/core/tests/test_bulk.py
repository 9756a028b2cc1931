"""The bulk helpers the import writes with: reserved ids and lookups by name."""

import pytest
from django.db import transaction

from investledger.core import bulk
from investledger.ledger.investors.models import Investor

pytestmark = pytest.mark.django_db


def test_reserved_ids_increase_and_are_never_handed_out_again():
    with transaction.atomic():
        first = bulk.reserve_ids(Investor, 3)
        second = bulk.reserve_ids(Investor, 2)
    assert first == sorted(first) and len(set(first)) == 3
    assert min(second) > max(first)
    created = Investor.objects.create(name="Later Holdings")
    assert created.pk > max(second)


def test_reserving_no_ids_asks_nothing_of_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.reserve_ids(Investor, 0) == []


def test_ids_by_name_finds_exact_names_only():
    alpha = Investor.objects.create(name="Alpha Capital")
    beta = Investor.objects.create(name="重庆贝塔科技有限公司")
    Investor.objects.create(name="Alpha Capital Group")
    found = bulk.ids_by(Investor, "name", ["Alpha Capital", "重庆贝塔科技有限公司", "alpha capital", "Nobody Ltd"])
    assert found == {"Alpha Capital": alpha.pk, "重庆贝塔科技有限公司": beta.pk}


def test_ids_by_name_of_nothing_asks_nothing_of_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.ids_by(Investor, "name", []) == {}


def test_ids_by_name_takes_thousands_of_names_in_one_query(django_assert_num_queries):
    Investor.objects.bulk_create([Investor(name=f"Investor {i:05d}") for i in range(3000)])
    names = [f"Investor {i:05d}" for i in range(0, 6000, 2)]
    with django_assert_num_queries(1):
        found = bulk.ids_by(Investor, "name", names)
    assert len(found) == 1500
