from django.urls import path

from verification import views

urlpatterns = [
    path("articles/import/", views.ArticleImportView.as_view(), name="article-import"),
    path("facts/", views.FactListView.as_view(), name="fact-list"),
    path("facts/match/", views.FactMatchView.as_view(), name="fact-match"),
    path("facts/export.jsonl", views.FactExportJSONLinesView.as_view(), name="fact-export-jsonl"),
    path("facts/export.csv", views.FactExportCSVView.as_view(), name="fact-export-csv"),
    path("facts/<int:pk>/", views.FactDetailView.as_view(), name="fact-detail"),
    path(
        "facts/<int:pk>/claimreview/", views.FactClaimReviewView.as_view(), name="fact-claimreview"
    ),
    path("facts/<int:pk>/annotation/", views.FactAnnotationView.as_view(), name="fact-annotation"),
    path("facts/<int:pk>/retract/", views.FactRetractView.as_view(), name="fact-retract"),
    path(
        "claims/<int:pk>/annotation/", views.ClaimAnnotationView.as_view(), name="claim-annotation"
    ),
    path("claims/<int:pk>/submit/", views.ClaimSubmitView.as_view(), name="claim-submit"),
    path("claims/<int:pk>/checks/", views.ClaimChecksView.as_view(), name="claim-checks"),
    path("claims/<int:pk>/review/", views.ClaimReviewView.as_view(), name="claim-review"),
    path("claims/<int:pk>/release/", views.ClaimReleaseView.as_view(), name="claim-release"),
    path("claims/<int:pk>/publish/", views.ClaimPublishView.as_view(), name="claim-publish"),
    path("claims/<int:pk>/sources/", views.ClaimSourceListView.as_view(), name="claim-sources"),
    path("sources/<int:pk>/retry/", views.SourceRetryView.as_view(), name="source-retry"),
    path("snapshots/<int:pk>/", views.SnapshotDetailView.as_view(), name="snapshot-detail"),
    path("queue/", views.QueueListView.as_view(), name="queue"),
    path("queue/next/", views.QueueNextView.as_view(), name="queue-next"),
]
