"""Pages of the reviews app, one module per area, re-exported for ``reviews/urls.py``:

- ``findings``: the findings panel and the scope form.
"""

from reviews.views.findings import version_findings, version_scope

__all__ = ["version_findings", "version_scope"]
