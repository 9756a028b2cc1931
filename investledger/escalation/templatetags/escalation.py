"""Template helpers of the issue register: level and colour badges, the unread count."""

from django import template

from investledger.escalation.choices import Level, NoticeColour
from investledger.escalation.models import Notification

register = template.Library()

LEVEL_CLASS = {
    Level.UNIT: "level-unit",
    Level.DISTRICT: "level-district",
    Level.BUREAU: "level-bureau",
    Level.LEADER: "level-leader",
}
COLOUR_CLASS = {NoticeColour.BLUE: "notice-blue", NoticeColour.YELLOW: "notice-yellow", NoticeColour.RED: "notice-red"}


@register.filter
def level_class(level) -> str:
    return LEVEL_CLASS.get(level, "level-unit")


@register.filter
def colour_class(colour) -> str:
    return COLOUR_CLASS.get(colour, "notice-blue")


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return Notification.objects.visible_to(request.user).unread().count()
