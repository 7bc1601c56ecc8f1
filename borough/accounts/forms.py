"""allauth's forms with GOV.UK error messages: each says what to do, in the person's words.

Configured in settings (ACCOUNT_FORMS, MFA_FORMS).
"""

from __future__ import annotations

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.utils.translation import gettext_lazy as _

ENTER_EMAIL = _("Enter your email address")
EMAIL_FORMAT = _("Enter an email address in the correct format, like name@example.com")

MESSAGES = {
    "login": {"required": ENTER_EMAIL, "invalid": EMAIL_FORMAT},
    "email": {"required": ENTER_EMAIL, "invalid": EMAIL_FORMAT},
    "password": {"required": _("Enter your password")},
    "password1": {"required": _("Create a password")},
    "password2": {"required": _("Type your password again")},
}


class GovukMessages:
    """Set GOV.UK "required" and "invalid" messages on the form's fields."""

    messages: dict[str, dict] = MESSAGES
    fields: dict[str, forms.Field]  # the form's, which this is mixed into

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, messages in self.messages.items():
            if name in self.fields:
                self.fields[name].error_messages.update(messages)


class LoginForm(GovukMessages, account_forms.LoginForm):
    pass


class SignupForm(GovukMessages, account_forms.SignupForm):
    pass


class ResetPasswordForm(GovukMessages, account_forms.ResetPasswordForm):
    pass


class RequestLoginCodeForm(GovukMessages, account_forms.RequestLoginCodeForm):
    pass


class ConfirmLoginCodeForm(GovukMessages, account_forms.ConfirmLoginCodeForm):
    messages = {"code": {"required": _("Enter the sign-in code from the email")}}


APP_CODE = {"code": {"required": _("Enter the code from your authenticator app")}}


class AuthenticateForm(GovukMessages, mfa_forms.AuthenticateForm):
    messages = APP_CODE


class ReauthenticateForm(GovukMessages, mfa_forms.ReauthenticateForm):
    messages = APP_CODE


class ActivateTOTPForm(GovukMessages, totp_forms.ActivateTOTPForm):
    messages = APP_CODE
