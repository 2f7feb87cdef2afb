import os

from django.core.wsgi import get_wsgi_application

from jsc.startup import call_or_explain

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jsc.settings")

application = call_or_explain(get_wsgi_application)
