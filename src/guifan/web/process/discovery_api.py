"""REST API: the discovered process of sequence results, and case timelines (read-only, scoped like results)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from guifan.engine import InputError
from guifan.engine.process.cases import Which
from guifan.web.measure.models import Result
from guifan.web.process import discovery


class SequenceResultSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(source="requirement_code")
    period = serializers.CharField(source="evaluation.label")

    class Meta:
        model = Result
        fields = ("id", "evaluation", "period", "requirement", "status", "value", "population", "violations")


class ActivitySerializer(serializers.Serializer):
    name = serializers.CharField()
    events = serializers.IntegerField()
    cases = serializers.IntegerField()
    position = serializers.FloatField(help_text="mean position of its first event in a case (0: first)")
    relative_position = serializers.FloatField(help_text="the same relative to the case's length (0 first, 1 last)")


class EdgeSerializer(serializers.Serializer):
    source = serializers.CharField(allow_null=True, help_text="null: the case starts here")
    target = serializers.CharField(allow_null=True, help_text="null: the case ends here")
    count = serializers.IntegerField()
    cases = serializers.IntegerField()
    median_s = serializers.FloatField(allow_null=True, help_text="seconds, in the check's clock")
    p90_s = serializers.FloatField(allow_null=True)


class VariantSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    id = serializers.CharField()
    activities = serializers.ListField(child=serializers.CharField())
    cases = serializers.IntegerField()
    share = serializers.FloatField()
    median_duration_s = serializers.FloatField()
    deviating = serializers.IntegerField(help_text="its cases that break at least one constraint")


class DiscoverySerializer(serializers.Serializer):
    result = serializers.IntegerField()
    requirement = serializers.CharField()
    period = serializers.CharField()
    cases_shown = serializers.ChoiceField(choices=["all", "conforming", "deviating"])
    business_time = serializers.BooleanField(help_text="durations are business seconds in the check's calendar")
    cases = serializers.IntegerField()
    events = serializers.IntegerField()
    deviating_cases = serializers.IntegerField(help_text="of all the period's cases")
    variants_total = serializers.IntegerField()
    activities = ActivitySerializer(many=True)
    edges = EdgeSerializer(many=True)
    variants = VariantSerializer(many=True)


class VariantCasesSerializer(serializers.Serializer):
    variant = VariantSerializer()
    total = serializers.IntegerField()
    cases = serializers.ListField(child=serializers.DictField(), help_text="[{case, conforms}], at most 200")


class CaseEventSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    activity = serializers.CharField()
    time = serializers.DateTimeField()
    resource = serializers.CharField(allow_null=True)
    role = serializers.CharField(allow_null=True)
    since_previous_s = serializers.FloatField(allow_null=True, help_text="in the check's clock")
    wall_since_previous_s = serializers.FloatField(allow_null=True)
    since_start_s = serializers.FloatField()
    broken = serializers.ListField(child=serializers.CharField(), help_text="constraints that broke at this event")
    row = serializers.IntegerField(help_text="row in the source file (header: row 1)")


class DeviationSerializer(serializers.Serializer):
    constraint = serializers.CharField()
    position = serializers.IntegerField(allow_null=True)


class CaseSerializer(serializers.Serializer):
    case = serializers.CharField()
    conforms = serializers.BooleanField()
    variant = serializers.ListField(child=serializers.CharField())
    variant_id = serializers.CharField()
    duration_s = serializers.FloatField()
    business_time = serializers.BooleanField()
    deviations = DeviationSerializer(many=True)
    events = CaseEventSerializer(many=True)


CASES = OpenApiParameter("cases", str, enum=["all", "conforming", "deviating"], description="which cases")
TOP = OpenApiParameter("top", int, description="variants listed (default 25, at most 1000)")


class ProcessDiscoveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Sequence results; for one, its directly-follows graph and variants, a variant's cases, and a case's
    timeline, all read again from the event log for the result's period."""

    serializer_class = SequenceResultSerializer
    filterset_fields = ("evaluation", "requirement_code", "status")

    def get_queryset(self) -> QuerySet[Result]:
        results = discovery.sequence_results(self.request.user).select_related("evaluation")
        return results.order_by("-evaluation__end", "requirement_code")

    @extend_schema(parameters=[CASES, TOP], responses=DiscoverySerializer)
    @action(detail=True, methods=["get"], url_path="graph")
    def graph(self, request: Request, pk: str | None = None) -> Response:
        result: Result = self.get_object()
        which = discovery.which_of(request.query_params.get("cases"))
        data = self._data(result, which, top=_top(request.query_params.get("top")))
        found = data.discovery
        body: dict[str, Any] = {
            "result": result.pk,
            "requirement": result.requirement_code,
            "period": result.evaluation.label,
            "cases_shown": which,
            "business_time": data.business,
            "cases": found.cases,
            "events": found.events,
            "deviating_cases": data.deviating_cases,
            "variants_total": found.n_variants,
            "activities": [vars(a) for a in found.activities],
            "edges": [vars(e) for e in found.edges],
            "variants": [_variant(v) for v in data.variants],
        }
        return Response(DiscoverySerializer(body).data)

    @extend_schema(
        parameters=[CASES, OpenApiParameter("variant", str, required=True, description="a variant's id")],
        responses=VariantCasesSerializer,
    )
    @action(detail=True, methods=["get"], url_path="variant-cases")
    def variant_cases(self, request: Request, pk: str | None = None) -> Response:
        result: Result = self.get_object()
        variant = request.query_params.get("variant", "")
        which = discovery.which_of(request.query_params.get("cases"))
        data = self._data(result, which, top=None, variant=variant)
        if data.variant is None:
            raise exceptions.NotFound("no such variant among these cases")
        cases = [{"case": k, "conforms": c} for k, c in data.variant_cases]
        body = {"variant": _variant(data.variant), "total": data.variant_cases_total, "cases": cases}
        return Response(VariantCasesSerializer(body).data)

    @extend_schema(
        parameters=[OpenApiParameter("case", OpenApiTypes.STR, required=True, description="the case key")],
        responses=CaseSerializer,
    )
    @action(detail=True, methods=["get"], url_path="case")
    def case(self, request: Request, pk: str | None = None) -> Response:
        result: Result = self.get_object()
        key = request.query_params.get("case", "")
        try:
            timeline, about = discovery.case_data(result, key)
        except InputError as exc:
            raise exceptions.ValidationError({"requirement": [str(exc)]}) from exc
        if timeline is None:
            raise exceptions.NotFound("the period judges no such case")
        body = {
            "case": timeline.key,
            "conforms": timeline.conforms,
            "variant": list(timeline.variant),
            "variant_id": timeline.variant_id,
            "duration_s": timeline.duration_s,
            "business_time": about["business"],
            "deviations": [vars(d) for d in timeline.deviations],
            "events": [{**vars(e), "broken": list(e.broken)} for e in timeline.events],
        }
        return Response(CaseSerializer(body).data)

    def _data(self, result: Result, which: Which, **kwargs: Any) -> discovery.DiscoveryData:
        try:
            return discovery.discovery_data(result, which, **kwargs)
        except InputError as exc:
            raise exceptions.ValidationError({"requirement": [str(exc)]}) from exc


def _top(value: str | None) -> int:
    try:
        return max(0, min(1000, int(value or discovery.TOP)))
    except ValueError:
        return discovery.TOP


def _variant(v: discovery.VariantRow) -> dict[str, Any]:
    return {**vars(v), "activities": list(v.activities)}
