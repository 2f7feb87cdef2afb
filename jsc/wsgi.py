import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jsc.settings")

try:
    application = get_wsgi_application()
except Exception as exc:
    from jsc.startup import explain

    line = explain(exc)
    if line is None:
        raise
    print(line, file=sys.stderr)
    sys.exit(2)
