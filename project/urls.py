from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from project import signin
from project.api import ApiRootView
from project.health import healthz, readyz
from project.i18n import language_choose
from project.metrics import metrics_view

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    # Browsers ask for it on every page; answer "nothing here" without a logged 404.
    path("favicon.ico", lambda request: HttpResponse(status=204)),
    # Before the admin's own: its old password is throttled like a sign-in (project/signin.py).
    path(
        "admin/password_change/",
        admin.site.admin_view(signin.password_change),
        name="password_change_throttled",
    ),
    path("i18n/language/", language_choose, name="language-choose"),
    # The strings of the desk's own scripts (annotate.js, review.js, progress.js); the catalog
    # changes only with a deploy, so browsers may keep it for an hour (its address names the
    # language, so a switch fetches the new one).
    path(
        "i18n/js/",
        cache_page(3600)(JavaScriptCatalog.as_view(packages=["annotations", "verification"])),
        name="javascript-catalog",
    ),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", ApiRootView.as_view(), name="api-root"),
    path("api/v1/", include("annotations.urls")),
    path("api/v1/", include("verification.urls")),
    path("api/v1/", include("verification.webhooks.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
