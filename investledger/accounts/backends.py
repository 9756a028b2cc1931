"""Model permissions for the Django admin come from the role, not from per-user permission rows.

A city-wide bureau administrator (the admin role without an area) may use every admin page; an
administrator limited to an area may not (the admin site is not scoped by area). Everyone else
is refused. Django's own superuser flag keeps working for the installation's first account.
"""

from django.contrib.auth.backends import BaseBackend

from investledger.core import access


def is_city_admin(user) -> bool:
    return bool(user and user.is_active and access.is_city_wide(user, access.Action.MANAGE))


class RolePermissionBackend(BaseBackend):
    def has_perm(self, user_obj, perm, obj=None):
        return is_city_admin(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return is_city_admin(user_obj)
