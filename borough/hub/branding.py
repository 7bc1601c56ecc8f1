"""The council's brand in the hub (issue 25): administrators set the organisation's name, the
logo, the brand colour, footer links, contact details and the site-wide banner, and see every
change (who, when, what). Saved by ``core.brand``; every page shows it on its next request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from borough.accounts.policies import can_manage_branding
from borough.accounts.reauth import fresh_sign_in_required
from borough.core.actors import StaffActor
from borough.core.brand import (
    LOGO_MAX_BYTES,
    BrandInvalid,
    brand_current,
    brand_history,
    brand_save,
)

from .access import staff_required

TEXT_FIELDS = (
    "council_name",
    "brand_colour",
    "footer_links",
    "contact_phone",
    "contact_email",
    "contact_address",
    "site_banner",
)


def _entered_from(brand) -> dict[str, str]:
    return {
        "council_name": brand.council_name,
        "brand_colour": brand.brand_colour,
        "footer_links": "\n".join(f"{label}={url}" for label, url in brand.footer_links),
        "contact_phone": brand.contact_phone,
        "contact_email": brand.contact_email,
        "contact_address": brand.contact_address,
        "site_banner": brand.site_banner,
    }


@never_cache
@staff_required
@fresh_sign_in_required
def branding(request):
    """The brand form and its history. Administrators only."""
    if not can_manage_branding(request.user):
        raise PermissionDenied
    brand = brand_current()
    errors: dict[str, str] = {}
    entered = _entered_from(brand)
    if request.method == "POST":
        entered = {key: request.POST.get(key, "") for key in TEXT_FIELDS}
        upload = request.FILES.get("logo")
        if upload is not None and upload.size > LOGO_MAX_BYTES * 4:
            errors["logo"] = "The logo must be smaller than 200 KB"
        else:
            try:
                brand_save(
                    actor=StaffActor(request.user),
                    entered=entered,
                    logo=upload,
                    remove_logo=request.POST.get("remove_logo") == "yes",
                )
            except BrandInvalid as invalid:
                errors = invalid.errors
            else:
                messages.success(request, "The council's brand is saved: every page shows it now")
                return redirect("hub:branding")
    return render(
        request,
        "hub/branding.html",
        {
            "brand": brand,
            "entered": entered,
            "errors": errors,
            "history": brand_history(),
            "has_uploaded_logo": brand.logo_url.startswith("/brand/logo/"),
        },
        status=400 if errors else 200,
    )
