from django.utils.functional import lazy

from investledger.core import access


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_roles": sorted(access.roles_of(user)),
        "user_is_admin": access.can(user, access.Action.MANAGE),
        "user_can_import": access.can_import(user),
        "user_city_wide": access.is_city_wide(user),
        # A lazy string: pages that show no scope note never compute it.
        "scope_description": lazy(access.scope_description, str)(user),
    }
