"""Things staff keep in the hub for themselves: saved views of the work queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedView(models.Model):
    """A named set of work queue filters. Its owner sees it; with a team, that team does too.

    ``query`` is the queue's filters as a URL query string (``status=open&sort=due``), in the
    canonical form ``hub.selectors.queue_query`` writes, so opening the view is a plain link.
    Changed only through ``hub.services``.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True)
    # Shared with this team by its team lead; empty: only the owner sees it.
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="savedview_unique_owner_name")
        ]
        indexes = [models.Index(fields=["team"])]

    def __str__(self) -> str:
        return self.name
