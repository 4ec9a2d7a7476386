"""Benchmarks that print figures (never timed assertions in tests).

``extraction``: the whole pure pipeline (read, segment, classify, facts, scope and checks) on a
few MB of policy text, as a ratio to a bare regular-expression sentence split of the same text,
measured side by side in interleaved rounds (median of per-round ratios, so machine noise hits
both sides alike), plus the growth of the cost per byte from 1x to 16x the input.
"""

from __future__ import annotations

import gc
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from policies.extraction import pipeline, readers
from reviews import catalogue, checks, scope

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "policies" / "samples"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def bare_split(text: str) -> int:
    """The baseline: what the cheapest possible clause split costs."""
    return len(_SENTENCE.split(text))


def sample_text() -> str:
    """The bundled sample policies' text, each read by its own reader."""
    texts = []
    for path in sorted(SAMPLES_DIR.iterdir()):
        if path.suffix.lower() in {".txt", ".md", ".html", ".pdf", ".docx"}:
            texts.append(readers.read_document(path.read_bytes(), path.name).text)
    return "\n\n".join(texts)


def corpus_of_size(seed: str, size: int) -> str:
    """``seed`` repeated (whole policies) until it is about ``size`` characters long."""
    copies = max(1, round(size / max(1, len(seed))))
    return "\n\n".join([seed] * copies)


class FullPipeline:
    """Read -> segment -> classify -> facts -> scope -> checks, all in process, no database."""

    def __init__(self) -> None:
        self.requirements = catalogue.load_catalogue()
        self.clauses = 0

    def __call__(self, text: str) -> int:
        data = text.encode("utf-8")
        read = readers.read_document(data, "benchmark.txt", max_bytes=len(data) + 1)
        analysis = pipeline.analyse_text(read.text, read.blocks)
        index = checks.build_index(read.text, analysis.clauses, analysis.facts)
        checks.evaluate_index(self.requirements, index, scope.detect_scope_from_index(index))
        self.clauses = len(analysis.clauses)
        return self.clauses


def _timed(fn: Callable[[str], int], text: str) -> float:
    gc.collect()
    start = time.perf_counter()
    fn(text)
    return time.perf_counter() - start


@dataclass(frozen=True)
class ExtractionFigures:
    bytes: int
    rounds: int
    pipeline_seconds: float
    split_seconds: float
    pipeline_vs_split: float
    growth_16x: float
    clauses_per_second: float

    def as_json(self) -> dict:
        return {
            "pipeline_vs_split": round(self.pipeline_vs_split, 2),
            "growth_16x": round(self.growth_16x, 3),
            "clauses_per_second": round(self.clauses_per_second),
            "bytes": self.bytes,
            "rounds": self.rounds,
            "pipeline_seconds_median": round(self.pipeline_seconds, 4),
            "split_seconds_median": round(self.split_seconds, 5),
        }


def measure_extraction(*, seed: str, size: int, rounds: int) -> ExtractionFigures:
    full = FullPipeline()
    full(seed[:20000])  # warm up: model load, regex compilation
    text = corpus_of_size(seed, size)
    small = corpus_of_size(seed, max(1, size // 16))
    large = corpus_of_size(seed, len(small) * 16)
    ratios, pipe_times, split_times, clause_rates, growth = [], [], [], [], []
    for _ in range(rounds):
        split_t = _timed(bare_split, text)
        pipe_t = _timed(full, text)
        clause_rates.append(full.clauses / pipe_t)
        split_times.append(split_t)
        pipe_times.append(pipe_t)
        ratios.append(pipe_t / split_t)
    for _ in range(max(1, rounds // 2)):
        small_t = _timed(full, small) / len(small)
        large_t = _timed(full, large) / len(large)
        growth.append(large_t / small_t)
    return ExtractionFigures(
        bytes=len(text.encode("utf-8")),
        rounds=rounds,
        pipeline_seconds=statistics.median(pipe_times),
        split_seconds=statistics.median(split_times),
        pipeline_vs_split=statistics.median(ratios),
        growth_16x=statistics.median(growth),
        clauses_per_second=statistics.median(clause_rates),
    )
