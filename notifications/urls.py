from rest_framework.routers import SimpleRouter

from notifications.views import AlertRuleViewSet, AlertViewSet, DeviceViewSet

router = SimpleRouter(trailing_slash=True)
router.register("devices", DeviceViewSet, basename="device")
router.register("alerts", AlertViewSet, basename="alert")
router.register("alert-rules", AlertRuleViewSet, basename="alert-rule")

urlpatterns = router.urls
