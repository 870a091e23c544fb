"""Failed sign-ins are throttled (django-axes): by account and by address, with a cool-off.

A lock that lifts by itself after the cool-off, rather than a permanent one, keeps an attacker
from locking the desk's own people out for good by guessing at their accounts; a desk admin can
lift it at once (Access attempts in the admin, or `manage.py axes_reset`). The admin's
password change, the desk's other password entry, counts its old password the same way. There is
no token entry: API tokens are made with `manage.py drf_create_token`, and a key is 160 random
bits, which no rate of guessing reaches.
"""

from django.conf import settings
from django.contrib.admin import site
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse


def client_ip(request) -> str | None:
    """The sign-in's address: REMOTE_ADDR, or behind trusted proxies the one they saw.

    Behind a reverse proxy every request comes from the proxy, so throttling REMOTE_ADDR would
    lock everyone out together. Only the entries the desk's own proxies appended to
    X-Forwarded-For are trusted (the rightmost ones); what a client writes there is not.
    """
    proxies = settings.FACTDESK_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The admin's sign-in page again, saying why and for how long, with 429 Too Many Requests."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **site.each_context(request),
        "title": "Sign-in paused",
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "signin_locked.html", context, status=429)


class _PasswordChangeForm(AdminPasswordChangeForm):
    """The admin's own password change, whose old password counts as a sign-in attempt.

    Django checks it with `check_password`, which no throttle sees: someone holding a session
    could guess at the password there without limit. `authenticate` goes through django-axes.
    """

    def __init__(self, *args, request, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        username = self.user.get_username()
        if authenticate(self.request, username=username, password=old) is None:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old


class _PasswordChangeView(auth_views.PasswordChangeView):
    form_class = _PasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}


def password_change(request):
    """The admin's "Change password" page, with the old password throttled like a sign-in."""
    request.current_app = site.name
    return _PasswordChangeView.as_view(
        success_url=reverse("admin:password_change_done"),
        extra_context=site.each_context(request),
    )(request)
