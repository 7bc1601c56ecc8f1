"""The community directory: local organisations' services to Open Referral UK (issue 26)."""
