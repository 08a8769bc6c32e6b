from rest_framework.routers import DefaultRouter

from guifan.web.measure.api import DataSourceViewSet, EvaluationViewSet, ResultViewSet
from guifan.web.org.api import OrgUnitViewSet, PersonViewSet, PositionViewSet, RaciViewSet
from guifan.web.standards.api import PackViewSet, StandardViewSet, VersionViewSet

router = DefaultRouter()
router.register("standards", StandardViewSet, basename="api-standard")
router.register("packs", PackViewSet, basename="api-pack")
router.register("versions", VersionViewSet, basename="api-version")
router.register("evaluations", EvaluationViewSet, basename="api-evaluation")
router.register("results", ResultViewSet, basename="api-result")
router.register("datasets", DataSourceViewSet, basename="api-dataset")
router.register("org-units", OrgUnitViewSet, basename="api-org-unit")
router.register("people", PersonViewSet, basename="api-person")
router.register("positions", PositionViewSet, basename="api-position")
router.register("raci", RaciViewSet, basename="api-raci")

urlpatterns = router.urls
