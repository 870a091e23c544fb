from django.urls import path

from verification.checks import views as checks_views
from verification.facts import views as facts_views
from verification.library import api as library_api
from verification.review import views as review_views
from verification.sources import views as sources_views

urlpatterns = [
    path("articles/import/", sources_views.ArticleImportView.as_view(), name="article-import"),
    path("facts/", facts_views.FactListView.as_view(), name="fact-list"),
    path("facts/match/", library_api.FactMatchView.as_view(), name="fact-match"),
    path(
        "facts/export.jsonl",
        facts_views.FactExportJSONLinesView.as_view(),
        name="fact-export-jsonl",
    ),
    path("facts/export.csv", facts_views.FactExportCSVView.as_view(), name="fact-export-csv"),
    path("facts/<int:pk>/", facts_views.FactDetailView.as_view(), name="fact-detail"),
    path(
        "facts/<int:pk>/claimreview/",
        facts_views.FactClaimReviewView.as_view(),
        name="fact-claimreview",
    ),
    path(
        "facts/<int:pk>/annotation/",
        facts_views.FactAnnotationView.as_view(),
        name="fact-annotation",
    ),
    path("facts/<int:pk>/retract/", facts_views.FactRetractView.as_view(), name="fact-retract"),
    path(
        "claims/<int:pk>/annotation/",
        facts_views.ClaimAnnotationView.as_view(),
        name="claim-annotation",
    ),
    path("claims/<int:pk>/submit/", checks_views.ClaimSubmitView.as_view(), name="claim-submit"),
    path("claims/<int:pk>/checks/", checks_views.ClaimChecksView.as_view(), name="claim-checks"),
    path("claims/<int:pk>/review/", review_views.ClaimReviewView.as_view(), name="claim-review"),
    path("claims/<int:pk>/release/", review_views.ClaimReleaseView.as_view(), name="claim-release"),
    path("claims/<int:pk>/publish/", facts_views.ClaimPublishView.as_view(), name="claim-publish"),
    path(
        "claims/<int:pk>/sources/",
        sources_views.ClaimSourceListView.as_view(),
        name="claim-sources",
    ),
    path("sources/<int:pk>/retry/", sources_views.SourceRetryView.as_view(), name="source-retry"),
    path("snapshots/<int:pk>/", sources_views.SnapshotDetailView.as_view(), name="snapshot-detail"),
    path("queue/", review_views.QueueListView.as_view(), name="queue"),
    path("queue/next/", review_views.QueueNextView.as_view(), name="queue-next"),
]
