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
from urllib.parse import urlencode

from policies.extraction import pipeline, readers
from policies.extraction.document import ReadResult
from reviews import catalogue, checks, scope

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "policies" / "samples"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def bare_split(text: str) -> int:
    """The baseline: what the cheapest possible clause split costs."""
    return len(_SENTENCE.split(text))


def sample_reads() -> list[ReadResult]:
    """The bundled sample policies, each read by its own reader."""
    return [
        readers.read_document(path.read_bytes(), path.name)
        for path in sorted(SAMPLES_DIR.iterdir())
        if path.suffix.lower() in {".txt", ".md", ".html", ".pdf", ".docx"}
    ]


def sample_text() -> str:
    return "\n\n".join(read.text for read in sample_reads())


def checks_ms_per_policy(reads: list[ReadResult], *, rounds: int = 21) -> list[float]:
    """CPU milliseconds of scope + checks for each policy (reading, segmenting with the
    reader's structure, classifying and facts done once before), the minimum of ``rounds``
    runs: what the checks add to one policy's processing."""
    requirements = catalogue.load_catalogue()
    inputs = []
    for read in reads:
        analysis = pipeline.analyse_text(read.text, read.blocks)
        inputs.append((read.text, analysis.clauses, analysis.facts))
    best = [float("inf")] * len(inputs)
    for _ in range(rounds):
        for i, (text, clauses, facts) in enumerate(inputs):
            start = time.process_time()
            index = checks.build_index(text, clauses, facts)
            checks.evaluate_index(requirements, index, scope.detect_scope_from_index(index))
            best[i] = min(best[i], time.process_time() - start)
    return [t * 1000 for t in best]


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
    checks_ms: tuple[float, ...] = ()

    def as_json(self) -> dict:
        return {
            "pipeline_vs_split": round(self.pipeline_vs_split, 2),
            "growth_16x": round(self.growth_16x, 3),
            "clauses_per_second": round(self.clauses_per_second),
            "checks_ms_per_policy_mean": round(statistics.mean(self.checks_ms), 2) if self.checks_ms else None,
            "checks_ms_per_policy_max": round(max(self.checks_ms), 2) if self.checks_ms else None,
            "policies": len(self.checks_ms),
            "bytes": self.bytes,
            "rounds": self.rounds,
            "pipeline_seconds_median": round(self.pipeline_seconds, 4),
            "split_seconds_median": round(self.split_seconds, 5),
        }


def measure_extraction(
    *, seed: str, size: int, rounds: int, policies: list[ReadResult] | None = None
) -> ExtractionFigures:
    """The pipeline against the bare split on ``seed`` repeated to ``size``, the growth from
    1x to 16x, and (for each of ``policies``) what scope + checks add per policy."""
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
        checks_ms=tuple(checks_ms_per_policy(policies)) if policies else (),
    )


# ---------------------------------------------------------------------------------------------
# ``review``: the review page at 300 and 3,000 clauses against the real database.

_SENTENCES = (
    "We collect your name, e-mail address and device identifiers when you use the service.",
    "We share personal information with service providers that host our platform.",
    "You may ask us to delete your account at any time by writing to privacy@example.com.",
    "We keep usage data for 30 days and then delete it.",
    "We use encryption and access controls to protect your information.",
)


