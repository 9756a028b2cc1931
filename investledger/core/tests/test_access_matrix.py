"""Every URL of the product, every persona: the one access rule holds at every door.

The test walks the URL resolver (pages and /api/ routes alike), so endpoints added later are
covered without listing them. For each pattern it derives the expectation from core.access:

- anonymous visitors are sent to log in (pages) or refused (API), except the public allow-list;
- an object outside the reader's scope is not found (404), whatever the method;
- an action the reader may not take on an object they can see is forbidden (403);
- a leader (reads only) and a signed-in user without a role change nothing (403 or 404);
- lists never show objects outside scope; nothing answers 500.

Patterns whose object cannot be guessed (a model it names that has no instance in the test ledger)
are listed in the `unchecked` report printed with -s, and kept few by `test_the_matrix_reaches_*`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from investledger.core import access
from investledger.core.access import Action
from investledger.core.audit import audit_context
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

# Reachable without signing in, on purpose.
PUBLIC = {
    "home",  # redirects to the ledger, which asks to log in
    "set_language",
    "accounts:login",
    "accounts:logout",
    "api-schema",
    "api-docs",
    "reporting:public",
    "reporting:oc4ids_extension",
    "reporting:oc4ids_extension_file",
    # The public catalogue of open opportunities, its interest form and its feed.
    "opportunities:public_catalogue",
    "opportunities:public_detail",
    "opportunities:public_interest",
    "opportunities:public_feed_json",
    "opportunities:public_feed_csv",
}
# A reader's own things (notifications, inbox): every signed-in user may act on them.
PERSONAL = {"notification-read-all", "notification-read", "notification-detail", "escalation:inbox_mark_read"}
# Pages whose URL names say which action they need ("<model>_<suffix>").
SUFFIX_ACTIONS = {
    "edit": Action.CHANGE,
    "update": Action.CHANGE,
    "delete": Action.DELETE,
    "create": Action.CREATE,
    "side_state": Action.CHANGE_STAGE,
    "side-state": Action.CHANGE_STAGE,
}
PK_KWARGS = {"pk", "project_pk", "project_id", "object_id", "id"}
UNSAFE = ("post", "put", "patch", "delete")


@dataclass
class Route:
    name: str
    route: str
    kwargs: list[str]
    callback: object
    is_api: bool

    @property
    def methods(self) -> set[str]:
        actions = getattr(self.callback, "actions", None)
        if actions:
            return set(actions)
        view_class = getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)
        if view_class is not None:
            return {m for m in getattr(view_class, "http_method_names", []) if hasattr(view_class, m)}
        return {"get", "post"}


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            kwargs = list(p.pattern.regex.groupindex)
            yield Route(name or "", prefix + str(p.pattern), kwargs, p.callback, prefix.startswith("api/"))


def all_routes() -> list[Route]:
    routes = []
    for r in _walk(get_resolver().url_patterns):
        if r.route.startswith("admin/") or "format" in r.kwargs or not r.name or r.name == "api-root":
            continue
        routes.append(r)
    return routes


def url_for(route: Route, values: dict) -> str:
    from django.urls import reverse

    return reverse(route.name, kwargs=values) if values else reverse(route.name)


# --- Which model an URL's pk points to ------------------------------------------------------------


def _token(route: Route) -> str:
    base = route.name.split(":")[-1]
    if route.is_api:
        base = re.sub(r"-(list|detail)$", "", base)
        base = base.split("-")[0] if base not in {"progress-report"} else base
        return base.replace("-", "")
    return base.split("_")[0]


# Routes whose <pk> is not an object of the model their name suggests.
ROUTE_MODELS = {"projects:signing_add": ("projects", "project")}


def model_for(route: Route):
    if route.name in ROUTE_MODELS:
        return apps.get_model(*ROUTE_MODELS[route.name])
    if set(route.kwargs) & {"project_pk", "project_id"}:
        return apps.get_model("projects", "project")
    token = _token(route)
    app = route.name.split(":")[0] if ":" in route.name else None
    candidates = [m for m in apps.get_models() if m._meta.model_name == token]
    candidates += [m for m in apps.get_models() if m._meta.model_name.endswith(token) and m not in candidates]
    if route.is_api and not candidates:
        view_class = getattr(route.callback, "cls", None)
        queryset = getattr(view_class, "queryset", None)
        if queryset is not None:
            return queryset.model
    if app:
        local = [m for m in candidates if m._meta.app_label == app]
        candidates = local or candidates
    return candidates[0] if candidates else None


def in_area(model, area):
    kind, path = getattr(model, "access_via", ("reference", None))
    qs = model._base_manager.all()
    if kind == "project":
        lookup = f"{path}__host_area__path__startswith" if path else "host_area__path__startswith"
        return qs.filter(**{lookup: area.path}).order_by("pk").first()
    if kind == "area":
        return qs.filter(**{f"{path}__path__startswith": area.path}).order_by("pk").first()
    return None


def visible(model, user, obj, action=Action.VIEW) -> bool:
    return model.objects.visible_to(user, action).filter(pk=obj.pk).exists()


def exact_action(route: Route) -> bool:
    """Routes of the ledger itself name their action exactly; other apps may map a verb to another
    action (a supervisor creates notices by SUPERVISE): there only read-only readers are held to 403."""
    return _token(route) in {"project", "signing"}


def reads_only(user) -> bool:
    return not any(access.can(user, a) for a in Action.values if a != Action.VIEW)


def api_action(route: Route, method: str) -> str | None:
    """The access action a DRF viewset itself asks for `method` on this route (core.api conventions)."""
    view_class = getattr(route.callback, "cls", None)
    name = (getattr(route.callback, "actions", None) or {}).get(method)
    if view_class is None or name is None:
        return None
    extra = getattr(getattr(view_class, name, None), "kwargs", {}).get("access")
    if extra:
        return extra.get(method.upper(), extra.get("*", Action.VIEW)) if isinstance(extra, dict) else extra
    mapped = getattr(view_class, "access_actions", {}).get(name, Action.VIEW)
    write = getattr(view_class, "write_access", None)
    return write if write and mapped != Action.VIEW else mapped


def action_of(route: Route) -> str | None:
    base = route.name.split(":")[-1]
    for suffix, act in SUFFIX_ACTIONS.items():
        if base.endswith(suffix) or base.endswith(suffix.replace("_", "-")):
            return act
    if route.name.endswith(":signing_add"):
        return Action.CHANGE
    return None


# --- The test ledger ------------------------------------------------------------------------------


@dataclass
class Matrix:
    personas: dict
    objects: dict = field(default_factory=dict)  # model -> {"north": obj, "south": obj}
    projects: tuple = ()
    failures: list = field(default_factory=list)
    unchecked: list = field(default_factory=list)
    checked: int = 0

    def expect(self, ok: bool, route: Route, who: str, what: str, status: int, wanted: str):
        self.checked += 1
        if not ok:
            self.failures.append(f"{route.name} [{route.route}] {who} {what}: got {status}, expected {wanted}")


@pytest.fixture(autouse=True)
def quiet_request_log():
    """Thousands of expected 403/404/405 answers: keep their log lines out of the report."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.fixture
