"""The service's URLs plus views that raise, for tests/jsc/test_server_error.py."""

from django.urls import path
from rest_framework.views import APIView

from jsc.urls import handler404, handler500  # noqa: F401
from jsc.urls import urlpatterns as service_urls


class Broken(Exception):
    pass


class RaisingApiView(APIView):
    permission_classes = []

    def get(self, request):
        raise Broken("a bug")


def raising_view(request):
    raise Broken("a bug")


urlpatterns = [
    path("api/v1/raises/", RaisingApiView.as_view()),
    path("api/v1/raises-plain/", raising_view),
    path("raises/", raising_view),
    *service_urls,
]
