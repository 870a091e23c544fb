"""Failed sign-ins are throttled (django-axes): by account and by address, with a cool-off.

A lock that lifts by itself after the cool-off, rather than a permanent one, keeps an attacker
from locking the desk's own people out for good by guessing at their accounts; a desk admin can
lift it at once (Access attempts in the admin, or `manage.py axes_reset`).
"""

from django.conf import settings
from django.contrib.admin import site
from django.shortcuts import render


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
