"""Framework messages whose Indonesian translation the packages do not ship.

DRF's Indonesian catalogue translates about a third of its messages, and
djangorestframework-simplejwt ships Indonesian only as ``id_ID`` (which Django does
not pick for ``id``) with gaps. Our catalogue (locale/id) comes first in Django's
search order, so listing those msgids here, exactly as the packages spell them, lets
`make messages` extract them and our translations fill the gaps. Nothing imports
this module at run time; it only has to be found by the extractor.
"""

from django.utils.translation import gettext_noop

FRAMEWORK_MESSAGES = [
    # rest_framework.exceptions
    gettext_noop("Malformed request."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop("Invalid input."),
    # rest_framework.fields
    gettext_noop("Not a valid string."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("A valid number is required."),
    gettext_noop("A valid biginteger is required."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("String value too large."),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop("Expected a datetime but got a date."),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("Datetime value out of range."),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("This list may not be empty."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop("This value does not match the required pattern."),
    gettext_noop(
        'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'
    ),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("Object with {slug_name}={value} does not exist."),
    gettext_noop("Invalid value."),
    # rest_framework.validators and pagination
    gettext_noop("This field must be unique."),
    gettext_noop("The fields {field_names} must make a unique set."),
    gettext_noop("Invalid page."),
    # rest_framework.authentication
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid basic header. No credentials provided."),
    # rest_framework_simplejwt
    gettext_noop("Token is invalid"),
    gettext_noop("Token is expired"),
    gettext_noop("No active account found for the given token."),
    gettext_noop("The user's password has been changed."),
]
