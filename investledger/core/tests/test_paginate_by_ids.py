"""A list sorted through joined tables is paged by its ids, then read by id: same rows, same order."""

import pytest
from django.test import RequestFactory

from investledger.core.views import paginate, paginate_by_ids
from investledger.ledger.projects.models import Project
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", ["1", "2", "3", "99", "x"])
def test_it_pages_the_same_rows_in_the_same_order_as_the_whole_rows_would(reference_data, number):
    ref = reference_data
    for n, name in enumerate(["Zeta", "Alpha", "Mu", "Beta", "Kappa", "Alpha"]):
        make_project(area=ref.north if n % 2 else ref.south, sector=ref.ev, investor=make_investor(f"{name} {n}"))
    queryset = Project.objects.select_related("investor", "host_area").order_by(
        "investor__name", "host_area__path", "pk"
    )
    request = RequestFactory().get("/", {"page": number})
    expected = paginate(request, queryset, 2)
    found = paginate_by_ids(request, queryset, 2)
    assert [p.pk for p in found.object_list] == [p.pk for p in expected.object_list]
    assert (found.number, found.paginator.count, found.paginator.num_pages) == (expected.number, 6, 3)
    assert all(isinstance(p, Project) for p in found.object_list)
