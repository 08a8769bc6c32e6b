from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from guifan.web.core import access
from guifan.web.org.models import OrgUnit, Person


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ("id", "code", "name", "name_en", "kind", "parent")


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ("id", "code", "name", "unit", "position", "active")


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrgUnitSerializer

    def get_queryset(self) -> QuerySet[OrgUnit]:
        scope = access.unit_scope(self.request.user)
        units = OrgUnit.objects.order_by("code")
        return units if scope is None else units.filter(pk__in=scope)


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    filterset_fields = ("unit", "active")

    def get_queryset(self) -> QuerySet[Person]:
        scope = access.unit_scope(self.request.user)
        people = Person.objects.order_by("code")
        return people if scope is None else people.filter(unit__in=scope)
