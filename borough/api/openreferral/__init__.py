"""Open Referral UK (HSDS 3.0 UK profile) read API at /openreferral/ (issue 26)."""