def ledger(reference_data, personas):
    ref = reference_data
    with audit_context(source="test"):
        north = make_project(name="Northern battery plant", area=ref.north, sector=ref.ev, event=ref.event)
        south = make_project(name="Southern cold chain", area=ref.south, sector=ref.food, event=ref.event)
    _give_the_projects_their_supervision_records(north, south)
    return Matrix(personas=personas.all(), objects={}, projects=(north, south)), north, south


def _give_the_projects_their_supervision_records(*projects):
    """Milestones, reports, issues... are created by their apps' own services when those exist."""
    try:
        from investledger.supervision import services as supervision
    except ImportError:
        return
    plan = getattr(supervision, "milestones_plan", None) or getattr(supervision, "milestone_plan_create", None)
    if plan is None:
        return
    with audit_context(source="test"):
        for project in projects:
            try:
                plan(project=project)
            except TypeError:
                return


def _client(user, api=False):
    client = APIClient() if api else Client()
    if user is not None:
        client.force_login(user)
    return client


def _ids(payload) -> set:
    rows = payload.get("results", payload) if isinstance(payload, dict) else payload
    if not isinstance(rows, list):
        return set()
    return {row.get("id") for row in rows if isinstance(row, dict)}


def _objects_for(matrix: Matrix, model, ref):
    if model not in matrix.objects:
        objs = {"north": in_area(model, ref.north), "south": in_area(model, ref.south)}
        if not any(objs.values()):
            objs = _reference_objects(model, matrix.projects)
        matrix.objects[model] = objs
    return matrix.objects[model]


