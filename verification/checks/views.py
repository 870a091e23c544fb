"""The check-run API: submit a claim, list and re-run its checks."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.core.api import CONFLICT, has_perm
from annotations.models import Claim
from annotations.serializers import (
    ClaimSerializer,
)
from verification import selectors
from verification.checks.serializers import CheckRunSerializer, CheckRunSummarySerializer
from verification.checks.services import check_run_request, claim_submit


class ClaimSubmitView(APIView):
    permission_classes = [has_perm("annotations.change_claim")]

    @extend_schema(request=None, responses={202: ClaimSerializer, 409: CONFLICT})
    def post(self, request, pk: int):
        claim = get_object_or_404(Claim, pk=pk)
        run = claim_submit(claim=claim, user=request.user)
        body = ClaimSerializer(claim).data | {"check_run": CheckRunSummarySerializer(run).data}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class ClaimChecksView(APIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [has_perm("verification.add_checkrun")()]
        return [has_perm("verification.view_checkrun")()]

    @extend_schema(responses=CheckRunSerializer(many=True))
    def get(self, request, pk: int):
        claim = get_object_or_404(Claim, pk=pk)
        runs = selectors.claim_check_runs(claim)
        return Response(CheckRunSerializer(runs, many=True).data)

    @extend_schema(request=None, responses={202: CheckRunSummarySerializer, 409: CONFLICT})
    def post(self, request, pk: int):
        """Re-run the machine check (202)."""
        claim = get_object_or_404(Claim, pk=pk)
        run = check_run_request(claim=claim, user=request.user)
        return Response(CheckRunSummarySerializer(run).data, status=status.HTTP_202_ACCEPTED)
