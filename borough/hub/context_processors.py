from borough.accounts.policies import can_see_insights


def hub(request):
    """Whether to offer the Insights link; asked only when a hub page shows its navigation."""
    return {"can_see_insights": lambda: can_see_insights(request.user)}
