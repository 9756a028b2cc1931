"""User and role management for bureau administrators: list, create, edit roles, deactivate, revoke tokens.

Only administrators with a city-wide assignment manage users (an administrator limited to an area
could otherwise grant themselves the whole city). Others get 403. Every change goes through
`accounts.services`, so it is validated and audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from investledger.accounts import services
from investledger.accounts.forms import NewUserForm, RoleFormSet, UserForm, roles_from
from investledger.accounts.models import RoleAssignment, User
from investledger.core import access
from investledger.core.views import page_size_from, paginate, submit


def _require_manager(user) -> None:
    if not access.is_city_wide(user, access.Action.MANAGE):
        raise PermissionDenied


def _initial_roles(user: User) -> list[dict]:
    return [{"role": a.role, "area": a.area, "unit": a.unit} for a in user.role_assignments.all()]


@login_required
def user_list(request):
    _require_manager(request.user)
    users = User.objects.prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("area", "unit"))
    ).order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(email__icontains=q) | Q(last_name__icontains=q)
        )
    state = request.GET.get("state", "active")
    if state == "active":
        users = users.filter(is_active=True)
    elif state == "inactive":
        users = users.filter(is_active=False)
    with_token = set(Token.objects.values_list("user_id", flat=True))
    page = paginate(request, users, page_size_from(request))
    return render(
        request,
        "accounts/user_list.html",
        {"page_obj": page, "users": page.object_list, "q": q, "state": state, "with_token": with_token},
    )


@login_required
def user_create(request):
    _require_manager(request.user)
    form = NewUserForm(request.POST or None)
    formset = RoleFormSet(request.POST or None, prefix="roles")
    if request.method == "POST" and formset.is_valid():
        done = submit(
            request,
            form,
            lambda data: services.user_create(
                fields={k: v for k, v in data.items() if k not in ("password1", "password2")},
                password=data["password1"],
                roles=roles_from(formset),
            ),
            success=lambda user: _("User %(name)s created.") % {"name": user.username},
            rename={"password": "password1"},  # the roles' refusals name no field of the form: above it
            then=lambda user: reverse("accounts:user_edit", args=[user.pk]),
        )
        if done:
            return done
    return render(request, "accounts/user_form.html", {"form": form, "formset": formset, "creating": True})


@login_required
def user_edit(request, pk: int):
    _require_manager(request.user)
    target = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, instance=User.objects.get(pk=pk))
    formset = RoleFormSet(request.POST or None, prefix="roles", initial=_initial_roles(target))
    if request.method == "POST" and formset.is_valid():

        def update(data):
            roles = roles_from(formset)
            if (
                target.pk == request.user.pk
                and not any(r["role"] == access.Role.ADMIN and r["area"] is None for r in roles)
                and not target.is_superuser
            ):
                raise ValidationError(_("You cannot remove your own city-wide administrator role."))
            return services.user_update(user=target, fields=data, roles=roles)

        done = submit(
            request,
            form,
            update,
            success=_("Changes to %(name)s saved.") % {"name": target.username},
            then=reverse("accounts:user_edit", args=[target.pk]),
        )
        if done:
            return done
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "formset": formset,
            "target": target,
            "creating": False,
            "has_token": Token.objects.filter(user=target).exists(),
        },
    )


@login_required
@require_POST
def user_set_active(request, pk: int):
    _require_manager(request.user)
    target = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=target, active=active, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if active:
            messages.success(request, _("%(name)s may sign in again.") % {"name": target.username})
        else:
            messages.success(
                request, _("%(name)s can no longer sign in; their API token was revoked.") % {"name": target.username}
            )
    return redirect("accounts:user_edit", pk=target.pk)


@login_required
@require_POST
def user_token_revoke(request, pk: int):
    _require_manager(request.user)
    target = get_object_or_404(User, pk=pk)
    if services.token_revoke(user=target, reason=_("revoked by %(name)s") % {"name": request.user.get_username()}):
        messages.success(request, _("The API token of %(name)s was revoked.") % {"name": target.username})
    else:
        messages.info(request, _("%(name)s had no API token.") % {"name": target.username})
    return redirect("accounts:user_edit", pk=target.pk)
