"""The review API: the queue, taking the next claim, leaving it, recording a verdict."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.core.api import CONFLICT, has_perm
from annotations.models import Claim
from verification import selectors
from verification.review.serializers import (
    QueueClaimSerializer,
    QueueFilterSerializer,
    ReviewCreateSerializer,
    ReviewSerializer,
)
from verification.review.services import queue_take_next, review_lease_release, review_record

REVIEWER = has_perm("verification.add_review")


class QueueListView(generics.ListAPIView):
    serializer_class = QueueClaimSerializer
    permission_classes = [REVIEWER]
    pagination_class = None

    def get_queryset(self):
        filters = QueueFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.claim_list_for_queue_api(
            user=self.request.user, filters=filters.validated_data
        )[:200]

    @extend_schema(parameters=[QueueFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class QueueNextView(APIView):
    permission_classes = [REVIEWER]

    @extend_schema(request=None, responses={200: QueueClaimSerializer, 204: None})
    def post(self, request):
        claim = queue_take_next(reviewer=request.user)
        if claim is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        claim = selectors.claim_list_for_queue().get(pk=claim.pk)
        return Response(QueueClaimSerializer(claim).data)


class ClaimReleaseView(APIView):
    """Give a claim taken from the queue back, without a verdict, for another reviewer."""

    permission_classes = [REVIEWER]

    @extend_schema(request=None, responses={204: None, 409: CONFLICT})
    def post(self, request, pk: int):
        claim = get_object_or_404(Claim, pk=pk)
        review_lease_release(claim=claim, reviewer=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClaimReviewView(APIView):
    permission_classes = [REVIEWER]

    @extend_schema(request=ReviewCreateSerializer, responses={201: ReviewSerializer, 409: CONFLICT})
    def post(self, request, pk: int):
        claim = get_object_or_404(Claim, pk=pk)
        data = ReviewCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_record(claim=claim, reviewer=request.user, **data.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
