"""REST API for process definitions. Reads are scoped through the access layer; changes go through services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from guifan.web.core import access
from guifan.web.org.models import OrgUnit, Position
from guifan.web.process import services
from guifan.web.process.models import Process, Step, StepRaci
from guifan.web.standards.models import Standard


class StepRaciSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(read_only=True)

    class Meta:
        model = StepRaci
        fields = ("id", "letter", "person", "position", "holder")


class StepSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="give it to keep the step's RACI when reordering")
    process = serializers.SlugRelatedField(slug_field="code", read_only=True)
    responsible = serializers.SlugRelatedField(
        slug_field="code", queryset=Position.objects.all(), allow_null=True, required=False,
        help_text="position code",
    )  # fmt: skip
    raci = StepRaciSerializer(many=True, read_only=True)

    class Meta:
        model = Step
        fields = ("id", "process", "order", "activity", "name_en", "type", "responsible", "limit", "sop", "sop_en",
                  "raci")  # fmt: skip
        read_only_fields = ("order",)
        # the services check that activities are unique in a process (steps may swap names when reordered)
        validators: list[Any] = []


class ProcessSerializer(serializers.ModelSerializer):
    standard = serializers.SlugRelatedField(
        slug_field="code", queryset=Standard.objects.all(), allow_null=True, required=False
    )
    owner_unit = serializers.SlugRelatedField(
        slug_field="code", queryset=OrgUnit.objects.all(), allow_null=True, required=False
    )
    steps = StepSerializer(many=True, required=False, help_text="in order; replaces the process's steps")

    class Meta:
        model = Process
        fields = ("id", "code", "name", "name_en", "standard", "owner_unit", "dataset", "limit", "clock", "calendar",
                  "sop", "sop_en", "steps")  # fmt: skip

    def validate_limit(self, value: str) -> str:
        try:
            return services.check_limit(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class ProcessViewSet(viewsets.ModelViewSet):
    """Process definitions with their steps. Writes: catalogue managers any, department managers their units'."""

    serializer_class = ProcessSerializer
    lookup_field = "code"
    filterset_fields = ("standard__code", "owner_unit__code")

    def get_queryset(self) -> QuerySet[Process]:
        scope = access.scope_filter(self.request.user, "owner_unit")
        return (
            Process.objects.filter(scope)
            .select_related("standard", "owner_unit")
            .prefetch_related("steps__responsible", "steps__raci__person", "steps__raci__position")
            .order_by("code")
        )

    def _save(self, request: Request, process: Process | None, partial: bool = False) -> Response:
        serializer = self.get_serializer(process, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        steps = data.pop("steps", None)
        if steps is None:
            steps = [{"id": s.pk, **{f: getattr(s, f) for f in services.STEP_FIELDS}} for s in process.steps.all()] \
                if process else []  # fmt: skip
        try:
            saved = services.save_process(request.user, process, data, [dict(s) for s in steps])
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            raise exceptions.ValidationError({"detail": exc.messages}) from exc
        shown = self.get_queryset().get(pk=saved.pk)
        return Response(
            ProcessSerializer(shown).data, status=status.HTTP_200_OK if process else status.HTTP_201_CREATED
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, None)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, self.get_object(), partial=kwargs.get("partial", False))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        process = self.get_object()
        try:
            services.delete_process(request.user, process)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class StepViewSet(viewsets.ReadOnlyModelViewSet):
    """Process steps (read-only here: a process's steps are changed with the process)."""

    serializer_class = StepSerializer
    filterset_fields = ("process__code", "type")

    def get_queryset(self) -> QuerySet[Step]:
        scope = access.scope_filter(self.request.user, "process__owner_unit")
        return (
            Step.objects.filter(scope)
            .select_related("process", "responsible")
            .prefetch_related("raci__person", "raci__position")
            .order_by("process__code", "order", "id")
        )
