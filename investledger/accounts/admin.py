from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from investledger.accounts.backends import is_city_admin
from investledger.accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ("area", "unit")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ("username", "display_name", "email", "is_active", "roles")
    fieldsets = BaseUserAdmin.fieldsets + (("investledger", {"fields": ("display_name", "language", "unit")}),)

    @admin.display(description="roles")
    def roles(self, obj):
        return ", ".join(a.get_role_display() for a in obj.role_assignments.all())


def _admin_site_allowed(request) -> bool:
    """The admin site opens to city-wide bureau administrators by role (and to superusers)."""
    user = request.user
    return bool(user.is_active and (user.is_staff or is_city_admin(user)))


admin.site.has_permission = _admin_site_allowed
