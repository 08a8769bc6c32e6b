"""REST API for the organisation: org units, positions, people and RACI assignments.

Reads are scoped through the access layer (objects outside a user's scope answer 404). Writes go through the
org services; org units, positions and people are validated by the same forms as the pages, so the API answers
with the pages' messages, keyed by field.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from guifan.web.core import access
from guifan.web.org import services
from guifan.web.org.forms import OrgUnitForm, PersonForm, PositionForm
from guifan.web.org.models import OrgUnit, Person, Position, Raci
from guifan.web.standards.models import Standard


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ("id", "code", "name", "name_en", "kind", "parent")


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ("id", "code", "name", "unit")


class PersonSerializer(serializers.ModelSerializer):
    login = serializers.CharField(
        source="user.username", allow_null=True, required=False, help_text="the username of the person's login"
    )

    class Meta:
        model = Person
        fields = ("id", "code", "name", "unit", "position", "login", "active")


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a service, turning its refusals into API errors (403, or 400 keyed by field)."""
    try:
        return fn(*args, **kwargs)
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        raise exceptions.ValidationError(services.field_errors(exc)) from exc


class _FormWrites:
    """Create, update (PUT/PATCH) and delete through a page's ModelForm and the org services."""

    form_class: Any
    serializer_class: Any
    get_object: Any

    def _form_data(self, request: Request, instance: Model, partial: bool) -> dict[str, Any]:
        data = model_to_dict(instance, fields=self.form_class._meta.fields) if partial else {}
        data.update({k: request.data[k] for k in request.data})
        return data

    def _save(self, request: Request, instance: Model, partial: bool, created: int) -> Response:
        if not access.can_manage_org(request.user):
            raise exceptions.PermissionDenied(_("Only an administrator may change the organisation."))
        form = self.form_class(self._form_data(request, instance, partial), instance=instance)
        if not form.is_valid():
            raise exceptions.ValidationError(services.field_errors(ValidationError(form.errors.as_data())))
        obj = _call(services.save, request.user, form)
        return Response(self.serializer_class(obj).data, status=created)

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        # Fields left out take the model's defaults (a new unit is a department, a new person active).
        return self._save(request, self.form_class._meta.model(), True, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: object, **kwargs: object) -> Response:
        return self._save(request, self.get_object(), bool(kwargs.get("partial")), status.HTTP_200_OK)

    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        return self.update(request, *args, partial=True)

    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        _call(services.delete, request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrgUnitViewSet(_FormWrites, viewsets.ModelViewSet):
    """Org units. Administrators add, change and delete them; a unit cannot move below itself, and a unit
    that still has units, people, positions, standards or logins cannot be deleted."""

    serializer_class = OrgUnitSerializer
    form_class = OrgUnitForm
    filterset_fields = ("parent", "kind", "code")

    def get_queryset(self) -> QuerySet[OrgUnit]:
        scope = access.unit_scope(self.request.user)
        units = OrgUnit.objects.order_by("code")
        return units if scope is None else units.filter(pk__in=scope)


class PositionViewSet(_FormWrites, viewsets.ModelViewSet):
    """Positions (岗位). Administrators add, change and delete them."""

    serializer_class = PositionSerializer
    form_class = PositionForm
    filterset_fields = ("unit", "code")

    def get_queryset(self) -> QuerySet[Position]:
        return Position.objects.filter(access.scope_filter(self.request.user, "unit")).order_by("code")


class PersonViewSet(_FormWrites, viewsets.ModelViewSet):
    """People. Administrators add, change and delete them and link them to a login (``login``: a username,
    or null to unlink)."""

    serializer_class = PersonSerializer
    form_class = PersonForm
    filterset_fields = ("unit", "position", "active", "code")

    def get_queryset(self) -> QuerySet[Person]:
        scope = access.unit_scope(self.request.user)
        people = Person.objects.select_related("user").order_by("code")
        return people if scope is None else people.filter(unit__in=scope)

    def _form_data(self, request: Request, instance: Model, partial: bool) -> dict[str, Any]:
        data = super()._form_data(request, instance, partial)
        if "login" in data:
            username = data.pop("login")
            user = get_user_model().objects.filter(username=username).first() if username else None
            if username and user is None:
                raise exceptions.ValidationError(
                    {"login": [_("There is no login named %(name)s.") % {"name": username}]}
                )
            data["user"] = user.pk if user else None
        return data

    def _save(self, request: Request, instance: Model, partial: bool, created: int) -> Response:
        try:
            return super()._save(request, instance, partial, created)
        except exceptions.ValidationError as exc:
            if isinstance(exc.detail, dict) and "user" in exc.detail:
                exc.detail["login"] = exc.detail.pop("user")
            raise


class _StandardCode(serializers.SlugRelatedField):
    """A standard by code, among those the user may see (others answer like missing ones)."""

    def get_queryset(self) -> QuerySet[Standard]:
        return Standard.objects.filter(access.scope_filter(self.context["request"].user, "owner_unit"))


class RaciSerializer(serializers.ModelSerializer):
    standard = _StandardCode(slug_field="code")
    letter = serializers.CharField(max_length=1, help_text="R, A, C or I")
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(active=True), allow_null=True,
                                                required=False)  # fmt: skip
    position = serializers.PrimaryKeyRelatedField(queryset=Position.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Raci
        fields = ("id", "standard", "letter", "person", "position")


class RaciViewSet(viewsets.ModelViewSet):
    """RACI assignments of the standards the user may see. Whoever may edit a standard changes its RACI;
    each assignment has a person or a position, never both."""

    serializer_class = RaciSerializer
    filterset_fields = ("standard__code", "letter", "person", "position")

    def get_queryset(self) -> QuerySet[Raci]:
        scope = access.scope_filter(self.request.user, "standard__owner_unit")
        return Raci.objects.filter(scope).select_related("standard").order_by("standard__code", "letter", "id")

    def _values(self, partial: bool = False, instance: Raci | None = None) -> dict[str, Any]:
        serializer = self.get_serializer(instance, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = {"letter": getattr(instance, "letter", None), "person": getattr(instance, "person", None),
                  "position": getattr(instance, "position", None)} if instance else {}  # fmt: skip
        values.update(serializer.validated_data)
        return values

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        values = self._values()
        assignment = _call(services.add_raci, request.user, values["standard"], values["letter"],
                           person=values.get("person"), position=values.get("position"))  # fmt: skip
        return Response(RaciSerializer(assignment).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: object, **kwargs: object) -> Response:
        assignment = self.get_object()
        values = self._values(bool(kwargs.get("partial")), assignment)
        if values.get("standard", assignment.standard) != assignment.standard:
            raise exceptions.ValidationError({"standard": [_("An assignment cannot move to another standard.")]})
        changed = _call(services.change_raci, request.user, assignment, values["letter"],
                        person=values.get("person"), position=values.get("position"))  # fmt: skip
        return Response(RaciSerializer(changed).data)

    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        _call(services.remove_raci, request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
