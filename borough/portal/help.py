"""Help pages: the answers to residents' common questions, one page each.

The answers live in borough/assistant/nlu/data/faqs.yaml, so the resident assistant quotes
and links to exactly what these pages say.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from borough.assistant.nlu.content import faq_get, faqs


def index(request):
    """Every common question, by title."""
    return render(request, "portal/help.html", {"faqs": faqs()})


def page(request, slug: str):
    """One question's answer."""
    faq = faq_get(slug)
    if faq is None:
        raise Http404("No such help page")
    context = {"faq": faq, "exit_this_page": faq.exit_this_page}
    return render(request, "portal/help_page.html", context)
