"""REST API v1 at /api/v1/ (django-ninja). One module per resource; ``api.py`` adds them."""
