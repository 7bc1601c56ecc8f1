from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path(
        "one-login/",
        include(
            [
                re_path(
                    r"^(?P<provider_id>[^/]+)/",
                    include(
                        [
                            path("login/", views.login, name="govuk_one_login_login"),
                            path(
                                "login/callback/",
                                views.callback,
                                name="govuk_one_login_callback",
                            ),
                        ]
                    ),
                )
            ]
        ),
    )
]
