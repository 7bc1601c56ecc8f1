"""Find a caller (issue 17, point 11): residents by name, phone, email, address or postcode,
or the reference of one of their cases, among the residents this member of staff may see.

Agents and admins see every resident; officers only those with a case in their teams (the
rule of ``accounts.policies.can_see_resident``, applied in the query). Each kind of search
reads through an index: phone and email are matched whole (normalised), names by the
(last name, first name) index or a scan of a few thousand short rows, addresses through the
properties' ``search_text`` (trigram-indexed on PostgreSQL).
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Replace

from borough.accounts.policies import visible_team_ids
from borough.cases.models import OPEN_STATUSES, Case
from borough.cases.references import normalise_reference
from borough.linkage.personal_details import normalise_email, normalise_phone
from borough.people.models import Resident
from borough.places.models import Property

# A search names one person or one household: more than this many means "be more precise".
MAX_RESULTS = 50
MAX_WORDS = 6


def _words(text: str) -> list[str]:
    return text.lower().replace(",", " ").split()[:MAX_WORDS]


def _kind_of(text: str) -> tuple[str, str]:
    """What was typed: ("reference" | "email" | "phone" | "words", the normalised value)."""
    if "@" in text:
        return "email", normalise_email(text) or text.strip().lower()
    digits = sum(ch.isdigit() for ch in text)
    phone = normalise_phone(text) if digits >= 9 and not any(ch.isalpha() for ch in text) else None
    if phone:
        return "phone", phone
    reference = normalise_reference(text)
    if reference:
        # About one reference in twenty is letters only ("KMPQ-RSTV"): it is still a reference,
        # and _matching tries the words as well, so eight letters of a name still find the name.
        return "reference", reference
    return "words", text


def _phone_compact() -> Replace:
    """The stored phone number without the spaces, dashes, dots and brackets people type:
    numbers residents gave in MyAccount are kept as typed ("07700 900 982")."""
    compact = Replace(F("phone"), Value(" "), Value(""))
    for character in "-().":
        compact = Replace(compact, Value(character), Value(""))
    return compact


def _phone_forms(e164: str) -> list[str]:
    """Every compact way a UK number in E.164 may have been typed and stored."""
    if not e164.startswith("+44"):
        return [e164]
    national = e164[3:]
    return [e164, f"0{national}", f"44{national}", f"0044{national}", f"+440{national}"]


def _matching(text: str) -> Q | None:
    kind, value = _kind_of(text)
    if kind == "email":
        return Q(email__iexact=value)
    if kind == "phone":
        return Q(phone_compact__in=_phone_forms(value))
    if kind == "reference":
        # A house number and a street may look like a reference ("124 hayes"): both are tried.
        by_case = Q(pk__in=Case.objects.filter(reference=value).values("resident_id"))
        return by_case | (_by_words(text) or Q(pk__in=[]))
    return _by_words(value)


def _by_words(text: str) -> Q | None:
    """Every word is the start of a first or last name, or part of the home address."""
    words = _words(text)
    if not words:
        return None
    condition = Q()
    for word in words:
        places = Property.objects.filter(search_text__contains=word).values("pk")
        condition &= (
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(household__property_id__in=places)
        )
    return condition


def resident_search(text: str, *, user) -> tuple[list[Resident], bool]:
    """The residents ``user`` may see that ``text`` finds, by name, and whether there were
    more than ``MAX_RESULTS`` (only the first are returned)."""
    text = (text or "").strip()[:100]
    condition = _matching(text) if text else None
    if condition is None:
        return [], False
    residents: QuerySet[Resident] = Resident.objects.annotate(
        phone_compact=_phone_compact()
    ).filter(condition)
    team_ids = visible_team_ids(user)
    if team_ids is not None:
        residents = residents.filter(
            Exists(Case.objects.filter(resident_id=OuterRef("pk"), team_id__in=team_ids))
        )
    found: list[Resident] = list(
        residents.select_related("household__property__usrn")
        .annotate(
            open_cases=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES), distinct=True)
        )
        .order_by("last_name", "first_name", "pk")[: MAX_RESULTS + 1]
    )
    return found[:MAX_RESULTS], len(found) > MAX_RESULTS
