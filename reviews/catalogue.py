"""The requirement catalogue: what each privacy law needs a policy to say, as plain records.

``catalogue.yaml`` next to this module is the product's own list. A data migration copies it into
the database, where admins may edit entries or add internal ones; the check engine therefore takes
``RequirementSpec`` records as input and never reads the YAML itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")
# Bump whenever catalogue.yaml changes, so stored findings can say which catalogue judged them.
CATALOGUE_VERSION = "2026.11.1"

REGULATIONS: dict[str, str] = {
    "gdpr": "GDPR",
    "ccpa": "CCPA/CPRA",
    "coppa": "COPPA",
    "caloppa": "CalOPPA",
    "ferpa": "FERPA",
    "sopipa": "SOPIPA",
    "pipeda": "PIPEDA",
    "lgpd": "LGPD",
}

# A compliance team's own requirements (added in the admin) belong to this pseudo-regulation,
# which applies to every policy.
INTERNAL = "internal"
ALL_REGULATIONS: dict[str, str] = {**REGULATIONS, INTERNAL: "Internal"}

KINDS = ("disclosure", "commitment", "alternative", "guidance")

# The condition vocabulary: each key is a yes/no question scope detection answers from the text
# (``Scope.conditions``). A requirement applies when its regulation is in scope and its condition
# holds. Values are the plain-language question shown to reviewers.
CONDITIONS: dict[str, str] = {
    "always": "Always, once the regulation applies.",
    "not_established_in_eu": "The controller is based outside the EU/EEA but the GDPR reaches it.",
    "has_dpo": "A data protection officer has been appointed.",
    "relies_on_legitimate_interests": "Some processing rests on legitimate interests.",
    "relies_on_consent": "Some processing rests on consent.",
    "discloses_to_recipients": "Personal data are disclosed to anyone.",
    "transfers_outside_eea": "Personal data are sent outside the EU/EEA.",
    "collects_from_data_subject": "Data are collected from the person themselves.",
    "automated_decisions": "Solely automated decisions with significant effects are taken.",
    "new_purpose_processing": "Data are reused for a purpose other than the original one.",
    "data_from_other_sources": "Some data come from someone other than the person.",
    "sells_or_shares": "Personal information is sold or shared for cross-context advertising.",
    "uses_sensitive_beyond_permitted": "Sensitive information is used beyond permitted purposes.",
    "offers_financial_incentive": "Incentives or price differences are tied to personal data.",
    "sells_or_shares_under_16": "Data of consumers under 16 are knowingly sold or shared.",
    "large_business_10m": "Data of ten million or more consumers are handled a year.",
    "coppa_2025_amendments": "The policy is judged under the 2025 COPPA amendments.",
    "uses_persistent_identifiers_internal": "Children's persistent identifiers serve internal "
    "operations without parental consent.",
    "collects_child_audio": "Recordings of children's voices are collected.",
    "school_consent_for_children": "Schools consent for parents to collect under-13 data.",
    "has_review_process": "Users can review and change their information.",
    "tracks_across_sites": "Activity is tracked over time and across other sites.",
    "shares_with_affiliates": "Information is made available to related organisations.",
    # Regulation-level conditions, also answered by scope detection.
    "directed_to_children": "The service is aimed at, or knowingly collects from, under-13s.",
    "school_service": "Schools share education records with the service.",
    "k12_service": "The service is designed and marketed for K-12 school purposes.",
}

_REQUIRED_FIELDS = (
    "id",
    "regulation",
    "citation",
    "title",
    "must_disclose",
    "applies_when",
    "condition",
    "kind",
    "check",
)


class CatalogueError(ValueError):
    """The catalogue file or an entry in it does not follow the format."""


@dataclass(frozen=True, slots=True)
class RequirementSpec:
    """One thing a policy has to state (or, for commitments, promise)."""

    id: str
    regulation: str  # a key of REGULATIONS
    citation: str
    title: str
    must_disclose: str
    applies_when: str  # prose for reviewers; ``condition`` is what the engine uses
    condition: str  # a key of CONDITIONS
    kind: str  # one of KINDS
    cues: tuple[str, ...] = ()
    alternative_of: str | None = None
    check: str = ""  # engine rule name; unknown or empty -> the generic cue-phrase rule

    @property
    def regulation_name(self) -> str:
        return ALL_REGULATIONS.get(self.regulation, self.regulation)


def requirement_from_dict(entry: dict[str, Any]) -> RequirementSpec:
    """Build and validate one requirement from a mapping (a YAML entry or a DB row's fields)."""
    missing = [name for name in _REQUIRED_FIELDS if not entry.get(name)]
    if missing:
        raise CatalogueError(f"{entry.get('id', '?')}: missing {', '.join(missing)}")
    spec = RequirementSpec(
        id=str(entry["id"]),
        regulation=str(entry["regulation"]),
        citation=str(entry["citation"]),
        title=str(entry["title"]),
        must_disclose=str(entry["must_disclose"]),
        applies_when=str(entry["applies_when"]),
        condition=str(entry["condition"]),
        kind=str(entry["kind"]),
        cues=tuple(str(cue) for cue in entry.get("cues") or ()),
        alternative_of=entry.get("alternative_of") or None,
        check=str(entry["check"]),
    )
    if spec.regulation not in ALL_REGULATIONS:
        raise CatalogueError(f"{spec.id}: unknown regulation {spec.regulation!r}")
    if spec.condition not in CONDITIONS:
        raise CatalogueError(f"{spec.id}: unknown condition {spec.condition!r}")
    if spec.kind not in KINDS:
        raise CatalogueError(f"{spec.id}: unknown kind {spec.kind!r}")
    if (spec.kind == "alternative") != (spec.alternative_of is not None):
        raise CatalogueError(f"{spec.id}: alternative_of is required exactly for alternatives")
    return spec


def validate_catalogue(specs: tuple[RequirementSpec, ...]) -> None:
    """Cross-entry checks: unique ids, alternatives pointing at a sibling of the same law."""
    by_id: dict[str, RequirementSpec] = {}
    for spec in specs:
        if spec.id in by_id:
            raise CatalogueError(f"duplicate id {spec.id}")
        by_id[spec.id] = spec
    for spec in specs:
        if spec.alternative_of is None:
            continue
        target = by_id.get(spec.alternative_of)
        if target is None or target.regulation != spec.regulation:
            raise CatalogueError(f"{spec.id}: alternative_of {spec.alternative_of} is no sibling")


def load_catalogue(path: Path | str | None = None) -> tuple[RequirementSpec, ...]:
    """Read and validate a catalogue file (the bundled one by default), in file order."""
    source = Path(path) if path is not None else CATALOGUE_PATH
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("requirements"), list):
        raise CatalogueError(f"{source}: expected a mapping with a 'requirements' list")
    specs = tuple(requirement_from_dict(entry) for entry in data["requirements"])
    validate_catalogue(specs)
    return specs


def catalogue_file_version(path: Path | str | None = None) -> str:
    """The ``version`` key of a catalogue file (CATALOGUE_VERSION for the bundled file)."""
    source = Path(path) if path is not None else CATALOGUE_PATH
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    return str(data.get("version", "")) if isinstance(data, dict) else ""
