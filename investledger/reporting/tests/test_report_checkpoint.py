"""The monthly report prints a signed checkpoint of the audit trail, which verifies as it is copied out."""

import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from investledger.core.models import AuditEntry
from investledger.reporting.tests.test_reports import get, workbook_text

pytestmark = pytest.mark.django_db


def verify_with(path):
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", "--checkpoint", str(path), stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue()
    return 0, out.getvalue()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_the_checkpoint_copied_out_of_the_monthly_pdf_verifies(client, ledger, personas, today, tmp_path):
    response = get(
        client, personas.admin, reverse("reporting:monthly_report"), period="2024-05", format="pdf", lang="en"
    )
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = tmp_path / "report.txt"
    subprocess.run(["pdftotext", str(pdf), str(text)], check=True, timeout=60)
    assert "Audit trail checkpoint" in text.read_text()
    code, output = verify_with(text)
    assert code == 0, output
    assert f"({AuditEntry.objects.count()} entries up to #" in output


def test_the_workbook_and_the_page_print_the_checkpoint_in_the_language_asked(client, ledger, personas, today):
    last = AuditEntry.objects.order_by("-id").first()
    url = reverse("reporting:monthly_report")
    workbook = workbook_text(get(client, personas.admin, url, period="2024-05", format="xlsx", lang="zh-hans").content)
    assert "审计记录检查点" in workbook
    assert f"last=#{last.pk} hash={last.hash}" in workbook
    page = get(client, personas.admin, url, period="2024-05").content.decode()
    assert "Audit trail checkpoint" in page and f"hash={last.hash}" in page
