from borough.accounts.policies import can_see_dashboard


def hub_navigation(request):
    """Which hub navigation links this person gets. A callable, so pages that do not show the
    hub navigation (the portal) never run the query."""
    return {"hub_dashboard_allowed": lambda: can_see_dashboard(request.user)}
