from investledger.core import access


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_roles": sorted(access.roles_of(user)),
        "user_is_admin": access.can(user, access.Action.MANAGE),
    }