def _reference_objects(model, projects):
    """Reference records reached from the North and the South project (their investor, sector...)."""
    project_model = apps.get_model("projects", "project")
    for f in project_model._meta.concrete_fields:
        if f.is_relation and f.related_model is model:
            north, south = (getattr(p, f.name) for p in projects)
            if north is not None:
                return {"north": north, "south": south if south != north else None}
    first = model._base_manager.order_by("pk").first()
    return {"north": first, "south": None}


def _values_for(route: Route, obj) -> dict | None:
    values = {}
    for k in route.kwargs:
        if k in PK_KWARGS:
            values[k] = obj.pk
        else:
            return None
    return values


# --- Checks --------------------------------------------------------------------------------------


def check_anonymous(matrix: Matrix, route: Route, values: dict):
    if route.name in PUBLIC:
        return
    url = url_for(route, values)
    response = _client(None, api=route.is_api).get(url)
    if route.is_api:
        matrix.expect(response.status_code in (401, 403), route, "anonymous", "GET", response.status_code, "401/403")
    else:
        ok = response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
        ok = ok or (response.status_code == 405 and "get" not in route.methods)
        matrix.expect(ok, route, "anonymous", "GET", response.status_code, "redirect to log in")


def check_object_route(matrix: Matrix, route: Route, model, objs, ref):
    act = action_of(route)
    # An API read that asks for more than VIEW (an area's move preview needs MANAGE).
    read_act = api_action(route, "get") if route.is_api and act is None else None
    read_act = read_act if read_act and read_act != Action.VIEW else None
    for where, obj in objs.items():
        if obj is None:
            continue
        values = _values_for(route, obj)
        url = url_for(route, values)
        if where == "north":
            check_anonymous(matrix, route, values)
        for who, user in matrix.personas.items():
            sees = visible(model, user, obj)
            client = _client(user, api=route.is_api)
            response = client.get(url)
            status = response.status_code
            label = f"{who} on the {where} {model._meta.model_name}"
            matrix.expect(status < 500, route, label, "GET", status, "no server error")
            if status == 405:
                response = client.post(url, {})
                status = response.status_code
                matrix.expect(status < 500, route, label, "POST", status, "no server error")
                if not sees:
                    wanted = {404} if access.can(user, act or Action.VIEW) else {403, 404}
                    matrix.expect(status in wanted, route, label, "POST", status, "404 (outside scope)")
                elif act and exact_action(route) and not (access.can(user, act) and visible(model, user, obj, act)):
                    matrix.expect(status == 403, route, label, "POST", status, "403 (forbidden action)")
                continue
            if "get" not in route.methods and route.is_api:
                # A write-only API action: DRF checks the action before the method, so a reader
                # without the action anywhere gets 403; with it, the object must not be found.
                needed = api_action(route, "post") or act or Action.CHANGE
                if not sees and access.can(user, needed) and visible(model, user, obj, Action.VIEW) is False:
                    matrix.expect(status in (404, 405), route, label, "GET", status, "404/405 (outside scope)")
                r = client.post(url, {}, format="json")
                matrix.expect(r.status_code < 500, route, label, "POST", r.status_code, "no server error")
                if not sees:
                    wanted = {404} if access.can(user, needed) else {403, 404}
                    matrix.expect(r.status_code in wanted, route, label, "POST", r.status_code, "404 (outside scope)")
                elif reads_only(user):
                    matrix.expect(r.status_code == 403, route, label, "POST", r.status_code, "403 (reads only)")
                continue
            if not sees:
                if route.name in PERSONAL:
                    continue
                # A 403 leaks nothing when the reader holds the action on nothing at all (any id
                # answers the same); otherwise an object outside scope must not be found.
                wanted = {404} if access.can(user, Action.VIEW) else {403, 404}
                matrix.expect(status in wanted, route, label, "GET", status, "404 (outside scope)")
                if route.is_api:
                    for method in set(UNSAFE) & route.methods:
                        needed = api_action(route, method) or {
                            "delete": Action.DELETE,
                            "post": act or Action.CHANGE,
                        }.get(method, Action.CHANGE)
                        wanted = {404} if access.can(user, needed) else {403, 404}
                        r = getattr(client, method)(url, {}, format="json")
                        matrix.expect(r.status_code in wanted, route, label, method.upper(), r.status_code, "404")
                continue
            if act and exact_action(route):
                allowed = access.can(user, act) and visible(model, user, obj, act)
                wanted = "a page" if allowed else "403 (forbidden action)"
                matrix.expect((status < 400) if allowed else status == 403, route, label, "GET", status, wanted)
            elif act and reads_only(user):
                matrix.expect(status == 403, route, label, "GET", status, "403 (reads only)")
            elif read_act:
                allowed = access.can(user, read_act) and visible(model, user, obj, read_act)
                wanted = "readable" if allowed else "403 (forbidden action)"
                matrix.expect((status < 400) if allowed else status == 403, route, label, "GET", status, wanted)
            elif not act:
                matrix.expect(status not in (403, 404), route, label, "GET", status, "readable (in scope)")
            if route.is_api and who in ("leader", "supervisor") and route.name not in PERSONAL:
                for method in {"patch", "put", "delete"} & route.methods:
                    needed = api_action(route, method) or {"delete": Action.DELETE}.get(method, Action.CHANGE)
                    if access.can(user, needed):
                        continue
                    r = getattr(client, method)(url, {}, format="json")
                    matrix.expect(r.status_code == 403, route, label, method.upper(), r.status_code, "403")


