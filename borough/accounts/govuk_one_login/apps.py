from django.apps import AppConfig


class GovukOneLoginConfig(AppConfig):
    name = "borough.accounts.govuk_one_login"
    label = "govuk_one_login"
    verbose_name = "GOV.UK One Login"
