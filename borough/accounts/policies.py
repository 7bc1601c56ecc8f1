"""Who may do what. The one place permission questions are answered."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from borough.core.actors import Actor, ApiClientActor, ResidentActor, StaffActor, SystemActor

from .memberships import holds_role as _holds_role
from .memberships import memberships
from .memberships import roles_by_team as _roles_by_team
from .models import Role

# Roles that may look at cases of every team (agents raise requests for any service; admins
# run the platform). Officers and team leads see the cases of their own teams only.
ROLES_SEEING_ALL_TEAMS = {Role.AGENT, Role.ADMIN}


def can_use_hub(user) -> bool:
    return bool(user.is_authenticated and user.is_council_staff)


def in_team_roles_or_admin(user, team_slug: str, roles) -> bool:
    """The hub's least-privilege rule for a team's own work (the single view, governance,
    payments, homes, the directory): ``roles`` in the team ``team_slug``, or an admin or a
    superuser. Never agents or other teams' officers."""
    if not can_use_hub(user):
        return False
    if user.is_superuser:
        return True
    return any(
        role == Role.ADMIN or (slug == team_slug and role in roles)
        for _, slug, role in memberships(user)
    )


def visible_team_ids(user) -> set[int] | None:
    """Team ids whose cases ``user`` may see, or ``None`` for every team."""
    if user.is_superuser:
        return None
    rows = memberships(user)
    if any(role in ROLES_SEEING_ALL_TEAMS for _, _, role in rows):
        return None
    return {team_id for team_id, _, _ in rows}


# Roles that may change a case (assign, move status, add notes) in their own team. Agents raise
# and look at cases but do not work them.
ROLES_WORKING_CASES = {Role.OFFICER, Role.TEAM_LEAD, Role.ADMIN}


def can_work_case(user, case) -> bool:
    """May ``user`` change this case? Officers and team leads of its team, and admins."""
    if not can_use_hub(user):
        return False
    if user.is_superuser:
        return True
    roles = _roles_by_team(user)
    if Role.ADMIN in roles.values():
        return True
    return roles.get(case.team_id) in ROLES_WORKING_CASES


def work_team_ids(user) -> set[int] | None:
    """Teams whose cases ``user`` may change, or ``None`` for every team (admins)."""
    return _team_ids_where_role(user, ROLES_WORKING_CASES)


def can_bulk_change(user) -> bool:
    """May ``user`` use the queue's bulk actions at all? Anyone who works some team's cases.
    Each selected case is still checked on its own (``work_team_ids``)."""
    team_ids = work_team_ids(user)
    return team_ids is None or bool(team_ids)


def can_see_case(user, case) -> bool:
    team_ids = visible_team_ids(user)
    return can_use_hub(user) and (team_ids is None or case.team_id in team_ids)


def can_see_resident(user, resident, *, case_team_ids: set[int]) -> bool:
    """Agents and admins see every resident; officers only those with a case in their teams.

    ``case_team_ids`` are the teams of the resident's cases.
    """
    team_ids = visible_team_ids(user)
    return can_use_hub(user) and (team_ids is None or bool(team_ids & case_team_ids))


def can_transfer_case(user, case) -> bool:
    """Officers and team leads of the case's current team, and admins."""
    return can_work_case(user, case)


def _team_ids_where_role(user, roles: AbstractSet[str]) -> set[int] | None:
    """Teams where ``user`` holds one of ``roles``; ``None`` (every team) for admins."""
    if not can_use_hub(user):
        return set()
    if user.is_superuser:
        return None
    rows = memberships(user)
    if any(role == Role.ADMIN for _, _, role in rows):
        return None
    return {team_id for team_id, _, role in rows if role in roles}


# Roles that may write and change their team's response templates.
ROLES_MANAGING_TEMPLATES = {Role.TEAM_LEAD, Role.ADMIN}


def template_team_ids(user) -> set[int] | None:
    """Teams whose response templates ``user`` may manage, or ``None`` for every team."""
    return _team_ids_where_role(user, ROLES_MANAGING_TEMPLATES)


def can_manage_templates(user, team=None) -> bool:
    """Team leads manage their own teams' templates; admins manage every team's.

    Without ``team``: may ``user`` manage templates of any team at all?
    """
    team_ids = template_team_ids(user)
    if team_ids is None:
        return True
    return bool(team_ids) if team is None else team.pk in team_ids


