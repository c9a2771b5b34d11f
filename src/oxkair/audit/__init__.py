"""The audit trail: verify its hash chain, export it."""

from oxkair.audit.trail import ChainProblem, export_entries, verify_chain

__all__ = ["ChainProblem", "export_entries", "verify_chain"]
