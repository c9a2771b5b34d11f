"""The audit trail: verify its hash chain, export it."""

from oxkair.audit.trail import ChainProblem, ChainReport, export_entries, verify_chain

__all__ = ["ChainProblem", "ChainReport", "export_entries", "verify_chain"]
