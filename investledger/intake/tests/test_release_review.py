"""Press releases: deals proposed from a pasted release, reviewed one by one, then written as a signing list."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.core.versions import EditConflict
from investledger.intake import services
from investledger.intake.kinds import releases
from investledger.intake.models import ImportBatch, PressRelease, ReleaseDeal
from investledger.intake.parsing import SheetError
from investledger.ledger.projects.models import Project

pytestmark = pytest.mark.django_db

ENGLISH = """North District welcomes new investors

A total of 2 projects were signed with a total investment of RMB 8 billion.
Acme Biotech Co., Ltd. signed an agreement with the North District government to invest RMB 5 billion in a biomedicine production base.
Bolt Motors Inc. will invest RMB 3 billion in a new energy vehicle plant in North District.
The city aims to attract RMB 100 billion of investment by 2025."""

CHINESE = """北区重大项目集中签约

本次活动共签约项目2个，总投资30亿元。其中，华康生物医药有限公司与北区签约，投资20亿元建设生物医药产业园；
南山食品集团有限公司投资10亿元建设食品加工基地。"""


def store(user, text=ENGLISH, event=None, name="release.txt"):
    with audit_context(actor=user, source="test"):
        return releases.release_store(user=user, data=text, file_name=name, event=event)


def decide(batch, number, decision, user, **values):
    deal = ReleaseDeal.objects.get(release__batch=batch, number=number)
    with audit_context(actor=user, source="test"):
        return releases.release_decide(
            deal=deal, user=user, decision=decision, values=values or None, version=deal.version
        )


def test_it_proposes_each_deal_with_its_evidence_for_the_review(personas, reference_data):
    batch = store(personas.officer_north, event=reference_data.event)
    assert batch.status == ImportBatch.Status.REVIEWING
    assert batch.area == reference_data.north
    deals = list(ReleaseDeal.objects.filter(release__batch=batch))
    assert [d.proposed["investor"] for d in deals] == ["Acme Biotech Co., Ltd.", "Bolt Motors Inc."]
    acme = deals[0]
    assert acme.values["host_area"] == "北区" and acme.values["sector"] == "生物医药"
    assert acme.values["contract_value"] == "50" and acme.values["currency"] == "CNY"
    start, end = acme.proposed["evidence"]["span"]
    assert batch.release.text[start:end].startswith("Acme Biotech Co., Ltd. signed an agreement")


def test_accepted_deals_are_checked_and_written_as_a_signing_list_and_rejected_ones_are_not(personas, reference_data):
    officer = personas.officer_north
    batch = store(officer, event=reference_data.event)
    decide(batch, 1, "accepted", officer, name="Acme biomedicine base")
    decide(batch, 2, "rejected", officer)
    with audit_context(actor=officer, source="test"):
        batch = releases.release_check(batch=batch)
    assert batch.status == ImportBatch.Status.VALIDATED, (batch.message, list(batch.rows.values("errors")))
    assert (batch.rows_validated, batch.error_count, batch.new_count) == (1, 0, 1)
    with audit_context(actor=officer, source="test"):
        batch = services.batch_start_commit(batch=batch, user=officer)
    assert batch.status == ImportBatch.Status.COMMITTED
    project = Project.objects.get(name="Acme biomedicine base")
    assert project.investor.name == "Acme Biotech Co., Ltd."
    assert project.host_area == reference_data.north and project.sector == reference_data.bio
    assert project.contract_value_cny == Decimal("5000000000.00")
    assert project.first_event == reference_data.event
    assert not Project.objects.filter(investor__name="Bolt Motors Inc.").exists()
    assert AuditEntry.objects.filter(source=f"import:{batch.pk}", object_id=str(project.pk)).exists()
    reviewed = AuditEntry.objects.filter(content_type__model="releasedeal", kind=AuditEntry.Kind.UPDATE)
    assert reviewed.count() == 2


def test_a_chinese_release_is_read_and_its_deals_proposed(personas, reference_data):
    batch = store(personas.officer_north, text=CHINESE, event=reference_data.event)
    release = PressRelease.objects.get(batch=batch)
    assert release.language == "zh"
    investors = list(release.deals.values_list("proposed__investor", flat=True))
    assert investors == ["华康生物医药有限公司", "南山食品集团有限公司"]
    assert release.deals.get(number=1).values["host_area"] == "北区"


def test_the_check_waits_until_every_deal_is_decided(personas, reference_data):
    batch = store(personas.officer_north, event=reference_data.event)
    decide(batch, 1, "accepted", personas.officer_north)
    with pytest.raises(services.ImportRefused, match="undecided"):
        releases.release_check(batch=batch)


def test_a_deal_the_check_refuses_goes_back_to_the_review_and_nothing_is_written(personas, reference_data):
    officer = personas.officer_north
    batch = store(officer, event=reference_data.event)
    decide(batch, 1, "accepted", officer, host_area="南区")  # outside her areas
    decide(batch, 2, "rejected", officer)
    batch = releases.release_check(batch=batch)
    assert batch.error_count == 1
    with pytest.raises(services.ImportRefused):
        services.batch_start_commit(batch=batch, user=officer)
    batch = releases.release_reopen(batch=batch)
    assert batch.status == ImportBatch.Status.REVIEWING and not batch.rows.exists()
    decide(batch, 1, "accepted", officer, host_area="北区")
    assert releases.release_check(batch=batch).error_count == 0
    assert not Project.objects.exists()


def test_a_decision_made_on_an_older_version_is_refused(personas, reference_data):
    officer = personas.officer_north
    batch = store(officer, event=reference_data.event)
    deal = ReleaseDeal.objects.get(release__batch=batch, number=1)
    decide(batch, 1, "rejected", officer)
    with pytest.raises(EditConflict), audit_context(actor=officer, source="test"):
        releases.release_decide(deal=deal, user=officer, decision="accepted", version=deal.version)


def test_a_release_read_before_is_recognised(personas, reference_data):
    store(personas.officer_north)
    with pytest.raises(SheetError, match="already read"):
        store(personas.officer_north)
    with pytest.raises(SheetError, match="already read"):
        store(personas.officer_south)
    assert PressRelease.objects.count() == 1


@pytest.mark.parametrize("data", ["", "   \n", b"\x00\x01\x02\xff" * 200])
def test_an_empty_or_binary_document_is_refused_with_a_message(personas, data):
    with pytest.raises(SheetError) as refused:
        store(personas.officer_north, text=data)
    assert str(refused.value)
    assert not ImportBatch.objects.exists()


def test_the_review_page_highlights_the_evidence_and_takes_decisions(client, personas, reference_data):
    client.force_login(personas.officer_north)
    response = client.post(reverse("intake:release_new"), {"text": ENGLISH, "event": reference_data.event.pk})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intake:release_review", args=[batch.pk])
    page = client.get(reverse("intake:release_review", args=[batch.pk])).content.decode()
    assert '<mark class="evidence" id="evidence-1"' in page
    assert "Acme Biotech Co., Ltd. signed an agreement" in page
    deal = ReleaseDeal.objects.get(release__batch=batch, number=2)
    response = client.post(
        reverse("intake:release_decide", args=[batch.pk, 2]),
        {"decision": "rejected", "d2-version": deal.version, "d2-currency": "CNY", "d2-agreement_type": "投资合同"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.decision == "rejected"


def test_a_release_can_be_uploaded_as_a_file(client, personas):
    client.force_login(personas.officer_north)
    upload = SimpleUploadedFile("news.html", f"<html><body><p>{CHINESE}</p></body></html>".encode())
    client.post(reverse("intake:release_new"), {"file": upload})
    assert PressRelease.objects.get().batch.file_format == "html"


def test_other_districts_neither_see_nor_decide_a_release(client, personas, reference_data):
    batch = store(personas.officer_north, event=reference_data.event)
    deal = ReleaseDeal.objects.get(release__batch=batch, number=1)
    client.force_login(personas.officer_south)
    assert client.get(reverse("intake:release_review", args=[batch.pk])).status_code == 404
    response = client.post(
        reverse("intake:release_decide", args=[batch.pk, 1]),
        {"decision": "accepted", "d1-version": deal.version, "d1-currency": "CNY", "d1-agreement_type": "投资合同"},
    )
    assert response.status_code == 404
    assert client.post(reverse("intake:release_check", args=[batch.pk])).status_code == 404
    deal.refresh_from_db()
    assert deal.decision == ""


def test_a_user_who_may_not_import_projects_cannot_read_a_release(client, personas):
    client.force_login(personas.unit_power)
    assert client.get(reverse("intake:release_new")).status_code == 403
    with pytest.raises(PermissionError):
        store(personas.unit_power)


def test_a_release_is_not_uploaded_as_a_spreadsheet(personas, tmp_path):
    with pytest.raises(SheetError):
        services.batch_store(
            user=personas.officer_north,
            uploaded=SimpleUploadedFile("x.csv", b"a,b\n1,2\n"),
            file_name="x.csv",
            kind="releases",
        )


def test_the_reader_flags_are_said_with_their_figures_in_english_and_chinese():
    from django.utils import translation

    from investledger.newsread import propose

    flags = propose("Acme Co., Ltd. signed an agreement to invest RMB 5 billion ($7300 million) in 2020.")["flags"]
    conversion = next(f for f in flags if f["code"] == "conversion_inconsistent")
    with translation.override("en"):
        assert releases.said(conversion) == (
            "CNY 5.00 bn is about USD 724.9 m at the 2020 rate, not USD 7.30 bn as stated."
        )
    with translation.override("zh-hans"):
        assert releases.said(conversion) == "按 2020 年汇率，CNY 5.00 bn 约合 USD 724.9 m，而非文中所述的 USD 7.30 bn。"
        assert releases.said({"code": "hedged", "params": {"hedge": "over"}}) == "数字带有约数词（超过），金额为概数。"
        assert releases.said({"level": "error", "code": "empty", "message": "The document is empty."}) == (
            "文件为空，没有可读取的内容。"
        )


def test_a_deal_announced_again_with_a_larger_amount_is_flagged_with_the_project_already_signed(
    client, personas, reference_data
):
    """Acme signed RMB 3 bn in North last year; the release says RMB 5 bn: the review asks whether it is
    the same deal again (a capital increase), and names the project. Bolt has none: no flag."""
    from investledger.testing import make_investor, make_project

    earlier = make_project(
        name="Acme biomedicine base",
        area=reference_data.north,
        sector=reference_data.bio,
        investor=make_investor("Acme Biotech Co., Ltd."),
        value=Decimal("3000000000"),
    )
    batch = store(personas.officer_north, event=reference_data.event)
    client.force_login(personas.officer_north)
    html = client.get(reverse("intake:release_review", args=[batch.pk])).content.decode()
    assert 'id="announced-again-1"' in html and earlier.reference in html
    assert 'id="announced-again-2"' not in html
    # Another district does not learn of the project through the flag.
    south = make_project(
        name="Bolt plant",
        area=reference_data.south,
        sector=reference_data.ev,
        investor=make_investor("Bolt Motors Inc."),
        value=Decimal("1000000000"),
    )
    html = client.get(reverse("intake:release_review", args=[batch.pk])).content.decode()
    assert 'id="announced-again-2"' not in html and south.reference not in html
    client.force_login(personas.admin)
    html = client.get(reverse("intake:release_review", args=[batch.pk])).content.decode()
    assert 'id="announced-again-2"' in html and south.reference in html


def test_a_checked_release_with_an_error_says_to_review_the_deals_again_not_to_upload_a_file(
    client, personas, reference_data
):
    officer = personas.officer_north
    batch = store(officer, event=reference_data.event)
    decide(batch, 1, "accepted", officer, host_area="")
    decide(batch, 2, "rejected", officer)
    with audit_context(actor=officer, source="test"):
        batch = releases.release_check(batch=batch)
    assert batch.error_count == 1
    client.force_login(officer)
    html = client.get(reverse("intake:batch_detail", args=[batch.pk])).content.decode()
    assert "Review the deals again, correct them and check again." in html
    assert "Correct the file and upload it again." not in html
