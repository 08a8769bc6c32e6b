"""REST API for evaluations, results and datasets."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from guifan.engine import InputError
from guifan.engine.periods import parse_periods, zone
from guifan.web.core import access
from guifan.web.core.models import Catalogue
from guifan.web.measure import services
from guifan.web.measure.datasets import register
from guifan.web.measure.models import DataSource, Evaluation, GroupResult, Result


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = GroupResult
        fields = ("by", "status", "value", "population", "violations")


class ResultSerializer(serializers.ModelSerializer):
    groups = GroupSerializer(many=True, read_only=True)
    standard = serializers.CharField(source="standard_code")
    requirement = serializers.CharField(source="requirement_code")
    period = serializers.CharField(source="evaluation.label")

    class Meta:
        model = Result
        fields = (
            "id", "evaluation", "period", "standard", "requirement", "category", "kind", "status", "value", "unit",
            "target", "population", "violations", "violating_keys", "violating_keys_truncated", "groups", "details",
            "message",
        )  # fmt: skip


class EvaluationSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True, help_text="requirements evaluated so far")
    total = serializers.IntegerField(read_only=True, help_text="requirements to evaluate")

    class Meta:
        model = Evaluation
        fields = (
            "id",
            "label",
            "start",
            "end",
            "state",
            "progress",
            "total",
            "error",
            "warnings",
            "created",
            "finished",
        )


class StartSerializer(serializers.Serializer):
    periods = serializers.CharField(help_text="2026-10, 2026-Q3, 2026, or a range 2026-01..2026-10")


class EvaluationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluations. POST {"periods": "2026-01..2026-03"} starts one per period in the background."""

    serializer_class = EvaluationSerializer
    queryset = Evaluation.objects.order_by("-created")
    filterset_fields = ("state", "label")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return StartSerializer if self.action == "create" else EvaluationSerializer

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            periods = parse_periods(data.validated_data["periods"], zone(Catalogue.current().timezone))
            evaluations = services.start(request.user, periods)
        except InputError as exc:
            raise exceptions.ValidationError({"periods": [str(exc)]}) from exc
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(EvaluationSerializer(evaluations, many=True).data, status=status.HTTP_201_CREATED)


class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResultSerializer
    filterset_fields = ("evaluation", "status", "category", "standard_code", "requirement_code")

    def get_queryset(self) -> QuerySet[Result]:
        scoped = Result.objects.filter(access.scope_filter(self.request.user, "unit_id_snapshot"))
        return (
            scoped.select_related("evaluation")
            .prefetch_related("groups")
            .order_by("-evaluation__end", "requirement_code")
        )


class DataSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataSource
        fields = ("id", "name", "spec", "server_path", "updated")
        read_only_fields = fields


class DataSourceRegisterSerializer(serializers.Serializer):
    name = serializers.SlugField(max_length=64)
    spec = serializers.JSONField(required=False, help_text="key, time, columns … as in a pack")
    file = serializers.FileField(required=False, help_text="CSV, TSV, Excel, Parquet or JSON Lines")
    server_path = serializers.CharField(required=False, help_text="or a path on the server")


class DataSourceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Datasets. POST (multipart) registers or replaces one; its header is checked against the spec first."""

    serializer_class = DataSourceSerializer
    queryset = DataSource.objects.order_by("name")
    lookup_field = "name"
    parser_classes = (MultiPartParser, FormParser, JSONParser)

    @extend_schema(request=DataSourceRegisterSerializer, responses={201: DataSourceSerializer})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        data = DataSourceRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        spec = values.get("spec") or {}
        if isinstance(spec, str):
            spec = json.loads(spec)
        try:
            source = register(request.user, values["name"], spec, upload=values.get("file"),
                              server_path=values.get("server_path", ""))  # fmt: skip
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            raise exceptions.ValidationError({"dataset": exc.messages}) from exc
        return Response(DataSourceSerializer(source).data, status=status.HTTP_201_CREATED)
