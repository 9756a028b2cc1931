"""Write the monthly supervision report (通报) to a file, as a given user would download it.

    investledger monthly_report --period 2024-05 --user supervisor --lang zh-hans --format pdf -o report.pdf

The report is computed as of the month's last day, so running it again later gives the same figures.
"""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from investledger.core import access
from investledger.reporting import reports


class Command(BaseCommand):
    help = "Write the monthly supervision report as PDF or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="month, YYYY-MM")
        parser.add_argument("--user", required=True, help="whose scope the report covers (username)")
        parser.add_argument("--lang", default="zh-hans", choices=["en", "zh-hans"])
        parser.add_argument("--format", default="pdf", choices=["pdf", "xlsx"])
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, **options):
        try:
            period = dt.date.fromisoformat(f"{options['period']}-01")
        except ValueError:
            raise CommandError("--period: give a month as YYYY-MM") from None
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"--user: no user named {options['user']!r}")
        if not access.can(user, access.Action.VIEW):
            raise CommandError(f"--user: {user} holds no role that may read reports")
        lang = options["lang"]
        with translation.override(lang):
            report = reports.monthly_report(user, period)
            render = reports.render_pdf if options["format"] == "pdf" else reports.render_xlsx
            data = render(report, lang)
        Path(options["output"]).write_bytes(data)
        self.stdout.write(f"wrote {options['output']} ({len(data):,} bytes, as of {report.as_of})")
