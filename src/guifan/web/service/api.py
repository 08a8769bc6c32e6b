"""REST API for work calendars: everyone logged in reads them; catalogue managers change them, through the
same services (engine validation, audit entry, refusal to delete a calendar in use) as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from guifan.web.core import access
from guifan.web.service import calendars as cals
from guifan.web.service import services

FIELDS = ("timezone", "week", "holidays", "workdays", "workday_hours", "builtin", "known_years")


class CalendarSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, help_text="as checks name it, e.g. cn-office")
    timezone = serializers.CharField(required=False, allow_null=True, help_text="IANA zone; the catalogue's if empty")
    week = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text='working periods per weekday, e.g. {"mon": ["09:00-12:00", "13:30-18:00"]}',
    )  # fmt: skip
    holidays = serializers.ListField(child=serializers.CharField(), required=False, help_text="dates and A..B ranges")
    workdays = serializers.ListField(child=serializers.CharField(), required=False, help_text="make-up working days")
    workday_hours = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True)
    builtin = serializers.CharField(required=False, allow_null=True, help_text="a built-in holiday set, e.g. cn")
    known_years = serializers.JSONField(required=False, allow_null=True, help_text="a year, 2025..2027, or a list")
    day_hours = serializers.FloatField(read_only=True, help_text="one working day (d in a limit), in hours")
    week_hours = serializers.FloatField(read_only=True, help_text="one working week (w in a limit), in hours")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        name, spec = instance
        cal = cals.work_calendar(name, spec)
        out: dict[str, Any] = {"name": name}
        out |= {f: spec.get(f) for f in FIELDS}
        return out | {"day_hours": cal.day_seconds / 3600, "week_hours": cal.week_seconds / 3600}


class RenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, help_text="the calendar's new name")


class MonthDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=["work", "closed", "holiday", "makeup"])
    label = serializers.CharField()
    periods = serializers.ListField(child=serializers.CharField())
    hours = serializers.FloatField()


def _spec(data: dict[str, Any]) -> dict[str, Any]:
    return {f: data[f] for f in FIELDS if data.get(f) not in (None, "", [], {})}


def _save(request: Request, name: str, *, creating: bool) -> Response:
    if not access.can_manage_catalogue(request.user):
        raise exceptions.PermissionDenied
    serializer = CalendarSerializer(data={**request.data, "name": name})
    serializer.is_valid(raise_exception=True)
    try:
        spec = services.save_calendar(request.user, name, _spec(serializer.validated_data), creating=creating)
    except services.CalendarError as exc:
        raise exceptions.ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        ) from exc
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    return Response(CalendarSerializer((name, spec)).data, status=201 if creating else 200)


class CalendarViewSet(viewsets.ViewSet):
    """The catalogue's work calendars (as under ``calendars:`` in a pack), by name."""

    lookup_field = "name"
    lookup_value_regex = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"
    serializer_class = CalendarSerializer

    def _get(self, name: str) -> dict[str, Any]:
        spec = cals.catalogue_calendars().get(name)
        if spec is None:
            raise exceptions.NotFound
        return spec

    @extend_schema(responses=CalendarSerializer(many=True))
    def list(self, request: Request) -> Response:
        items = list(cals.catalogue_calendars().items())
        return Response(CalendarSerializer(items, many=True).data)

    @extend_schema(responses=CalendarSerializer)
    def retrieve(self, request: Request, name: str) -> Response:
        return Response(CalendarSerializer((name, self._get(name))).data)

    @extend_schema(request=CalendarSerializer, responses={201: CalendarSerializer})
    def create(self, request: Request) -> Response:
        return _save(request, str(request.data.get("name", "")), creating=True)

    @extend_schema(request=CalendarSerializer, responses=CalendarSerializer)
    def update(self, request: Request, name: str) -> Response:
        if access.can_manage_catalogue(request.user):
            self._get(name)
        return _save(request, name, creating=False)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, name: str) -> Response:
        if not access.can_manage_catalogue(request.user):
            raise exceptions.PermissionDenied
        self._get(name)
        try:
            services.delete_calendar(request.user, name)
        except ValidationError as exc:
            raise exceptions.ValidationError({"detail": exc.messages}) from exc
        return Response(status=204)

    @extend_schema(request=RenameSerializer, responses=CalendarSerializer)
    @action(detail=True, methods=["post"])
    def rename(self, request: Request, name: str) -> Response:
        """Rename a calendar no requirement uses (refused with the requirements otherwise, like a delete)."""
        if not access.can_manage_catalogue(request.user):
            raise exceptions.PermissionDenied
        self._get(name)
        serializer = RenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            new_name = services.rename_calendar(request.user, name, serializer.validated_data["name"])
        except services.CalendarError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        except ValidationError as exc:
            raise exceptions.ValidationError({"detail": exc.messages}) from exc
        return Response(CalendarSerializer((new_name, self._get(new_name))).data)

    @extend_schema(
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM; default: this month")],
        responses=MonthDaySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def month(self, request: Request, name: str) -> Response:
        """Each day of a month as the engine's calendar sees it: kind, label, working periods and hours."""
        from guifan.web.service.views import _month

        spec = self._get(name)
        year, month = _month(request)
        weeks = cals.month_days(cals.work_calendar(name, spec), spec, year, month)
        days = [d for week in weeks for d in week if d.in_month]
        rows = [{"date": d.day, "kind": d.kind, "label": d.label, "periods": d.periods, "hours": d.hours} for d in days]
        return Response(MonthDaySerializer(rows, many=True).data)
