"""The policy page's document in a real browser: later pages of clauses load as they scroll into
view, and evidence in a page not loaded yet (a link, or a ``#clause-N`` address) loads it first.
Screenshot in ``test-artifacts/``."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_review_flow import ARTIFACTS, CHROMIUM, browser, sign_in  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


def test_later_pages_load_on_scroll_and_for_evidence(live_server, browser, transactional_db):  # noqa: F811
    from django.contrib.auth.models import Group
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from policies import roles
    from policies.models import Clause
    from reviews.benchmarks import make_synthetic_version
    from tests import factories

    roles.ensure_role_groups()
    team = factories.TeamFactory(name="Document team")
    user = factories.UserFactory(username="rita", password="pw-browser-123")
    user.groups.add(Group.objects.get(name=roles.REVIEWER))
    team.members.add(user)
    version = make_synthetic_version(team=team, clauses=350, findings=0, by=user)
    far = Clause.objects.get(version=version, order=313)  # on page 3
    url = f"{live_server.url}/policies/versions/{version.pk}/"

    page = sign_in(browser, live_server.url, "rita")
    page.goto(url)
    page.wait_for_selector("#doc-page-0 .clause")
    assert page.locator(f"#clause-{far.pk}").count() == 0
    # A link to evidence on a page not loaded yet loads that page, then marks the words.
    page.evaluate(
        """([id, start, end, order]) => {
            const a = document.createElement("a");
            a.href = "#clause-" + id; a.className = "evidence-link"; a.id = "probe";
            a.dataset.clause = id; a.dataset.start = start; a.dataset.end = end; a.dataset.order = order;
            a.textContent = "probe"; document.querySelector(".facts, aside, body").prepend(a);
        }""",
        [far.pk, far.start, far.start + 7, far.order],
    )
    page.click("#probe")
    page.wait_for_selector(f"#clause-{far.pk} mark.evidence")
    assert page.locator("#doc-page-1.placeholder").count() == 1  # only the page it needed
    page.screenshot(path=str(ARTIFACTS / "policy-document-evidence.png"))
    # Scrolling through the document loads the pages still missing (as a reader scrolls: a
    # placeholder into view, then a little further, until none is left).
    for _ in range(8):
        left = page.locator(".document-page.placeholder").count()
        if not left:
            break
        page.evaluate("document.querySelector('.document-page.placeholder')?.scrollIntoView()")
        page.mouse.wheel(0, 300)
        try:
            page.wait_for_function(
                "n => document.querySelectorAll('.document-page.placeholder').length < n",
                arg=left, timeout=5_000,
            )
        except PlaywrightTimeout:
            continue
    assert page.locator(".document-page.placeholder").count() == 0
    assert page.locator("#clause-list .clause").count() == 350
    # An address naming a clause on a later page loads what is missing and shows it.
    page.goto(f"{url}#clause-{far.pk}")
    page.wait_for_selector(f"#clause-{far.pk}", state="attached")
