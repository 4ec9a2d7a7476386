"""Compliance checks: turn clauses and facts into one verdict per applicable requirement."""

from reviews.checks.engine import ENGINE_VERSION, RULES, Verdict, evaluate, evaluate_index
from reviews.checks.index import Evidence, PolicyIndex, build_index
from reviews.checks.rules_general import has_contact

__all__ = [
    "ENGINE_VERSION",
    "RULES",
    "Evidence",
    "PolicyIndex",
    "Verdict",
    "build_index",
    "evaluate",
    "evaluate_index",
    "has_contact",
]
