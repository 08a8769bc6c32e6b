"""REST API of quality control: charted characteristics, one characteristic's chart data, and exclusions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from guifan.engine import InputError
from guifan.web.measure.models import Result
from guifan.web.quality import queries, services
from guifan.web.quality.models import Exclusion

REQUIREMENT = OpenApiParameter("requirement", str, description="requirement code, e.g. QC-001.2")
KEY = OpenApiParameter("key", str, description="characteristic key, e.g. 'PB-100 泵体|孔径|CNC-04'")
EVALUATION = OpenApiParameter("evaluation", int, description="evaluation id (default: the latest)")


class CharacteristicSerializer(serializers.Serializer):
    requirement = serializers.CharField()
    evaluation = serializers.IntegerField()
    period = serializers.CharField()
    key = serializers.CharField()
    group = serializers.DictField()
    chart = serializers.CharField()
    center = serializers.FloatField(allow_null=True)
    lcl = serializers.FloatField(allow_null=True)
    ucl = serializers.FloatField(allow_null=True)
    limits_vary = serializers.BooleanField(help_text="limits differ by point (null above): see the chart data")
    cpk = serializers.FloatField(allow_null=True)
    ppk = serializers.FloatField(allow_null=True)
    signals = serializers.IntegerField()
    points = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["fail", "unjudged", "ok"])


class CharacteristicViewSet(viewsets.GenericViewSet):
    """Every characteristic charted by the latest result of each spc requirement the user may see, worst
    first; filter with ?requirement= and ?q= (text in the key)."""

    serializer_class = CharacteristicSerializer
    queryset = Result.objects.none()  # rows come from the results' details, not a model
    filter_backends: list[Any] = []

    @extend_schema(parameters=[REQUIREMENT, OpenApiParameter("q", str, description="text in the key")])
    def list(self, request: Request) -> Response:
        params = request.query_params
        rows = queries.characteristic_rows(request.user, params.get("requirement", ""), params.get("q", ""))
        page = self.paginate_queryset([row.as_dict() for row in rows])
        return self.get_paginated_response(page)


class ChartViewSet(viewsets.ViewSet):
    """One characteristic's chart: points, centre, limits, zones, flags, secondary chart and capability, drawn
    by the engine for the evaluation's period with today's exclusions."""

    @extend_schema(parameters=[REQUIREMENT, KEY, EVALUATION], responses={200: OpenApiTypes.OBJECT})
    def list(self, request: Request) -> Response:
        params = request.query_params
        code = params.get("requirement", "")
        if not code:
            raise exceptions.ValidationError({"requirement": ["Give the requirement code."]})
        result = queries.result_for(request.user, code, params.get("evaluation"))
        if result is None:
            raise exceptions.NotFound()
        try:
            data = queries.chart_data(result, params.get("key", ""))
        except InputError as exc:
            raise exceptions.ValidationError({"key": [str(exc)]}) from exc
        return Response({"requirement": code, "evaluation": result.evaluation_id,
                         "period": result.evaluation.label} | data)  # fmt: skip


class ExclusionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = Exclusion
        fields = ("id", "requirement_code", "characteristic", "subgroup", "reason", "created_by", "created")
        read_only_fields = ("id", "created_by", "created")
        validators: list[Any] = []  # the service says when a subgroup is already excluded


class ExclusionViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Subgroups left out of an spc requirement's limits, with the reason. Creating and deleting need the right
    to edit the requirement's standard."""

    serializer_class = ExclusionSerializer
    filterset_fields = ("requirement_code", "characteristic")

    def get_queryset(self) -> QuerySet[Exclusion]:
        codes = queries.spc_results(self.request.user).values("requirement_code")
        return Exclusion.objects.filter(requirement_code__in=codes).select_related("created_by")

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        data = ExclusionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        code = values["requirement_code"]
        if queries.result_for(request.user, code, None) is None:
            raise exceptions.NotFound()
        try:
            exclusion = services.exclude(request.user, code, values.get("characteristic", ""), values["subgroup"],
                                         values["reason"])  # fmt: skip
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise exceptions.ValidationError(detail) from exc
        return Response(ExclusionSerializer(exclusion).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Exclusion) -> None:
        try:
            services.include(self.request.user, instance)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