# Roles that see the team dashboard of their own teams; admins see every team's. Agents work
# across teams on contacts, not on a team's caseload, so the dashboard is not for them.
ROLES_SEEING_TEAM_DASHBOARD = {Role.OFFICER, Role.TEAM_LEAD}


def dashboard_team_ids(user) -> set[int] | None:
    """Teams whose dashboard ``user`` may see: ``None`` for every team, an empty set for none.

    Admins (and superusers) see every team; team leads and officers their own teams.
    """
    return _team_ids_where_role(user, ROLES_SEEING_TEAM_DASHBOARD)


def can_see_dashboard(user) -> bool:
    team_ids = dashboard_team_ids(user)
    return team_ids is None or bool(team_ids)


# Roles that may read the KPI dashboards: they show how every team and channel performs, so
# those who run teams and the platform. Agents and officers see their work in the queue.
ROLES_READING_INSIGHTS = {Role.TEAM_LEAD, Role.ADMIN}


def can_see_insights(user) -> bool:
    """May ``user`` read the KPI dashboards in the hub? Team leads, admins and superusers."""
    if not can_use_hub(user):
        return False
    if user.is_superuser:
        return True
    return _holds_role(user, ROLES_READING_INSIGHTS)


# Roles that read every message in the outbox (notify): those who run teams and the platform.
ROLES_READING_OUTBOX = {Role.TEAM_LEAD, Role.ADMIN}


def outbox_access(user) -> str:
    """How ``user`` may use the hub's outbox: "all" (team leads, admins, superusers),
    "by_case" (other staff: the messages about one case they can see, found by its
    reference) or "" (not at all)."""
    if not can_use_hub(user):
        return ""
    if user.is_superuser:
        return "all"
    if _holds_role(user, ROLES_READING_OUTBOX):
        return "all"
    return "by_case"


# ------------------------------------------------------------------ saved views of the queue

# Roles that may share a saved view with their team (everyone in the hub may save their own).
ROLES_SHARING_VIEWS = {Role.TEAM_LEAD, Role.ADMIN}


def view_share_team_ids(user) -> set[int] | None:
    """Teams ``user`` may share a saved view with: team leads their own teams, admins any."""
    return _team_ids_where_role(user, ROLES_SHARING_VIEWS)


def can_share_view(user, team) -> bool:
    team_ids = view_share_team_ids(user)
    return team_ids is None or team.pk in team_ids


def can_change_saved_view(user, view) -> bool:
    """Only the owner renames, shares or deletes a saved view."""
    return can_use_hub(user) and view.owner_id == user.pk


def can_manage_api_clients(user) -> bool:
    """May ``user`` create and deactivate API clients (keys for other systems)? Admins only."""
    if not can_use_hub(user):
        return False
    if user.is_superuser:
        return True
    return _holds_role(user, {Role.ADMIN})


def can_manage_integrations(user) -> bool:
    """May ``user`` manage webhook subscriptions, connectors and service routing? Admins only
    (the same people who hold other systems' keys)."""
    return can_manage_api_clients(user)


def may_manage_api_clients(actor: Actor) -> bool:
    """May ``actor`` create or deactivate API clients? Staff admins only (ADR 0026)."""
    return isinstance(actor, StaffActor) and can_manage_api_clients(actor.user)


def may_manage_integrations(actor: Actor) -> bool:
    """May ``actor`` change webhook subscriptions, connectors and routing? Staff admins only."""
    return isinstance(actor, StaffActor) and can_manage_integrations(actor.user)


def can_send_mfa_enrolment_links(user) -> bool:
    """May ``user`` send staff the links that let them set up an authenticator app? Admins."""
    return can_manage_api_clients(user)


def may_send_mfa_enrolment_link(actor: Actor, staff_member) -> bool:
    """May ``actor`` send ``staff_member`` a link to set up their authenticator app? A staff
    admin, for someone else (nobody enrols themselves), or the operator's command line (the
    first administrator's link: ``manage.py mfa_enrolment_link``). Only for active staff."""
    if not getattr(staff_member, "is_council_staff", False):
        return False
    if isinstance(actor, SystemActor):
        return True
    return (
        isinstance(actor, StaffActor)
        and actor.user.pk != staff_member.pk
        and can_send_mfa_enrolment_links(actor.user)
    )


# ------------------------------------------------------------------ single view

#: The team that links the council's records into a single view and reviews uncertain matches.
DATA_TEAM_SLUG = "data"
ROLES_USING_SINGLE_VIEW = {Role.OFFICER, Role.TEAM_LEAD}


