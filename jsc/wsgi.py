import os

from django.core.wsgi import get_wsgi_application

from jsc.startup import call_or_explain, check_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jsc.settings")

application = call_or_explain(get_wsgi_application)
# An unreachable database stops the web process here with one line, not on the first
# request with a traceback.
call_or_explain(check_database)
