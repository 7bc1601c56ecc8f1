from borough.accounts.policies import can_manage_templates


def hub(request):
    """What the hub's menu needs. Lazy: asked only when a hub page shows the menu."""
    return {"manages_templates": lambda: can_manage_templates(request.user)}