def make_synthetic_version(*, team, clauses: int, findings: int = 40, by=None):
    """A policy version with ``clauses`` clauses (every tenth a heading), predictions, facts and
    ``findings`` findings citing clauses spread over the whole document, plus a VersionRating:
    the shape of a long, processed policy, written in bulk. Call inside a transaction that the
    caller rolls back (the benchmark) or in a test database."""
    import hashlib
    import itertools
    import uuid

    from policies.extraction import pipeline as pipeline_stages
    from policies.models import (
        Clause,
        ExtractionRun,
        Fact,
        Policy,
        PolicyVersion,
        Prediction,
        Section,
    )
    from reviews.models import Finding, FindingEvidence, Requirement, VersionRating

    parts, spans = [], []
    offset = 0
    for i in range(clauses):
        text = f"Section {i // 10 + 1}" if i % 10 == 0 else _SENTENCES[i % len(_SENTENCES)] + f" ({i})"
        spans.append((offset, offset + len(text), "heading" if i % 10 == 0 else "paragraph"))
        parts.append(text)
        offset += len(text) + 2
    body = "\n\n".join(parts)
    policy = Policy.objects.create(team=team, name=f"Synthetic {clauses} clauses {uuid.uuid4().hex[:8]}")
    version = PolicyVersion.objects.create(
        policy=policy, number=1, text=body, content_hash=hashlib.sha256(body.encode()).hexdigest(),
        original=body.encode(), original_name="synthetic.txt", media_type="text/plain",
        size=len(body), created_by=by,
    )
    run = ExtractionRun.objects.create(version=version, status="succeeded", progress=100, pipeline_version="bench")
    section = Section.objects.create(version=version, order=0, heading="", start=0, end=len(body))
    rows = Clause.objects.bulk_create(
        Clause(
            version=version, section=section, order=i, kind=kind, start=start, end=end,
            heading_path=[f"Section {i // 10 + 1}"],
            fingerprint=pipeline_stages.fingerprint(body[start:end]),
        )
        for i, (start, end, kind) in enumerate(spans)
    )
    labels = ["First Party Collection/Use", "Third Party Sharing/Collection", "Data Retention"]
    Prediction.objects.bulk_create(
        Prediction(clause=c, run=run, label=labels[c.order % 3], confidence=0.8, model_version="bench")
        for c in rows if c.kind != "heading"
    )
    Fact.objects.bulk_create(
        Fact(version=version, run=run, clause=c, kind="retention", value={"period_days": 30},
             start=c.start, end=c.start + 5)
        for c in rows[3::50]
    )
    requirements = list(Requirement.objects.order_by("regulation", "id")[:findings])
    statuses = itertools.cycle(["missing", "partial", "satisfied", "not_applicable", "satisfied"])
    made = Finding.objects.bulk_create(
        Finding(version=version, requirement=r, regulation=r.regulation, status=next(statuses),
                rationale="Synthetic verdict.", run=run)
        for r in requirements
    )
    body_rows = [c for c in rows if c.kind != "heading"]
    step = max(1, len(body_rows) // max(1, len(made)))
    FindingEvidence.objects.bulk_create(
        FindingEvidence(finding=f, clause=body_rows[(k * step) % len(body_rows)],
                        start=body_rows[(k * step) % len(body_rows)].start,
                        end=body_rows[(k * step) % len(body_rows)].start + 7)
        for k, f in enumerate(made)
    )
    VersionRating.objects.create(version=version, overall="Warning", reasons=["Synthetic."], coverage={})
    return version


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class ReviewFigures:
    page_vs_bare: float
    growth_10x: float
    swap_vs_page: float
    queries_300: int
    queries_3000: int
    page_seconds_3000: float
    page_seconds_300: float
    bare_seconds_3000: float
    swap_seconds: float
    rounds: int

    def as_json(self) -> dict:
        return {
            "page_vs_bare": round(self.page_vs_bare, 2),
            "growth_10x": round(self.growth_10x, 2),
            "swap_vs_page": round(self.swap_vs_page, 3),
            "queries_300": self.queries_300,
            "queries_3000": self.queries_3000,
            "page_seconds_3000": round(self.page_seconds_3000, 4),
            "page_seconds_300": round(self.page_seconds_300, 4),
            "bare_seconds_3000": round(self.bare_seconds_3000, 5),
            "swap_seconds": round(self.swap_seconds, 4),
            "rounds": self.rounds,
        }


_BARE = (
    "{% for c in clauses %}<div id=\"clause-{{ c.pk }}\" class=\"clause\">"
    "<p class=\"clause-text\">{{ c.text }}</p></div>{% endfor %}"
)


def measure_review(*, rounds: int = 7) -> ReviewFigures:
    """Server time of the review page (Django test client, real PostgreSQL), side by side with
    a bare template loop over the same 3,000 clause rows; the page at 300 vs 3,000 clauses; one
    decision's htmx response vs the page; query counts. Everything is made inside a transaction
    that is rolled back."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.template import engines
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from policies import roles
    from policies.models import Clause, Team
    from reviews import services
    from reviews.models import Finding

    result: dict = {}
    try:
        # The test client calls itself "testserver"; the rollback keeps the database as it was.
        with override_settings(ALLOWED_HOSTS=["testserver"]), transaction.atomic():
            roles.ensure_role_groups()
            team = Team.objects.create(name="benchmark-review-team")
            user = get_user_model().objects.create_user("benchmark-reviewer", password="x")
            user.groups.add(Group.objects.get(name=roles.REVIEWER))
            team.members.add(user)
            small = make_synthetic_version(team=team, clauses=300, by=user)
            large = make_synthetic_version(team=team, clauses=3000, by=user)
            reviews = {
                n: services.review_start(version_id=v.pk, by=user) for n, v in ((300, small), (3000, large))
            }
            client = Client()
            client.force_login(user)
            urls = {n: f"/reviews/{r.pk}/" for n, r in reviews.items()}
            for url in urls.values():  # warm up: templates, URL resolver, caches
                assert client.get(url).status_code == 200
            queries = {}
            for n, url in urls.items():
                with CaptureQueriesContext(connection) as ctx:
                    client.get(url)
                queries[n] = len(ctx.captured_queries)
            template = engines["django"].from_string(_BARE)
            text = large.text

            def bare() -> None:
                rows = [
                    {"pk": c.pk, "text": text[c.start : c.end]}
                    for c in Clause.objects.filter(version=large).order_by("order")
                ]
                template.render({"clauses": rows})

            finding = Finding.objects.filter(version=large).order_by("pk").first()
            decide_url = f"/reviews/{reviews[3000].pk}/findings/{finding.pk}/decide/"
            page_3000, page_300, bare_t, swap = [], [], [], []
            for i in range(rounds):
                bare_t.append(_timed_call(bare))
                page_3000.append(_timed_call(lambda: client.get(urls[3000])))
                page_300.append(_timed_call(lambda: client.get(urls[300])))
                lock = Finding.objects.get(pk=finding.pk).lock_version
                action = urlencode(
                    {"action": "approve" if i % 2 == 0 else "reject", "lock_version": lock, "comment": "bench"}
                )
                # Posted the way htmx 2 posts a form (urlencoded, HX-Request), not as multipart.
                swap.append(
                    _timed_call(
                        lambda a=action: client.post(
                            decide_url, a, content_type="application/x-www-form-urlencoded",
                            headers={"HX-Request": "true"},
                        )
                    )
                )
            result.update(
                page_3000=statistics.median(page_3000), page_300=statistics.median(page_300),
                bare=statistics.median(bare_t), swap=statistics.median(swap),
                page_vs_bare=statistics.median(p / b for p, b in zip(page_3000, bare_t, strict=True)),
                swap_vs_page=statistics.median(s / p for s, p in zip(swap, page_3000, strict=True)),
                queries=queries,
            )
            raise _Rollback
    except _Rollback:
        pass
    return ReviewFigures(
        page_vs_bare=result["page_vs_bare"],
        growth_10x=result["page_3000"] / result["page_300"],
        swap_vs_page=result["swap_vs_page"],
        queries_300=result["queries"][300],
        queries_3000=result["queries"][3000],
        page_seconds_3000=result["page_3000"],
        page_seconds_300=result["page_300"],
        bare_seconds_3000=result["bare"],
        swap_seconds=result["swap"],
        rounds=rounds,
    )


def _timed_call(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
