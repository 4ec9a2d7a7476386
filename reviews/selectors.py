"""Reads of the reviews app."""

from __future__ import annotations

from policies import selectors as policy_selectors
from policies.models import PolicyVersion


def version_analysis(*, version: PolicyVersion, forced: list[str] | None = None) -> dict:
    """The full ``analyze --json`` entry of a version (docs/analyze-json.md)."""
    return policy_selectors.version_export(version=version)
