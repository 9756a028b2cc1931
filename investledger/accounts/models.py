"""Users and the roles they hold, each optionally limited to an area or a unit."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.access import Role


class User(AbstractUser):
    """A person who signs in: bureau staff, supervisors, district officers, unit staff, contacts, leaders."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    unit = models.ForeignKey("reference.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """One role a user holds. District officers name their area; responsible units name their unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        "reference.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Limits the role to this area and its sub-areas."),
    )
    unit = models.ForeignKey("reference.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area", "unit"], name="role_assignment_unique"),
            models.CheckConstraint(
                condition=~models.Q(role=Role.DISTRICT_OFFICER) | models.Q(area__isnull=False),
                name="district_officer_needs_area",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.RESPONSIBLE_UNIT) | models.Q(unit__isnull=False),
                name="responsible_unit_needs_unit",
            ),
        ]

    def __str__(self) -> str:
        scope = self.area or self.unit
        return f"{self.get_role_display()}" + (f" ({scope})" if scope else "")
