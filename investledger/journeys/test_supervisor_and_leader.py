"""The supervisor verifies a milestone's evidence and issues a notice; the leader reads the dashboard."""

import pytest

from investledger.escalation.models import Notice
from investledger.journeys.walk import Walk
from investledger.supervision.models import EvidenceStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_supervisor_verifies_evidence_and_issues_a_notice(page, live_server, city, language):
    walk = Walk(page, live_server, language, "supervisor")
    walk.sign_in("supervisor")

    # From the ledger to the project, then to its milestones, where the photo awaits verification.
    walk.nav("Ledger", "项目台账")
    page.get_by_role("link", name="储能电池工厂").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name=walk.say("Milestones and progress", "节点与进度")).click()
    page.wait_for_load_state()
    walk.shot("milestones")
    page.get_by_text(walk.say("Verify the evidence", "核验佐证")).first.click()
    form = page.locator("form[action$='/verify/']").first
    form.locator("select[name$=decision]").select_option("accept")
    form.locator("textarea[name$=comment]").fill(
        walk.say("Licence checked against the register.", "已对照登记系统核对执照。")
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    walk.shot("verified")
    city["first_milestone"].refresh_from_db()
    assert city["first_milestone"].evidence_status == EvidenceStatus.VERIFIED
    assert page.locator(f"#milestone-{city['first_milestone'].pk}").get_by_text(walk.say("Verified", "已核验")).count()

    # A yellow notice to North District about the plant, from the notices tab.
    walk.nav("Issues", "问题诉求")
    page.get_by_role("link", name=walk.say("Supervision notices", "督办单")).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=walk.say("Issue a notice", "下发督办单")).click()
    page.wait_for_load_state()
    page.select_option("#id_colour", "yellow")
    page.fill("#id_subject", walk.say("Land approval is late", "供地审批滞后"))
    page.fill("#id_body", walk.say("Report the land approval date by the deadline.", "请于期限前报告供地审批日期。"))
    page.select_option(
        "#id_project", label=page.locator("#id_project option", has_text="储能电池工厂").first.inner_text()
    )
    page.locator("#id_deadline").fill("2099-01-31")
    page.get_by_role("button", name=walk.say("Issue notice", "下发")).click()
    page.wait_for_load_state()
    walk.shot("notice")
    notice = Notice.objects.get()
    assert notice.area == city["plant"].host_area
    assert notice.reference in page.content()


def test_the_leader_reads_the_dashboard_and_changes_nothing(page, live_server, city, language):
    walk = Walk(page, live_server, language, "leader")
    walk.sign_in("leader")
    walk.nav("Dashboard", "数据看板")
    page.wait_for_selector("#kpi-heading")
    walk.shot("dashboard")
    body = page.locator("main").inner_text()
    assert "3" in page.locator("section[aria-labelledby=kpi-heading]").inner_text()
    assert walk.say("Signed value", "签约额") in body
    # Charts are drawn (ECharts renders into a canvas) and each has its table for those who read.
    assert page.locator("main canvas").count() >= 1
    # A leader changes nothing: no button to create or import anywhere on the way.
    walk.nav("Ledger", "项目台账")
    assert page.get_by_role("link", name=walk.say("New project", "新建项目")).count() == 0
    assert page.locator("nav.navbar").get_by_role("link", name=walk.say("Import", "导入"), exact=True).count() == 0
    walk.shot("ledger")
