"""Webhook admin: desk admins add receivers, read the delivery log, redeliver, send a test.

A receiver's answer is shown as plain text: Django escapes it, nothing here marks it safe.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from annotations.text import shorten
from verification.webhooks import selectors, services
from verification.webhooks.models import (
    SUBSCRIBABLE_EVENTS,
    Delivery,
    DeliveryAttempt,
    EventType,
    Subscription,
)

MANAGE = "webhooks.change_subscription"


class SubscriptionForm(forms.ModelForm):
    target_url = forms.URLField(max_length=2000, assume_scheme="https", label=_("Target URL"))
    events = forms.MultipleChoiceField(
        choices=[(e, format_lazy("{}: {}", e, EventType(e).label)) for e in SUBSCRIBABLE_EVENTS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Subscription
        fields = ("name", "target_url", "events", "payload_format", "is_active")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["events"] = services.subscription_validate(
                target_url=data["target_url"],
                events=data["events"],
                payload_format=data["payload_format"],
            )
        except ValidationError as error:
            for field, reasons in error.message_dict.items():
                self.add_error(field, reasons)
        return data


# The columns of a subscription's recent deliveries table.
_LOG_COLUMNS = (
    _("Time"),
    _("Event"),
    _("Status"),
    _("Latency"),
    _("Error"),
    _("Response"),
    _("Next retry"),
)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("name", "target_url", "payload_format", "is_active", "state", "failures")
    list_filter = ("is_active", "payload_format")
    search_fields = ("name", "target_url")
    actions = ("send_test_event",)
    readonly_fields = ("secret", "disabled_reason", "disabled_at", "recent_deliveries")

    def get_fieldsets(self, request, obj=None):
        main = ("name", "target_url", "events", "payload_format", "is_active")
        if obj is None:
            return [(None, {"fields": main})]
        return [
            (None, {"fields": main}),
            (
                _("Signing"),
                {
                    "fields": ("secret",),
                    "description": _(
                        "Receivers check the webhook-signature header with this secret "
                        "(Standard Webhooks)."
                    ),
                },
            ),
            (_("Health"), {"fields": ("disabled_reason", "disabled_at")}),
            (_("Delivery log"), {"fields": ("recent_deliveries",)}),
        ]

    @admin.display(description=_("State"))
    def state(self, obj: Subscription) -> str:
        if obj.is_active:
            return gettext("failing") if obj.failing_since else gettext("ok")
        if obj.disabled_reason:
            return gettext("off: %(reason)s") % {"reason": shorten(obj.disabled_reason, 80)}
        return gettext("off")

    @admin.display(description=_("Failures in a row"))
    def failures(self, obj: Subscription) -> int:
        return obj.consecutive_failures

    @admin.display(description=_("Last 20 tries"))
    def recent_deliveries(self, obj: Subscription) -> str:
        attempts = list(selectors.delivery_log(subscription=obj)[:20])
        if not attempts:
            return gettext("Nothing sent yet.")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{a.attempted_at:%Y-%m-%d %H:%M:%S}",
                    a.delivery.event.type,
                    a.status_code if a.status_code is not None else "—",
                    f"{a.latency_ms} ms" if a.latency_ms is not None else "—",
                    shorten(a.error, 120) or "",
                    shorten(a.response_excerpt, 160),
                    f"{a.next_retry_at:%Y-%m-%d %H:%M:%S}" if a.next_retry_at else "—",
                )
                for a in attempts
            ),
        )
        log_url = reverse("admin:webhooks_deliveryattempt_changelist")
        head = format_html_join(
            "",
            "<th>{}</th>",
            ((label,) for label in _LOG_COLUMNS),
        )
        return format_html(
            "<table><thead><tr>{}</tr></thead><tbody>{}</tbody>"
            '</table><p><a href="{}?delivery__subscription__id__exact={}">{}</a></p>',
            head,
            rows,
            log_url,
            obj.pk,
            gettext("Full log"),
        )

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in SubscriptionForm.Meta.fields}
        if change:
            services.subscription_update(subscription=obj, **data)
        else:
            created = services.subscription_create(**data, user=request.user)
            obj.pk, obj.secret = created.pk, created.secret

    def delete_model(self, request, obj):
        services.subscription_delete(subscription=obj)

    @admin.action(description=_("Send test event"), permissions=["change"])
    def send_test_event(self, request, queryset):
        for subscription in queryset:
            services.subscription_send_test(subscription=subscription)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Test event queued for %(count)s subscription.",
                "Test event queued for %(count)s subscriptions.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class _LogAdmin(admin.ModelAdmin):
    """Records of what was sent: read, redelivered, never edited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_redeliver_permission(self, request) -> bool:
        return request.user.has_perm(MANAGE)

    def _redeliver(self, request, deliveries) -> None:
        for delivery in deliveries:
            services.delivery_redeliver(delivery=delivery)
        self.message_user(
            request,
            ngettext(
                "%(count)s delivery queued again, same ids.",
                "%(count)s deliveries queued again, same ids.",
                len(deliveries),
            )
            % {"count": len(deliveries)},
            messages.SUCCESS,
        )


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = (
        "attempted_at",
        "status_code",
        "latency_ms",
        "error",
        "response_excerpt",
        "next_retry_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(_LogAdmin):
    list_display = (
        "webhook_id",
        "subscription",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("status", "subscription", "event__type")
    list_select_related = ("subscription", "event")
    readonly_fields = (
        "webhook_id",
        "subscription",
        "event_type",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
        "body",
    )
    fields = readonly_fields
    inlines = (DeliveryAttemptInline,)
    actions = ("redeliver",)

    @admin.display(description=_("Event"))
    def event_type(self, obj: Delivery) -> str:
        return obj.event.type

    @admin.display(description=_("Payload"))
    def body(self, obj: Delivery) -> str:
        return format_html("<pre>{}</pre>", obj.event.body)

    @admin.action(description=_("Redeliver (same webhook-id)"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        self._redeliver(request, list(queryset.select_related("event")))


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(_LogAdmin):
    list_display = (
        "attempted_at",
        "subscription",
        "event_type",
        "status_code",
        "latency",
        "error_short",
        "response_short",
        "next_retry_at",
    )
    list_filter = ("delivery__subscription", "delivery__event__type", "status_code")
    list_select_related = ("delivery__subscription", "delivery__event")
    actions = ("redeliver",)

    @admin.display(description=_("Subscription"))
    def subscription(self, obj: DeliveryAttempt) -> str:
        return obj.delivery.subscription.name

    @admin.display(description=_("Event"))
    def event_type(self, obj: DeliveryAttempt) -> str:
        return obj.delivery.event.type

    @admin.display(description=_("Latency"))
    def latency(self, obj: DeliveryAttempt) -> str:
        return f"{obj.latency_ms} ms" if obj.latency_ms is not None else "—"

    @admin.display(description=_("Error"))
    def error_short(self, obj: DeliveryAttempt) -> str:
        return shorten(obj.error, 100)

    @admin.display(description=_("Response"))
    def response_short(self, obj: DeliveryAttempt) -> str:
        return shorten(obj.response_excerpt, 120)

    @admin.action(description=_("Redeliver (same webhook-id)"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        ids = set(queryset.values_list("delivery_id", flat=True))
        self._redeliver(request, list(Delivery.objects.filter(pk__in=ids).select_related("event")))
