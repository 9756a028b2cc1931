"""The bureau keeps the lead classes (response deadlines) and the registry of referrers from pages:
list, create, edit on the version shown, deactivate; districts and units read them and change nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core.models import AuditEntry
from investledger.leads import services, services_registry
from investledger.leads.choices import LeadSource, ReferrerKind
from investledger.leads.models import LeadClass, Referrer


def as_user(client, user, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def large_class(db):
    return LeadClass.objects.create(
        name="≥ 1亿", min_value_cny=Decimal("100000000"), respond_days=1, assess_days=3, feedback_days=7
    )


@pytest.fixture
def ambassador(db):
    return Referrer.objects.create(kind=ReferrerKind.AMBASSADOR, name="王大使", name_en="Ambassador Wang")


CLASS_FORM = {"name": "≥ 10亿", "min_value_cny": "1", "respond_days": "1", "assess_days": "2", "feedback_days": "5"}


class LeadClassPagesTests:
    def test_it_is_reached_from_the_leads_navigation_and_lists_the_classes(self, client, personas, large_class):
        c = as_user(client, personas.admin)
        pipeline = c.get(reverse("leads:pipeline")).content.decode()
        assert reverse("leads:lead_class_list") in pipeline
        page = c.get(reverse("leads:lead_class_list")).content.decode()
        assert "≥ 1亿" in page and reverse("leads:lead_class_create") in page
        assert reverse("leads:lead_class_edit", args=[large_class.pk]) in page

    def test_the_bureau_creates_a_class_in_the_readers_unit_and_it_is_audited(self, client, personas):
        c = as_user(client, personas.admin)
        answer = c.post(reverse("leads:lead_class_create"), CLASS_FORM)
        assert answer.status_code == 302
        created = LeadClass.objects.get(name="≥ 10亿")
        assert created.min_value_cny == Decimal("1000000000")  # RMB 1 bn, typed in the English unit
        assert AuditEntry.objects.filter(object_id=str(created.pk), kind=AuditEntry.Kind.CREATE).count() == 1
        assert services.class_for(Decimal("2000000000")) == created

    def test_deadlines_that_shrink_are_refused_on_the_form(self, client, personas):
        c = as_user(client, personas.admin)
        answer = c.post(reverse("leads:lead_class_create"), {**CLASS_FORM, "respond_days": "4"})
        assert answer.status_code == 200
        assert "Deadlines must not shrink" in answer.content.decode()
        assert not LeadClass.objects.filter(name="≥ 10亿").exists()

    def test_an_edit_made_on_an_older_version_is_refused_not_overwritten(self, client, personas, large_class):
        c = as_user(client, personas.admin)
        url = reverse("leads:lead_class_edit", args=[large_class.pk])
        form = {"name": "≥ 1亿", "min_value_cny": "0.1", "respond_days": "2", "assess_days": "3", "feedback_days": "7"}
        assert c.post(url, {**form, "version": 1}).status_code == 302
        stale = c.post(url, {**form, "respond_days": "1", "version": 1})
        assert stale.status_code == 200
        assert "Someone else changed this lead class meanwhile" in stale.content.decode()
        stored = LeadClass.objects.get(pk=large_class.pk)
        assert (stored.respond_days, stored.version) == (2, 2)
        entry = AuditEntry.objects.filter(object_id=str(large_class.pk), kind=AuditEntry.Kind.UPDATE).get()
        assert entry.changes["respond_days"] == [1, 2]

    def test_a_deactivated_class_no_longer_sets_deadlines_and_its_threshold_can_be_taken_again(
        self, client, personas, large_class
    ):
        c = as_user(client, personas.admin)
        url = reverse("leads:lead_class_set_active", args=[large_class.pk])
        assert c.post(url, {"active": "False", "version": 1}).status_code == 302
        assert not LeadClass.objects.get(pk=large_class.pk).active
        assert services.class_for(Decimal("500000000")) is None
        again = c.post(url, {"active": "False", "version": 1})  # a second click on the old page
        assert again.status_code == 302
        assert (
            "Someone else changed this lead class meanwhile" in c.get(reverse("leads:lead_class_list")).content.decode()
        )
        assert c.post(reverse("leads:lead_class_create"), {**CLASS_FORM, "min_value_cny": "0.1"}).status_code == 302
        reactivate = c.post(url, {"active": "True", "version": 2})
        assert reactivate.status_code == 302
        assert (
            "An active lead class already starts at this amount"
            in c.get(reverse("leads:lead_class_list")).content.decode()
        )
        assert not LeadClass.objects.get(pk=large_class.pk).active

    @pytest.mark.parametrize("who", ["officer_north", "unit_power", "supervisor", "leader"])
    def test_others_read_the_classes_and_change_nothing(self, client, personas, large_class, who):
        c = as_user(client, getattr(personas, who))
        page = c.get(reverse("leads:lead_class_list"))
        assert page.status_code == 200 and "≥ 1亿" in page.content.decode()
        assert reverse("leads:lead_class_create") not in page.content.decode()
        assert c.get(reverse("leads:lead_class_create")).status_code == 403
        assert c.post(reverse("leads:lead_class_create"), CLASS_FORM).status_code == 403
        edit = reverse("leads:lead_class_edit", args=[large_class.pk])
        assert c.get(edit).status_code == 403
        assert c.post(edit, {**CLASS_FORM, "version": 1}).status_code == 403
        active = reverse("leads:lead_class_set_active", args=[large_class.pk])
        assert c.post(active, {"active": "False", "version": 1}).status_code == 403
        stored = LeadClass.objects.get(pk=large_class.pk)
        assert (stored.version, stored.active, stored.respond_days) == (1, True, 1)
        with pytest.raises(services.PermissionDenied):
            services_registry.lead_class_save(fields=CLASS_FORM, by=getattr(personas, who))

    def test_a_stranger_without_a_role_sees_no_class(self, client, personas, large_class):
        c = as_user(client, personas.stranger)
        assert "≥ 1亿" not in c.get(reverse("leads:lead_class_list")).content.decode()
        assert c.get(reverse("leads:lead_class_edit", args=[large_class.pk])).status_code == 404


REFERRER_FORM = {"kind": "agency", "name": "成都示例咨询", "name_en": "Chengdu Example Advisory"}


class ReferrerPagesTests:
    def test_the_bureau_registers_a_referrer_from_the_registry_page(self, client, personas):
        c = as_user(client, personas.admin)
        assert reverse("leads:referrer_create") in c.get(reverse("leads:referrer_list")).content.decode()
        answer = c.post(reverse("leads:referrer_create"), REFERRER_FORM)
        created = Referrer.objects.get(name="成都示例咨询")
        assert answer.status_code == 302 and answer["Location"] == reverse("leads:referrer_detail", args=[created.pk])
        assert AuditEntry.objects.filter(object_id=str(created.pk), kind=AuditEntry.Kind.CREATE).exists()

    def test_an_edit_made_on_an_older_version_is_refused_not_overwritten(self, client, personas, ambassador):
        c = as_user(client, personas.admin)
        detail = c.get(reverse("leads:referrer_detail", args=[ambassador.pk])).content.decode()
        url = reverse("leads:referrer_edit", args=[ambassador.pk])
        assert url in detail
        form = {"kind": "ambassador", "name": "王大使", "name_en": "Ambassador Wang", "organisation": "A"}
        assert c.post(url, {**form, "version": 1}).status_code == 302
        stale = c.post(url, {**form, "organisation": "B", "version": 1})
        assert "Someone else changed this referrer meanwhile" in stale.content.decode()
        assert Referrer.objects.get(pk=ambassador.pk).organisation == "A"

    def test_a_deactivated_referrer_keeps_its_page_but_new_leads_cannot_name_it(
        self, client, personas, ambassador, reference_data, make_lead
    ):
        earlier = make_lead(source=LeadSource.AMBASSADOR, referrer=ambassador)
        c = as_user(client, personas.admin)
        url = reverse("leads:referrer_set_active", args=[ambassador.pk])
        assert c.post(url, {"active": "False", "version": 1}).status_code == 302
        stored = Referrer.objects.get(pk=ambassador.pk)
        assert not stored.active and stored.version == 2
        assert AuditEntry.objects.filter(object_id=str(ambassador.pk), message="deactivated").exists()
        page = c.get(reverse("leads:referrer_detail", args=[ambassador.pk])).content.decode()
        assert 'id="referrer-inactive"' in page and earlier.reference in page
        officer = as_user(client, personas.officer_north)
        new = officer.get(reverse("leads:lead_new")).content.decode()
        assert "Ambassador Wang" not in new
        with pytest.raises(services.ValidationError, match="deactivated"):
            make_lead(source=LeadSource.AMBASSADOR, referrer=stored)

    @pytest.mark.parametrize("who", ["officer_north", "unit_power", "supervisor", "leader"])
    def test_others_read_the_registry_and_change_nothing(self, client, personas, ambassador, who):
        c = as_user(client, getattr(personas, who))
        detail = c.get(reverse("leads:referrer_detail", args=[ambassador.pk]))
        assert detail.status_code == 200
        assert reverse("leads:referrer_edit", args=[ambassador.pk]) not in detail.content.decode()
        assert reverse("leads:referrer_create") not in c.get(reverse("leads:referrer_list")).content.decode()
        assert c.get(reverse("leads:referrer_create")).status_code == 403
        assert c.post(reverse("leads:referrer_create"), REFERRER_FORM).status_code == 403
        edit = reverse("leads:referrer_edit", args=[ambassador.pk])
        assert c.post(edit, {**REFERRER_FORM, "version": 1}).status_code == 403
        active = reverse("leads:referrer_set_active", args=[ambassador.pk])
        assert c.post(active, {"active": "False", "version": 1}).status_code == 403
        stored = Referrer.objects.get(pk=ambassador.pk)
        assert (stored.version, stored.active, stored.name) == (1, True, "王大使")
        with pytest.raises(services.PermissionDenied):
            services_registry.referrer_set_active(referrer=stored, active=False, by=getattr(personas, who))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_bureau_pages_answer_in_both_languages(client, personas, large_class, ambassador, language):
    c = as_user(client, personas.admin, language)
    for name, args in [
        ("leads:lead_class_list", []),
        ("leads:lead_class_create", []),
        ("leads:lead_class_edit", [large_class.pk]),
        ("leads:referrer_create", []),
        ("leads:referrer_edit", [ambassador.pk]),
        ("leads:referrer_detail", [ambassador.pk]),
    ]:
        page = c.get(reverse(name, args=args))
        assert page.status_code == 200, name
        if language == "zh-hans":
            body = page.content.decode()
            assert "响应时限" in body and "Response deadlines" not in body, name
            assert "编辑" in body or "新建" in body or "停用" in body, name