def may_use_single_view(user) -> bool:
    """May ``user`` search the single view, see linked people and households, review uncertain
    matches and read the data-quality report? Officers and team leads of the data team, admins
    and superusers: it joins personal data from every system."""
    return in_team_roles_or_admin(user, DATA_TEAM_SLUG, ROLES_USING_SINGLE_VIEW)


# ------------------------------------------------------------------------------ live chat

# Every role answers residents in the live chat queue: agents first of all, and anyone above.
ROLES_HANDLING_LIVE_CHAT = {Role.AGENT, Role.OFFICER, Role.TEAM_LEAD, Role.ADMIN}


def can_handle_live_chat(user) -> bool:
    """May ``user`` see the live chat queue, take chats and reply? Agents and above."""
    if not can_use_hub(user):
        return False
    if user.is_superuser:
        return True
    return _holds_role(user, ROLES_HANDLING_LIVE_CHAT)


def may_handle_live_chat(actor: Actor) -> bool:
    """May ``actor`` take, answer, close or raise a request from a chat? Staff who handle the
    live chat queue (``can_handle_live_chat``)."""
    return isinstance(actor, StaffActor) and can_handle_live_chat(actor.user)


def may_change_resident_details(actor: Actor, resident) -> bool:
    """May ``actor`` change this resident's contact details? The resident themselves."""
    return (
        isinstance(actor, ResidentActor)
        and actor.resident is not None
        and actor.resident.pk == resident.pk
    )


def may_start_own_record(actor: Actor, user) -> bool:
    """May ``actor`` start a resident record for this account? The account's own resident,
    signed in (a new account keeps its details and requests there). Staff accounts have none."""
    return (
        isinstance(actor, ResidentActor)
        and user is not None
        and actor.user is not None
        and actor.user.pk == user.pk
        and not getattr(user, "is_council_staff", False)
    )


def may_write_in_chat(actor: Actor, conversation=None) -> bool:
    """May ``actor`` start a chat with the assistant (no ``conversation``) or write in this one?
    Anyone may start one. A chat started without signing in is open to whoever holds its
    unguessable token; a signed-in resident's chat is theirs alone. Borough itself (a channel
    such as the phone) may write in any."""
    match actor:
        case ResidentActor(user=user):
            owner = conversation.user_id if conversation is not None else None
            return owner is None or (user is not None and user.pk == owner)
        case SystemActor():
            return True
    return False


# ------------------------------------------------------- actions on cases, by any actor

# Every state-changing service in ``cases`` asks one of these about the typed actor it was
# given (ADR 0023), so a view, an API router, the assistant or a task cannot forget the check.

# What staff who work a case may do to it (``can_work_case``: officers and team leads of its
# team, admins).
STAFF_CASE_ACTIONS = frozenset(
    {
        "transition",
        "assign",
        "set_priority",
        "add_note",
        "send_update",
        "mark_duplicate",
        "link",
        "transfer",
        "record_time",
    }
)
# What an API client holding a write scope may do: move a case on and add notes or updates.
API_CASE_ACTIONS = frozenset({"transition", "add_note"})
# The API scopes that allow writing cases (``clients.Scope`` values).
CASE_WRITE_SCOPES = frozenset({"cases.write", "open311.post"})
# The API scopes that allow changing a case's status as well (issue 16).
CASE_STATUS_SCOPES = frozenset({"cases.status", "open311.status"})
# What a resident may do to their own request.
RESIDENT_CASE_ACTIONS = frozenset({"add_information", "not_fixed", "add_contact"})


def may_create_case(actor: Actor) -> bool:
    """May ``actor`` raise a request? Residents for themselves, hub staff for a resident
    (assisted digital, live chat), API clients with a write scope, and Borough itself."""
    match actor:
        case StaffActor(user=user):
            return can_use_hub(user)
        case ApiClientActor(scopes=scopes):
            return bool(scopes & CASE_WRITE_SCOPES)
        case ResidentActor() | SystemActor():
            return True
    return False


def may_upload_file(actor: Actor) -> bool:
    """May ``actor`` hand Borough a file for a form (issue 16)? Whoever may raise a request,
    except Borough itself: residents, hub staff, API clients with a write scope."""
    return not isinstance(actor, SystemActor) and may_create_case(actor)


def may_use_upload(actor: Actor, upload) -> bool:
    """May ``actor`` answer a file question with this upload? An API client only with the
    uploads it sent itself. Files sent through Borough's own pages (portal, hub, chat) never
    leave the server's keeping (their ids are not shown), and no API client may name them."""
    if upload.api_client_id is not None or upload.uploader == "api_client":
        return isinstance(actor, ApiClientActor) and actor.client_id == upload.api_client_id
    return not isinstance(actor, ApiClientActor)


