"""Institutions and their members: verified membership, administrators (issue 12)."""
