"""What the hub's menu needs to know about the person signed in.

Callables, so pages that do not show the hub menu (the portal) never run the queries.
"""

from borough.accounts.directory_policies import can_review_directory
from borough.accounts.governance_policies import can_govern_information
from borough.accounts.homes_policies import can_see_homes
from borough.accounts.inclusion_policies import can_run_inclusion
from borough.accounts.payment_policies import can_reconcile_payments
from borough.accounts.policies import (
    can_handle_live_chat,
    can_manage_api_clients,
    can_manage_templates,
    can_see_dashboard,
    can_see_insights,
    may_use_single_view,
)
from borough.accounts.telephony_policies import can_handle_calls, can_manage_routing_plan


def hub_navigation(request):
    """Which hub navigation links this person gets."""
    return {
        "manages_templates": lambda: can_manage_templates(request.user),
        "hub_dashboard_allowed": lambda: can_see_dashboard(request.user),
        "can_see_insights": lambda: can_see_insights(request.user),
        "manages_api_clients": lambda: can_manage_api_clients(request.user),
        "uses_single_view": lambda: may_use_single_view(request.user),
        "handles_live_chat": lambda: can_handle_live_chat(request.user),
        "handles_calls": lambda: can_handle_calls(request.user),
        "manages_routing_plan": lambda: can_manage_routing_plan(request.user),
        "governs_information": lambda: can_govern_information(request.user),
        "reconciles_payments": lambda: can_reconcile_payments(request.user),
        "sees_homes": lambda: can_see_homes(request.user),
        "reviews_directory": lambda: can_review_directory(request.user),
        "runs_inclusion": lambda: can_run_inclusion(request.user),
    }
