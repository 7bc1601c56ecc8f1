from django.conf import settings


def borough(request):
    """What every page needs to know about the council running it."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "feedback_email": settings.FEEDBACK_EMAIL,
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
