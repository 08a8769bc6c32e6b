"""REST API for findings and their actions; every change goes through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from guifan.web.core import access
from guifan.web.improvement import services
from guifan.web.improvement.models import Action, ActionKind, Finding, Source
from guifan.web.measure.models import Result
from guifan.web.org.models import OrgUnit
from guifan.web.standards.models import Severity, Standard

USER = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all(), required=False,
                                    allow_null=True)  # fmt: skip


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    done_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Action
        fields = ("id", "kind", "description", "owner", "due", "done_at", "done_by", "outcome")
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    standard = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = (
            "id", "number", "title", "description", "source", "severity", "status", "standard", "requirement_code",
            "result", "key", "unit", "owner", "due", "root_cause", "opened_by", "opened_at", "closed_at",
            "closure_note", "actions",
        )  # fmt: skip
        read_only_fields = fields


class OpenSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    source = serializers.ChoiceField(choices=[c for c, _ in Source.choices if c not in Source.from_result],
                                     default=Source.OTHER)  # fmt: skip
    description = serializers.CharField(required=False, allow_blank=True, default="")
    standard = serializers.SlugRelatedField(slug_field="code", queryset=Standard.objects.all(), required=False)
    unit = serializers.SlugRelatedField(slug_field="code", queryset=OrgUnit.objects.all(), required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, default="")
    owner = USER
    due = serializers.DateField(required=False, allow_null=True)


class FromResultSerializer(serializers.Serializer):
    result = serializers.IntegerField(help_text="the result's id")
    source = serializers.ChoiceField(choices=Source.from_result, default=Source.FAILURE)
    key = serializers.CharField(required=False, allow_blank=True, default="", help_text="the violating record's key")
    title = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EditSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_blank=True)
    owner = USER
    due = serializers.DateField(required=False, allow_null=True)
    root_cause = serializers.CharField(required=False, allow_blank=True)


class AddActionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActionKind.choices)
    description = serializers.CharField()
    owner = USER
    due = serializers.DateField(required=False, allow_null=True)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="why the finding is closed, or reopened")


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a service; its validation errors become 400 with the field named."""
    try:
        return fn(*args, **kwargs)
    except ValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise exceptions.ValidationError(detail) from exc


class FindingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Findings (不符合项) in the user's scope. POST opens one by hand; see also from-result, actions, close."""

    serializer_class = FindingSerializer
    filterset_fields = ("status", "source", "requirement_code", "severity")

    def get_queryset(self) -> QuerySet[Finding]:
        scoped = Finding.objects.filter(access.scope_filter(self.request.user, "unit"))
        return scoped.select_related("standard", "unit", "owner", "opened_by").prefetch_related("actions")

    def _finding(self) -> Finding:
        return self.get_object()

    def _respond(self, finding: Finding, code: int = status.HTTP_200_OK) -> Response:
        return Response(FindingSerializer(self.get_queryset().get(pk=finding.pk)).data, status=code)

    @extend_schema(request=OpenSerializer, responses={201: FindingSerializer})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        data = OpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = _call(services.open_manual, request.user, **data.validated_data)
        return self._respond(finding, status.HTTP_201_CREATED)

    @extend_schema(request=FromResultSerializer, responses={201: FindingSerializer, 200: FindingSerializer})
    @action(detail=False, methods=["post"], url_path="from-result")
    def from_result(self, request: Request) -> Response:
        """Open a finding about a result or one of its violating records (200 with the open one if it exists)."""
        data = FromResultSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        results = Result.objects.filter(access.scope_filter(request.user, "unit_id_snapshot"))
        result = results.select_related("evaluation", "requirement").filter(pk=values.pop("result")).first()
        if result is None:
            raise exceptions.ValidationError({"result": ["No such result."]})
        finding, created = _call(services.open_from_result, request.user, result, **values)
        return self._respond(finding, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=EditSerializer, responses={200: FindingSerializer})
    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        finding = self._finding()
        data = EditSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return self._respond(_call(services.update, request.user, finding, **data.validated_data))

    @extend_schema(request=AddActionSerializer, responses={201: FindingSerializer})
    @action(detail=True, methods=["post"])
    def actions(self, request: Request, pk: str | None = None) -> Response:
        """Plan an action (containment, corrective or preventive) on the finding."""
        finding = self._finding()
        data = AddActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _call(services.add_action, request.user, finding, **data.validated_data)
        return self._respond(finding, status.HTTP_201_CREATED)

    @extend_schema(request=OutcomeSerializer, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_id>\d+)/done")
    def action_done(self, request: Request, pk: str | None = None, action_id: str | None = None) -> Response:
        """Mark one of the finding's actions done, with its outcome."""
        finding = self._finding()
        planned = access.get_or_404(Action.objects.filter(finding=finding), pk=action_id)
        data = OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _call(services.complete_action, request.user, planned, outcome=data.validated_data["outcome"])
        return self._respond(finding)

    @extend_schema(request=NoteSerializer, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        finding = self._finding()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(_call(services.close, request.user, finding, note=data.validated_data["note"]))

    @extend_schema(request=NoteSerializer, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        finding = self._finding()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(_call(services.reopen, request.user, finding, reason=data.validated_data["note"]))
