from django.urls import path

from verification import views

urlpatterns = [
    path("facts/", views.FactListView.as_view(), name="fact-list"),
    path("facts/<int:pk>/", views.FactDetailView.as_view(), name="fact-detail"),
]
