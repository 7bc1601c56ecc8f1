"""Your home in MyAccount (issue 27): the readings of the sensors in a council tenant's home,
advice, the alerts raised (with "already reported" and "I'm fine"), and the choice to share
readings or not. The privacy notice for sensor data is public."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from borough.core.actors import ResidentActor
from borough.homes.charts import home_charts
from borough.homes.models import Alert, TenantAnswer
from borough.homes.selectors import devices_at, hours_of, rules, sharing_of
from borough.homes.services import Invalid, alert_tenant_answer, sharing_set

from .request_page import signed_in_resident


def _advice(latest) -> list[str]:
    if latest is None:
        return []
    advice = []
    if latest.humidity is not None and latest.humidity >= 65:
        advice.append(
            _(
                "The air in your home is damp. Open a window for a few minutes after "
                "cooking, showering or drying clothes, and use the extractor fan."
            )
        )
    if latest.temperature is not None and latest.temperature < 18:
        advice.append(
            _(
                "Your home is cooler than 18°C. Heating the rooms you use to at least "
                "18°C helps keep you well and stops condensation."
            )
        )
    if latest.co2 is not None and latest.co2 >= 1500:
        advice.append(_("The air is stale. Open a window or a trickle vent for fresh air."))
    return advice or [_("The readings in your home look fine.")]


@login_required
@never_cache
def my_home(request):
    resident = signed_in_resident(request)
    household = resident.household if resident else None
    if household is None or household.moved_out is not None:
        raise Http404
    uprn = household.property_id
    actor = ResidentActor(resident=resident, user=request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if "sharing" in request.POST:
            sharing = request.POST["sharing"] == "on"
            sharing_set(actor=actor, property_id=uprn, sharing=sharing)
            messages.success(
                request,
                _("Sharing is on.")
                if sharing
                else _("Sharing is off. We will not store or use new readings from your home."),
            )
            return redirect("portal:my_home")
        alert = Alert.objects.filter(
            pk=request.POST.get("alert") or 0, property_id=uprn, closed_at__isnull=True
        ).first()
        if alert is None:
            raise Http404
        try:
            alert_tenant_answer(actor=actor, alert=alert, answer=request.POST.get("answer", ""))
        except Invalid:
            errors[f"answer-{alert.pk}"] = _("Select an answer")
        else:
            messages.success(request, _("Thank you. We have told the housing team."))
            return redirect("portal:my_home")
    devices = devices_at(uprn)
    env = [d.pk for d in devices if d.kind == "environment"]
    now = timezone.now()
    rows = hours_of(env, now - dt.timedelta(days=7))
    choice = sharing_of(uprn)
    status = 400 if errors else 200
    return render(
        request,
        "portal/myaccount/home.html",
        {
            "devices": devices,
            "sharing": choice is None or choice.sharing,
            "latest": rows[-1] if rows else None,
            "advice": _advice(rows[-1] if rows else None),
            "alerts": Alert.objects.filter(property_id=uprn, closed_at__isnull=True),
            "answers": TenantAnswer.choices,
            "errors": errors,
            **home_charts(rows, days=7, rules=rules(), now=now),
        },
        status=status,
    )
