"""JWTs that end when their user changes (docs/security.md, "Ending a user's tokens").

Each token carries the user's ``token_version`` as it was at login (the ``ver`` claim);
``User.save`` raises the version when the password, role, facility or active flag
changes. Every request checks the access token's version against the user's, and a
refresh checks the refresh token's, so the user's next request after a change answers
401 on every device. simplejwt already reads the user for each request (to check that
she is active), so the check costs no query of its own.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import (
    SimpleJWTScheme,
    TokenObtainPairSerializerExtension,
    TokenRefreshSerializerExtension,
)
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication, serializers
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

VERSION_CLAIM = "ver"
ENDED = _("This sign-in has ended: the password, role or facility changed. Sign in again.")


def _check_version(user, token: Token) -> None:
    # A token from before versions existed has no claim: it is of version 0.
    if token.get(VERSION_CLAIM, 0) != user.token_version:
        raise AuthenticationFailed(ENDED, code="token_not_valid")


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's, also refusing an access token of an older version."""

    def get_user(self, validated_token: Token):
        user = super().get_user(validated_token)
        _check_version(user, validated_token)
        return user


class TokenObtainPairSerializer(serializers.TokenObtainPairSerializer):
    """The login: a refresh and an access token, both of the user's current version."""

    @classmethod
    def get_token(cls, user):
        token = super().get_token(user)
        token[VERSION_CLAIM] = user.token_version
        return token


class TokenRefreshSerializer(serializers.TokenRefreshSerializer):
    """A new access token, only for a refresh token of the user's current version (and a
    user who still exists and is active)."""

    def validate(self, attrs):
        refresh = self.token_class(attrs["refresh"])
        user_id = refresh.payload.get(api_settings.USER_ID_CLAIM)
        user = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
        # simplejwt's own check answers a deleted user with a 500 (DoesNotExist).
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailed(ENDED, code="no_active_account")
        _check_version(user, refresh)
        return super().validate(attrs)


# The schema: drf-spectacular knows simplejwt's classes by name, not their subclasses.
class _JWTScheme(SimpleJWTScheme):
    target_class = "jsc.people.tokens.JWTAuthentication"


class _TokenObtainSchema(TokenObtainPairSerializerExtension):
    target_class = "jsc.people.tokens.TokenObtainPairSerializer"


class _TokenRefreshSchema(TokenRefreshSerializerExtension):
    target_class = "jsc.people.tokens.TokenRefreshSerializer"