def _resident_owns(actor: ResidentActor, case) -> bool:
    if actor.tracking_case_id is not None:
        return actor.tracking_case_id == case.pk
    return actor.resident is not None and case.resident_id == actor.resident.pk


def api_client_may_update(client_id: int, case) -> bool:
    """May the API client ``client_id`` update ``case`` at all? Only a case it sent (REST or
    Open311), or one a connector handed off to the system that uses this client to send its
    updates back (issue 16)."""
    if case.api_client_id is not None and case.api_client_id == client_id:
        return True
    handoff = getattr(case, "handoff", None)  # a case never handed off has none
    return handoff is not None and handoff.connector.api_client_id == client_id


def may_change_case(actor: Actor, case, action: str) -> bool:
    """May ``actor`` do ``action`` (one of the ``*_CASE_ACTIONS``) to ``case``?"""
    match actor:
        case StaffActor(user=user):
            return action in STAFF_CASE_ACTIONS and can_work_case(user, case)
        case ApiClientActor(client_id=client_id, scopes=scopes):
            if action == "transition":
                allowed = bool(scopes & CASE_STATUS_SCOPES)
            else:
                allowed = action in API_CASE_ACTIONS and bool(scopes & CASE_WRITE_SCOPES)
            return allowed and api_client_may_update(client_id, case)
        case ResidentActor():
            return action in RESIDENT_CASE_ACTIONS and _resident_owns(actor, case)
        case SystemActor():
            return True
    return False


def may_see_case(actor: Actor, case) -> bool:
    """May ``actor`` see ``case`` (to name it as the original of a duplicate, or link it)?"""
    match actor:
        case StaffActor(user=user):
            return can_see_case(user, case)
        case ResidentActor():
            return _resident_owns(actor, case)
        case SystemActor():
            return True
    return False


def may_manage_templates(actor: Actor, team) -> bool:
    """Response templates: team leads of ``team`` and admins (staff only)."""
    return isinstance(actor, StaffActor) and can_manage_templates(actor.user, team)


# ------------------------------------------------------------- residents' records, by any actor


def may_log_contact(actor: Actor) -> bool:
    """May ``actor`` log a contact handled for a resident? Hub staff only."""
    return isinstance(actor, StaffActor) and can_use_hub(actor.user)


def may_record_need(actor: Actor, resident) -> bool:
    """May ``actor`` record a need on ``resident``'s record (with its consent)? Hub staff, the
    resident themselves (in chat), and Borough itself."""
    match actor:
        case StaffActor(user=user):
            return can_use_hub(user)
        case ResidentActor(resident=own):
            return own is not None and own.pk == resident.pk
        case SystemActor():
            return True
    return False


# ------------------------------------------------ who has seen or changed a resident's record

#: Members of this team (any role) answer residents' subject access and data protection
#: questions, so they may see who has seen or changed any resident's record.
DATA_PROTECTION_TEAM_SLUG = "data-protection"


def can_see_record_access(user, *, case_team_ids: AbstractSet[int]) -> bool:
    """May ``user`` see who has viewed or changed a resident's record (issue 16)?

    Admins, superusers and the data protection team for every resident; team leads for a
    resident with a case in one of their teams (``case_team_ids``). Not agents or officers.
    """
    if not can_use_hub(user):
        return False
    if user.is_superuser:
        return True
    for team_id, slug, role in memberships(user):
        if role == Role.ADMIN or slug == DATA_PROTECTION_TEAM_SLUG:
            return True
        if role == Role.TEAM_LEAD and team_id in case_team_ids:
            return True
    return False


# Roles that may give money back on a paid request (issue 20): not every officer.
ROLES_REFUNDING = {Role.TEAM_LEAD, Role.ADMIN}


def may_refund(actor: Actor, case) -> bool:
    """May ``actor`` refund a payment for ``case``? Team leads of its team and admins."""
    match actor:
        case StaffActor(user=user):
            if not can_use_hub(user):
                return False
            if user.is_superuser:
                return True
            roles = _roles_by_team(user)
            return Role.ADMIN in roles.values() or roles.get(case.team_id) in ROLES_REFUNDING
    return False


def can_manage_branding(user) -> bool:
    """May ``user`` change the council's brand (logo, colour, footer, contact details, the
    site-wide banner) in the hub? Administrators only (issue 25)."""
    return can_manage_api_clients(user)
