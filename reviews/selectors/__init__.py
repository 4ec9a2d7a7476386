"""Reads of the reviews app, one module per area, re-exported here:

- ``findings``: requirements as engine input, scope, findings grouped for pages, the analyze entry.
"""

from reviews.selectors.findings import (
    FindingView,
    Quote,
    RegulationFindings,
    applied_regulations,
    findings_by_regulation,
    requirement_specs,
    scope_to_json,
    version_analysis,
    version_findings,
    version_pipeline_inputs,
    version_rating,
)

__all__ = [
    "FindingView",
    "Quote",
    "RegulationFindings",
    "applied_regulations",
    "findings_by_regulation",
    "requirement_specs",
    "scope_to_json",
    "version_analysis",
    "version_findings",
    "version_pipeline_inputs",
    "version_rating",
]
