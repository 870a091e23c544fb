from django.urls import path

from verification.webhooks import views

urlpatterns = [
    path("webhooks/subscriptions/", views.SubscriptionListView.as_view(), name="webhook-list"),
    path(
        "webhooks/subscriptions/<int:pk>/",
        views.SubscriptionDetailView.as_view(),
        name="webhook-detail",
    ),
    path(
        "webhooks/subscriptions/<int:pk>/secret/",
        views.SubscriptionSecretView.as_view(),
        name="webhook-secret",
    ),
    path(
        "webhooks/subscriptions/<int:pk>/test/",
        views.SubscriptionTestView.as_view(),
        name="webhook-test",
    ),
    path(
        "webhooks/subscriptions/<int:pk>/deliveries/",
        views.SubscriptionDeliveryLogView.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/deliveries/<str:delivery_id>/redeliver/",
        views.DeliveryRedeliverView.as_view(),
        name="webhook-redeliver",
    ),
]
