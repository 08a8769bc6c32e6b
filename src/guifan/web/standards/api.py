"""REST API for the catalogue. Reads are scoped through the access layer; changes go through services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from guifan.engine import InputError
from guifan.web.core import access
from guifan.web.standards import services
from guifan.web.standards.forms import PackUploadForm
from guifan.web.standards.models import Requirement, Standard, StandardVersion
from guifan.web.standards.pack_views import import_form as _import_form
from guifan.web.standards.packs import export_zip


class RequirementSerializer(serializers.ModelSerializer):
    check = serializers.JSONField(source="check_spec", allow_null=True, required=False)
    position = serializers.IntegerField(read_only=True)

    class Meta:
        model = Requirement
        fields = ("id", "code", "position", "text", "text_en", "severity", "check")


class VersionSerializer(serializers.ModelSerializer):
    requirements = RequirementSerializer(many=True, read_only=True)
    standard = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lock_version = serializers.IntegerField(read_only=True, help_text="increases with every saved change")

    class Meta:
        model = StandardVersion
        fields = (
            "id", "standard", "number", "status", "title", "title_en", "body", "body_en", "effective",
            "review_every", "next_review", "author", "approver", "approved_at", "lock_version", "requirements",
        )  # fmt: skip
        read_only_fields = ("status", "author", "approver", "approved_at", "next_review")


class StandardSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner_unit.name", default=None, read_only=True)
    current_version = serializers.CharField(source="current.number", default=None, read_only=True)
    title = serializers.CharField(source="current.title", default=None, read_only=True)
    title_en = serializers.CharField(source="current.title_en", default=None, read_only=True)

    class Meta:
        model = Standard
        fields = ("id", "code", "category", "owner", "current_version", "title", "title_en")


class PackImportSerializer(serializers.Serializer):
    archive = serializers.FileField(required=False, help_text="a .zip of a pack folder")
    server_path = serializers.CharField(required=False, help_text="or a pack folder on the server")


def _scoped_standards(request: Request) -> QuerySet[Standard]:
    return Standard.objects.filter(access.scope_filter(request.user, "owner_unit")).select_related(
        "current", "owner_unit"
    )


class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StandardSerializer
    lookup_field = "code"
    filterset_fields = ("category",)

    def get_queryset(self) -> QuerySet[Standard]:
        return _scoped_standards(self.request).order_by("code")


class VersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Versions; POST actions move them through the lifecycle (draft → in review → approved → effective)."""

    serializer_class = VersionSerializer
    filterset_fields = ("status", "standard__code")

    def get_queryset(self) -> QuerySet[StandardVersion]:
        scope = access.scope_filter(self.request.user, "standard__owner_unit")
        return StandardVersion.objects.filter(scope).select_related("standard").prefetch_related("requirements")

    def _do(self, fn: Any) -> Response:
        version = self.get_object()
        try:
            result = fn(self.request.user, version)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            raise exceptions.ValidationError({"detail": exc.messages}) from exc
        shown = result if isinstance(result, StandardVersion) else version
        shown.refresh_from_db()
        return Response(VersionSerializer(shown).data)

    @action(detail=True, methods=["post"])
    def new_draft(self, request: Request, pk: str | None = None) -> Response:
        return self._do(services.new_draft)

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._do(services.submit)

    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._do(services.approve)

    @action(detail=True, methods=["post"])
    def make_effective(self, request: Request, pk: str | None = None) -> Response:
        return self._do(services.make_effective)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        return self._do(services.acknowledge)


class PackViewSet(viewsets.ViewSet):
    """Packs in and out: GET /api/packs/export/?category=… downloads the catalogue as a pack archive;
    POST /api/packs/import/ with an ``archive`` (.zip) or a ``server_path`` imports one, all or nothing."""

    parser_classes = (MultiPartParser, FormParser, JSONParser)

    @extend_schema(
        parameters=[OpenApiParameter("category", str, required=False)],
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        if not (access.can_manage_catalogue(request.user) or access.role_of(request.user) in access.SEE_ALL):
            raise exceptions.PermissionDenied
        category = request.query_params.get("category") or None
        response = HttpResponse(export_zip(category), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="guifan-pack-{category or "all"}.zip"'
        return response

    @extend_schema(request=PackImportSerializer, responses={201: StandardSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="import")
    def import_pack(self, request: Request) -> Response:
        if not access.can_manage_catalogue(request.user):
            raise exceptions.PermissionDenied
        form = PackUploadForm(request.data, request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        try:
            standards = _import_form(request, form)
        except InputError as exc:
            raise exceptions.ValidationError({"pack": [str(p) for p in exc.problems]}) from exc
        return Response(StandardSerializer(standards, many=True).data, status=201)
