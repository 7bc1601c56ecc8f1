import gettext as gnu_gettext
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .brand import brand_current

# The BCP 47 tag for each language's <html lang>: Django's codes are lower case.
HTML_LANG = {"en-gb": "en-GB"}


@lru_cache(maxsize=16)
def machine_made(code: str) -> bool:
    """Is the portal's catalogue for ``code`` machine-made and not yet reviewed (its header
    ``X-Machine-Translation``, ADR 0032)? Welsh is, until a Welsh speaker reviews it."""
    for folder in settings.LOCALE_PATHS:
        path = Path(folder) / code / "LC_MESSAGES" / "django.mo"
        if path.exists():
            with path.open("rb") as handle:
                info = gnu_gettext.GNUTranslations(handle).info()
            return bool(info.get("x-machine-translation"))
    return False


def _is_staff_path(request) -> bool:
    return request.path_info.startswith(tuple(settings.STAFF_PATH_PREFIXES))


def languages(request):
    """The page's language and, on resident pages, the switcher's links to the others."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    switcher = []
    if len(settings.LANGUAGES) > 1 and not _is_staff_path(request):
        here = request.get_full_path()
        for code, name in settings.LANGUAGES:
            switcher.append(
                {
                    "code": code,
                    "name": name,
                    "html_lang": HTML_LANG.get(code, code),
                    "current": code == current,
                    "url": f"{reverse('portal:language', args=[code])}?{urlencode({'next': here})}",
                }
            )
    return {
        "html_lang": HTML_LANG.get(current, current),
        "language_switcher": switcher,
        # Shown under the switcher on every page in a machine-made language, until reviewed.
        "machine_translated": bool(switcher) and machine_made(current),
    }


def borough(request):
    """What every page needs to know about the council running it."""
    # The council's brand (issue 25, ``core.brand``): set in the hub, else the environment.
    brand = brand_current()
    return {
        "council_name": brand.council_name,
        # The default name is in the translation catalogue; a council's own name stays as set.
        "service_name": translation.gettext(settings.SERVICE_NAME),
        "service_phase": settings.SERVICE_PHASE,
        "feedback_email": settings.FEEDBACK_EMAIL,
        "exit_this_page_url": settings.EXIT_THIS_PAGE_URL,
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "brand_version": brand.version,
        "logo_url": brand.logo_url,
        "brand_colour": brand.brand_colour,
        "footer_links": brand.footer_links,
        "contact_phone": brand.contact_phone,
        "contact_email": brand.contact_email,
        "contact_address": brand.contact_address,
        "site_banner": brand.site_banner,
    }
