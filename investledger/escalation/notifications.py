"""Sending notifications: who hears about what, the inbox rows, urgent e-mails and the daily digest.

A notification is written once per (recipient, dedupe key): callers name the event they announce,
so a scan or a command that runs twice announces nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from investledger.core import access, clock
from investledger.core.access import Role
from investledger.escalation.choices import Level, NoticeStatus, NotificationKind
from investledger.escalation.models import DigestSent, EscalationStep, Issue, Notice, Notification
from investledger.escalation.workdays import WorkCalendar

log = logging.getLogger(__name__)

# These are worth an e-mail at once; everything else waits for the daily digest.
EMAIL_AT_ONCE = {NotificationKind.ISSUE_ESCALATED, NotificationKind.NOTICE_ISSUED}


# --- Who ---------------------------------------------------------------------------------------


def _area_ids_up(area) -> list[int]:
    """The area and every area it is part of (a district officer of any of them is concerned)."""
    return [int(x) for x in area.path.strip("/").split("/") if x]


def users_with_role(role: str, *, area=None, unit=None):
    """Active users holding `role` whose scope covers `area` (assignments without an area cover all)."""
    User = get_user_model()
    q = Q(role_assignments__role=role)
    if area is not None:
        q &= Q(role_assignments__area__isnull=True) | Q(role_assignments__area_id__in=_area_ids_up(area))
        if role == Role.DISTRICT_OFFICER:
            q &= Q(role_assignments__area__isnull=False)
    if unit is not None:
        q &= Q(role_assignments__unit=unit)
    return User.objects.filter(q, is_active=True).distinct()


def unit_users(unit):
    return users_with_role(Role.RESPONSIBLE_UNIT, unit=unit)


def district_officers(area):
    return users_with_role(Role.DISTRICT_OFFICER, area=area)


def holders_of_level(issue: Issue, level: int):
    """Who must act on an issue at a level: the unit, the district, the bureau or the city leaders."""
    area = issue.project.host_area
    if level == Level.UNIT:
        return unit_users(issue.responsible_unit)
    if level == Level.DISTRICT:
        return district_officers(area)
    if level == Level.BUREAU:
        return users_with_role(Role.ADMIN, area=area)
    return users_with_role(Role.LEADER, area=area)


def attention_q(user) -> Q:
    """Issues a user must act on or watch: their unit's, their district's once escalated to it,
    the bureau's and the leaders' once escalated that far, and the issues they raised."""
    q = Q(raised_by=user)
    if getattr(user, "is_superuser", False):
        q |= Q(level__gte=Level.BUREAU)
    for a in access.assignments(user):
        area_q = Q(project__host_area__path__startswith=a.area.path) if a.area_id else Q()
        if a.role == Role.RESPONSIBLE_UNIT and a.unit_id:
            q |= Q(responsible_unit_id=a.unit_id)
        elif a.role == Role.DISTRICT_OFFICER and a.area_id:
            q |= Q(level__gte=Level.DISTRICT) & area_q
        elif a.role == Role.ADMIN:
            q |= Q(level__gte=Level.BUREAU) & area_q
        elif a.role == Role.LEADER:
            q |= Q(level__gte=Level.LEADER) & area_q
    return q


# --- Writing notifications ----------------------------------------------------------------------


def notify(recipients, *, kind: str, key: str, subject: str, body: str = "", link: str = "") -> list[Notification]:
    """Write one notification per recipient unless they already had this one (same `key`).

    Runs inside the caller's transaction; urgent kinds are e-mailed once it commits.
    """
    recipients = list({u.pk: u for u in recipients}.values())
    if not recipients:
        return []
    already = set(
        Notification.objects.filter(recipient__in=recipients, dedupe_key=key).values_list("recipient_id", flat=True)
    )
    now = clock.now()
    created = []
    for user in recipients:
        if user.pk in already:
            continue
        try:
            with transaction.atomic():  # a savepoint: a concurrent twin only loses this one row
                created.append(
                    Notification.objects.create(
                        recipient=user,
                        kind=kind,
                        dedupe_key=key[:120],
                        subject=subject[:200],
                        body=body,
                        link=link[:300],
                        created_at=now,
                    )
                )
        except IntegrityError:
            continue
    if created and kind in EMAIL_AT_ONCE:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: email_now(ids))
    return created


def email_now(notification_ids: list[int]) -> int:
    """E-mail the given notifications one by one (after the transaction that wrote them)."""
    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("recipient")
    with get_connection(fail_silently=False) as connection:
        for n in pending:
            if not n.recipient.email:
                continue
            message = EmailMessage(
                subject=f"[investledger] {n.subject}",
                body=f"{n.body}\n\n{absolute(n.link)}".strip(),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[n.recipient.email],
                connection=connection,
            )
            try:
                message.send()
            except Exception:  # the inbox still has it, and the digest will carry it
                log.exception("could not e-mail notification %s", n.pk)
                continue
            Notification.objects.filter(pk=n.pk).update(emailed_at=clock.now())
            sent += 1
    return sent


def absolute(link: str) -> str:
    base = settings.INVESTLEDGER_BASE_URL.rstrip("/")
    return f"{base}{link}" if link else ""


def mark_read(user, ids: list[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.visible_to(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=clock.now())


# --- Daily digest -------------------------------------------------------------------------------


@dataclass
class DigestSection:
    """A part of the digest a higher app adds (its title, then one line per item)."""

    title: str
    lines: list[str]


# Sections higher apps add to the digest, registered from their AppConfig.ready() so that escalation
# imports none of them (leads: the overdue leads). Each is called with (user, as_of, calendar) and
# answers a DigestSection, or None when it has nothing for that user.
DIGEST_SECTIONS: list = []


@dataclass
class Digest:
    user: object
    due: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    escalated: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    unread: list = field(default_factory=list)
    sections: list[DigestSection] = field(default_factory=list)

    @property
    def size(self) -> int:
        return (
            len(self.due)
            + len(self.overdue)
            + len(self.escalated)
            + len(self.notices)
            + len(self.unread)
            + sum(len(section.lines) for section in self.sections)
        )


def build_digest(user, as_of: dt.date, calendar: WorkCalendar | None = None) -> Digest:
    """What is due, overdue and escalated for a user on `as_of`, within what they may see."""
    calendar = calendar or WorkCalendar.load()
    horizon = calendar.next_working_day(as_of)
    since = as_of - dt.timedelta(days=1)
    mine = Issue.objects.visible_to(user).filter(attention_q(user)).open().select_related("project", "responsible_unit")
    digest = Digest(user=user)
    for issue in mine.order_by("resolve_by", "pk"):
        nxt = issue.next_deadline
        if nxt is None:
            continue
        if nxt < as_of:
            digest.overdue.append(issue)
        elif nxt <= horizon:
            digest.due.append(issue)
    digest.escalated = list(
        EscalationStep.objects.visible_to(user)
        .filter(issue__in=Issue.objects.visible_to(user).filter(attention_q(user)), escalated_on__gt=since)
        .filter(escalated_on__lte=as_of)
        .select_related("issue")
    )
    to_acknowledge = Notice.objects.none()
    if access.has_role(user, Role.DISTRICT_OFFICER):
        to_acknowledge = Notice.objects.visible_to(user, access.Action.RESPOND).filter(
            status=NoticeStatus.ISSUED, deadline__lte=horizon
        )
    issued_late = Notice.objects.filter(issued_by=user, status=NoticeStatus.ISSUED, deadline__lt=as_of)
    digest.notices = list((to_acknowledge | issued_late).distinct().order_by("deadline", "pk"))
    digest.unread = list(Notification.objects.visible_to(user).unread().filter(emailed_at__isnull=True)[:50])
    for section_of in DIGEST_SECTIONS:
        section = section_of(user, as_of, calendar)
        if section is not None and section.lines:
            digest.sections.append(section)
    return digest


def send_digests(as_of: dt.date | None = None) -> dict[str, int]:
    """Send each user with something to read one e-mail for `as_of`; a second run that day sends none."""
    as_of = as_of or clock.today()
    calendar = WorkCalendar.load()
    User = get_user_model()
    counts = {"sent": 0, "skipped_already_sent": 0, "nothing_to_say": 0, "failed": 0}
    done = set(DigestSent.objects.filter(day=as_of).values_list("recipient_id", flat=True))
    users = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    for user in users:
        if user.pk in done:
            counts["skipped_already_sent"] += 1
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            digest = build_digest(user, as_of, calendar)
            if not digest.size:
                counts["nothing_to_say"] += 1
                continue
            subject = _("Your investledger digest for %(day)s: %(count)s items") % {
                "day": as_of.isoformat(),
                "count": digest.size,
            }
            body = render_to_string(
                "escalation/email/digest.txt",
                {
                    "digest": digest,
                    "as_of": as_of,
                    "base_url": absolute("/"),
                    "inbox": absolute(reverse("escalation:inbox")),
                },
            )
        try:
            with transaction.atomic():
                # Claim the day first: a second run (or a concurrent one) finds the row and skips.
                DigestSent.objects.create(recipient=user, day=as_of, sent_at=clock.now(), items=digest.size)
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
                Notification.objects.filter(pk__in=[n.pk for n in digest.unread]).update(emailed_at=clock.now())
        except IntegrityError:
            counts["skipped_already_sent"] += 1
            continue
        except Exception:
            log.exception("could not send the digest of %s", user.pk)
            counts["failed"] += 1
            continue
        counts["sent"] += 1
    return counts
