from rest_framework.routers import DefaultRouter

from guifan.web.improvement.api import FindingViewSet
from guifan.web.measure.api import DataSourceViewSet, EvaluationViewSet, ResultViewSet
from guifan.web.org.api import OrgUnitViewSet, PersonViewSet, PositionViewSet, RaciViewSet
from guifan.web.process.api import ProcessViewSet, StepViewSet
from guifan.web.process.discovery_api import ProcessDiscoveryViewSet
from guifan.web.quality.api import CharacteristicViewSet, ChartViewSet, ExclusionViewSet
from guifan.web.service.api import CalendarViewSet
from guifan.web.standards.api import PackViewSet, StandardViewSet, VersionViewSet

router = DefaultRouter()
router.register("standards", StandardViewSet, basename="api-standard")
router.register("packs", PackViewSet, basename="api-pack")
router.register("versions", VersionViewSet, basename="api-version")
router.register("evaluations", EvaluationViewSet, basename="api-evaluation")
router.register("results", ResultViewSet, basename="api-result")
router.register("datasets", DataSourceViewSet, basename="api-dataset")
router.register("findings", FindingViewSet, basename="api-finding")
router.register("org-units", OrgUnitViewSet, basename="api-org-unit")
router.register("people", PersonViewSet, basename="api-person")
router.register("positions", PositionViewSet, basename="api-position")
router.register("raci", RaciViewSet, basename="api-raci")
router.register("calendars", CalendarViewSet, basename="api-calendar")
router.register("spc-characteristics", CharacteristicViewSet, basename="api-spc-characteristic")
router.register("spc-charts", ChartViewSet, basename="api-spc-chart")
router.register("spc-exclusions", ExclusionViewSet, basename="api-spc-exclusion")
router.register("processes", ProcessViewSet, basename="api-process")
router.register("process-steps", StepViewSet, basename="api-process-step")
router.register("process-discovery", ProcessDiscoveryViewSet, basename="api-process-discovery")

urlpatterns = router.urls
