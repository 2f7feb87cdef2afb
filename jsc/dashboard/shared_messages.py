"""Messages of shared modules (jsc/params.py, jsc/people/places.py) that the dashboard's
and the places' endpoints answer with, named here so that ``makemessages`` run in this
app finds them and this app's catalog carries their Indonesian. Keep in step with those
modules; gettext_noop only marks, it translates nothing at import."""

from django.utils.translation import gettext_noop

SHARED_MESSAGES = (
    gettext_noop("Unknown query parameter."),
    gettext_noop("No village of the regency has the code %(code)s."),
    gettext_noop(
        "No village of the regency is called %(name)s; give its name as listed or its code."
    ),
    gettext_noop("More than one village is called %(name)s; give one of their codes: %(codes)s."),
)