def check_plain_route(matrix: Matrix, route: Route, model, objs):
    check_anonymous(matrix, route, {})
    act = action_of(route)
    names = {o.pk: str(o) for o in objs.values() if o is not None}
    for who, user in matrix.personas.items():
        client = _client(user, api=route.is_api)
        response = client.get(url_for(route, {}))
        status = response.status_code
        matrix.expect(status < 500, route, who, "GET", status, "no server error")
        if act == Action.CREATE and reads_only(user):
            matrix.expect(status == 403, route, who, "GET", status, "403 (may not create)")
            continue
        if status != 200 or model is None or not hasattr(model.objects, "visible_to"):
            continue
        for pk, name in names.items():
            obj = model._base_manager.get(pk=pk)
            if visible(model, user, obj):
                continue
            if route.is_api and "json" in response.get("Content-Type", ""):
                matrix.expect(pk not in _ids(response.json()), route, who, f"list shows #{pk}", status, "hidden")
            elif not route.is_api and "html" in response.get("Content-Type", ""):
                leaked = name in response.content.decode()
                matrix.expect(not leaked, route, who, f"list shows {name!r}", status, "hidden")
        if route.is_api and "post" in route.methods and who in ("leader", "stranger"):
            if route.name in PERSONAL:
                continue
            # An empty body: 403, or 400 where the viewset validates before it checks the action
            # (then the action is checked on the validated object); never a created record.
            r = client.post(url_for(route, {}), {}, format="json")
            matrix.expect(r.status_code in (400, 403), route, who, "POST", r.status_code, "403 (changes nothing)")


def run_matrix(matrix: Matrix, routes, ref):
    for route in routes:
        model = model_for(route)
        scoped = model is not None and hasattr(getattr(model, "objects", None), "visible_to")
        objs = _objects_for(matrix, model, ref) if scoped else {}
        if not route.kwargs:
            check_plain_route(matrix, route, model, objs)
            continue
        if not set(route.kwargs) <= PK_KWARGS:
            matrix.unchecked.append(f"{route.name} [{route.route}]: takes {route.kwargs}")
            continue
        if not objs or not any(objs.values()):
            matrix.unchecked.append(f"{route.name} [{route.route}]: no {getattr(model, '__name__', '?')} in scope")
            continue
        check_object_route(matrix, route, model, objs, ref)


def _report(matrix):
    if matrix.unchecked:
        print("\nunchecked:\n  " + "\n  ".join(matrix.unchecked))
    assert not matrix.failures, f"{len(matrix.failures)} access failures:\n" + "\n".join(matrix.failures)


def test_every_page_keeps_the_access_rule(ledger, reference_data):
    matrix, _north, _south = ledger
    routes = [r for r in all_routes() if not r.is_api and not r.name.startswith("accounts:user")]
    run_matrix(matrix, routes, reference_data)
    _report(matrix)
    assert matrix.checked > 100


def test_every_api_route_keeps_the_access_rule(ledger, reference_data):
    matrix, _north, _south = ledger
    run_matrix(matrix, [r for r in all_routes() if r.is_api], reference_data)
    _report(matrix)
    assert matrix.checked > 100


def test_the_matrix_reaches_the_ledger_itself():
    names = {r.name for r in all_routes()}
    covered = {"projects:project_detail", "projects:project_edit", "project-detail", "core:project_history"}
    assert covered <= names
    project = apps.get_model("projects", "project")
    for route in all_routes():
        if route.name in covered:
            assert model_for(route) is project, route.name
