"""Fact extraction: typed facts with evidence spans (see ``docs/facts.md``)."""

from policies.extraction.facts.dates import find_last_updated
from policies.extraction.facts.extract import extract_facts
from policies.extraction.facts.summary import facts_summary
from policies.extraction.facts.vocabulary import VOCABULARY

__all__ = ["VOCABULARY", "extract_facts", "facts_summary", "find_last_updated"]
