from __future__ import annotations

import time
import uuid

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri, get_request_param
from django.http import Http404
from django.urls import reverse

NONCE_SESSION_KEY = "govuk_one_login_nonce"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def client_assertion(*, client_id: str, token_url: str, private_key: str, kid: str = "") -> str:
    """The signed JWT that proves the service is the client (RFC 7523, ``private_key_jwt``)."""
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + 300,
    }
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims, private_key, algorithm="RS256", headers=headers)


class GovukOneLoginAdapter(OpenIDConnectOAuth2Adapter):
    def get_callback_url(self, request, app):
        url = reverse("govuk_one_login_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, url, self.redirect_uri_protocol)

    def get_access_token_data(self, request, app, client, pkce_code_verifier=None):
        if app.settings.get("token_auth_method") != "private_key_jwt":
            return super().get_access_token_data(request, app, client, pkce_code_verifier)
        client.consumer_secret = ""  # no secret is sent: empty fields are left out
        assertion = client_assertion(
            client_id=app.client_id,
            token_url=self.access_token_url,
            private_key=app.settings["private_key"],
            kid=app.settings.get("private_key_id", ""),
        )
        data = client.get_access_token(
            get_request_param(self.request, "code"),
            pkce_code_verifier=pkce_code_verifier,
            extra_data={
                "client_assertion_type": CLIENT_ASSERTION_TYPE,
                "client_assertion": assertion,
            },
        )
        self.did_fetch_access_token = True
        return data

    def complete_login(self, request, app, token, **kwargs):
        expected = request.session.pop(NONCE_SESSION_KEY, None)
        id_token = kwargs["response"].get("id_token") or ""
        try:
            nonce = jwt.decode(id_token, options={"verify_signature": False}).get("nonce")
        except jwt.PyJWTError as error:
            raise OAuth2Error("Invalid id_token") from error
        if not expected or nonce != expected:
            raise OAuth2Error("The id_token's nonce is not the one sent")
        return super().complete_login(request, app, token, **kwargs)


@login_not_required
def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(GovukOneLoginAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(GovukOneLoginAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
