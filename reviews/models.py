"""Findings, decisions, reviews and annotations (built by the checks and review issues)."""
