from __future__ import annotations

import secrets

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from .views import NONCE_SESSION_KEY, GovukOneLoginAdapter


class GovukOneLoginProvider(OpenIDConnectProvider):
    """OpenID Connect with a nonce per sign-in (checked in the id token) and, when the app's
    ``token_auth_method`` is ``private_key_jwt``, a signed client assertion instead of a
    client secret. ``vtr`` (One Login's vector of trust) is sent when set."""

    id = "govuk_one_login"
    name = "GOV.UK One Login"
    oauth2_adapter_class = GovukOneLoginAdapter

    def get_auth_params_from_request(self, request, action):
        params = super().get_auth_params_from_request(request, action)
        nonce = secrets.token_urlsafe(24)
        request.session[NONCE_SESSION_KEY] = nonce
        params["nonce"] = nonce
        vtr = self.app.settings.get("vtr")
        if vtr:
            params["vtr"] = vtr
        return params


provider_classes = [GovukOneLoginProvider]
