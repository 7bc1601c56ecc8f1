"""The Resident Hub's pages, one module per family: the work queue and its bulk actions
(``queue``), saved views of it (``saved_views``), a case (``case``) and the actions on it
(``case_actions``), response templates (``response_templates``), a resident
(``residents``), the team dashboard (``dashboard``) and the old sign-in address (``sign_in``).
"""
