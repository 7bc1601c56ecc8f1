"""What a person is told when their rectification or objection is decided (Articles 12(3) and
12(4)): in their own language, what was done or why not, and their right to complain to the
Information Commissioner's Office and to go to court. Sent by email where Borough holds their
address, else shown to the officer as a letter to print and post."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from borough.people.models import ProcessingActivity

from .models import RightsRequest

#: The details a person may ask to be corrected, in their words (in Polish, in the genitive
#: the sentence needs: "o poprawienie imienia").
FIELD_WORDS = {
    "first_name": pgettext_lazy("detail to correct", "first name"),
    "middle_names": pgettext_lazy("detail to correct", "middle names"),
    "last_name": pgettext_lazy("detail to correct", "last name"),
    "date_of_birth": pgettext_lazy("detail to correct", "date of birth"),
    "dob": pgettext_lazy("detail to correct", "date of birth"),
    "sex": pgettext_lazy("detail to correct", "sex"),
    "address": pgettext_lazy("detail to correct", "address"),
    "postcode": pgettext_lazy("detail to correct", "postcode"),
    "phone": pgettext_lazy("detail to correct", "phone number"),
    "email": pgettext_lazy("detail to correct", "email address"),
    "ni_number": pgettext_lazy("detail to correct", "National Insurance number"),
}

#: The processing a person may object to, in their words.
ACTIVITY_WORDS: dict[str, Any] = {
    ProcessingActivity.SINGLE_VIEW: gettext_lazy(
        "linking your records in different council systems to each other (the single view)"
    ),
    ProcessingActivity.ASSISTANT_LLM: gettext_lazy(
        "sending your messages and requests to the council's language model"
    ),
}

#: Why a request was refused, in the person's words.
EXEMPTION_WORDS: dict[str, Any] = {
    RightsRequest.Exemption.ACCURATE: gettext_lazy(
        "we have checked, and the information we hold is accurate. We have added a note of "
        "your view to your request"
    ),
    RightsRequest.Exemption.UNFOUNDED: gettext_lazy(
        "the request is manifestly unfounded or excessive"
    ),
    RightsRequest.Exemption.COMPELLING: gettext_lazy(
        "we need to do this to carry out our public duties, and our reasons for it outweigh "
        "the reasons you gave us"
    ),
    RightsRequest.Exemption.LEGAL_OBLIGATION: gettext_lazy(
        "the law requires us to do this, so the right to object does not apply"
    ),
    RightsRequest.Exemption.LEGAL_CLAIMS: gettext_lazy("we need it for a legal claim"),
}


def _body(request: RightsRequest) -> str:
    asked = f"{request.received_on.day}/{request.received_on.month}/{request.received_on.year}"
    ref = request.reference
    field = FIELD_WORDS.get(request.field, request.field)
    activity = ACTIVITY_WORDS.get(request.activity, request.activity)
    upheld = request.status == RightsRequest.Status.UPHELD
    if request.kind == RightsRequest.Kind.RECTIFICATION:
        if upheld:
            first = _(
                "You asked us on %(asked)s to correct your %(field)s (reference %(ref)s). We "
                "have corrected it in our records to: %(value)s."
            ) % {"asked": asked, "field": field, "ref": ref, "value": request.corrected_value}
        else:
            first = _(
                "You asked us on %(asked)s to correct your %(field)s (reference %(ref)s). We "
                "have not changed it, because %(why)s."
            ) % {
                "asked": asked,
                "field": field,
                "ref": ref,
                "why": EXEMPTION_WORDS[request.exemption],
            }
    elif upheld:
        first = _(
            "You objected on %(asked)s to %(activity)s (reference %(ref)s). We have stopped "
            "doing this with your information."
        ) % {"asked": asked, "activity": activity, "ref": ref}
    else:
        first = _(
            "You objected on %(asked)s to %(activity)s (reference %(ref)s). We will carry on, "
            "because %(why)s."
        ) % {
            "asked": asked,
            "activity": activity,
            "ref": ref,
            "why": EXEMPTION_WORDS[request.exemption],
        }
    parts = [first]
    if request.decision_reasons:
        parts.append(
            _("Our reasons, from the officer who decided:") + "\n" + request.decision_reasons
        )
    if not upheld:
        parts.append(
            _(
                "If you are unhappy with this decision you can complain to the Information "
                "Commissioner's Office (ico.org.uk, 0303 123 1113), and you can ask a court to "
                "enforce your rights."
            )
        )
    parts.append(str(settings.COUNCIL_NAME))
    return "\n\n".join(parts)


def outcome_message(request: RightsRequest, language: str) -> tuple[str, str]:
    """(subject, body) of the outcome, in ``language`` (the person's preferred one)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        if request.kind == RightsRequest.Kind.RECTIFICATION:
            subject = _("Your request to correct your information: %(ref)s") % {
                "ref": request.reference
            }
        else:
            subject = _("Your objection to how we use your information: %(ref)s") % {
                "ref": request.reference
            }
        return subject, _body(request)
