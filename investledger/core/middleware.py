"""Per-request context: a request id and the audit source (web, api or admin) for every change."""

from django.conf import settings

from investledger.core.audit import audit_context, new_request_id


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID", "")[:32] or new_request_id()
        path = request.path_info
        channel = "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "web"
        # The user is resolved lazily; DRF token users are attached later, so the audit actor is
        # looked up at write time from `request.user` through this callable wrapper.
        with audit_context(actor=_LazyActor(request), source=f"{channel}:{request.request_id}"):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class _LazyActor:
    """Resolves to the request's user when an audit entry is written (after DRF authentication)."""

    def __init__(self, request):
        self._request = request

    def _user(self):
        drf_user = getattr(self._request, "_drf_user", None)
        user = drf_user or getattr(self._request, "user", None)
        return user if user is not None and user.is_authenticated else None

    @property
    def pk(self):
        user = self._user()
        return user.pk if user else None

    def get_username(self):
        user = self._user()
        return user.get_username() if user else "anonymous"

    def resolve(self):
        return self._user()

    def __str__(self):
        return self.get_username()


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` proxies the address the
    outermost trusted proxy saw, read from X-Forwarded-For counted from the right. Entries further
    left were sent by the client and are never believed. Used by the log-in lock-out."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
