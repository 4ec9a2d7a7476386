"""State changes of the reviews app, one module per area, re-exported here:

- ``findings``: requirement catalogue, checks stage, scope, findings and ratings.
"""

from reviews.services.findings import (
    checks_stage,
    findings_compute_and_store,
    findings_refresh,
    requirements_sync_from_catalogue,
    version_scope_choose,
)

__all__ = [
    "checks_stage",
    "findings_compute_and_store",
    "findings_refresh",
    "requirements_sync_from_catalogue",
    "version_scope_choose",
]
