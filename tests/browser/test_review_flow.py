"""The main flow in a real browser: Debian's headless Chromium driven by Playwright against
the live server, with a real Celery worker over Redis. Screenshots of every step go to
``test-artifacts/`` (gitignored)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.policies.test_services import POLICY
from tests.policies.test_worker import worker  # noqa: F401 - the fixture, shared

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
    # calls from the test body; allowed for this test only (undone after it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(browser, base: str, username: str):
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-browser-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/policies/")
    return page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"review-{name}.png"), full_page=False)


def test_import_review_approve_and_download_the_report(worker, live_server, browser, transactional_db):  # noqa: F811
    from django.contrib.auth.models import Group

    from policies import roles
    from reviews.models import FindingEvidence, FindingReview, Review, ReviewerAnnotation
    from tests import factories

    roles.ensure_role_groups()
    team = factories.TeamFactory(name="Browser team")
    for username, role in (("rita", "Reviewer"), ("april", "Approver")):
        user = factories.UserFactory(username=username, password="pw-browser-123")
        user.groups.add(Group.objects.get(name=role))
        team.members.add(user)
    base = live_server.url

    # Sign in, import a policy, watch the progress bar finish.
    page = sign_in(browser, base, "rita")
    shot(page, "01-signed-in")
    page.goto(f"{base}/policies/import/")
    page.fill("#id_vendor", "Acme")
    page.fill("#id_name", "Acme Learning")
    page.fill("#id_text", POLICY)
    page.click("button:has-text('Import')")
    page.wait_for_url("**/policies/versions/*/")
    shot(page, "02-imported")
    page.wait_for_selector("#run-status.run-succeeded", timeout=90_000)
    shot(page, "03-processed")

    # Open the review.
    page.click("#open-review")
    page.click("#start-review")
    page.wait_for_selector("li.finding")
    shot(page, "04-review-page")
    review = Review.objects.get()

    # Keyboard: next finding, approve; next, reject with a reason.
    page.keyboard.press("j")
    first = page.locator("li.finding.selected")
    first_id = first.get_attribute("data-finding")
    page.keyboard.press("a")
    page.wait_for_selector(f"#finding-{first_id}-decision[data-state=approved]")
    page.keyboard.press("j")
    second_id = page.locator("li.finding.selected").get_attribute("data-finding")
    page.keyboard.press("r")
    page.keyboard.type("The clause says something else.")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#finding-{second_id}-decision[data-state=rejected]")
    page.keyboard.press("?")
    assert page.locator("#help-overlay").is_visible()
    shot(page, "05-keyboard-decisions-and-help")
    page.keyboard.press("Escape")

    # Mouse: approve the next undecided finding with its button.
    third = page.locator("li.finding:has(> [data-state=undecided])").first
    third_id = third.get_attribute("data-finding")
    third.locator("button.act-approve").click()
    page.wait_for_selector(f"#finding-{third_id}-decision[data-state=approved]")
    # The decision swapped only the row's decision part; the row's evidence form still works
    # (it sends the new lock version): cite clause 1 and the whole row comes back with it.
    row = page.locator(f"#finding-{third_id}")  # (``third`` now points at the next undecided row)
    row.locator("details.act:has(> summary:text-is('Evidence')) summary").click()
    row.locator("input.clause-number-input").fill("1")
    row.locator("button:text-is('Add evidence')").click()
    page.wait_for_selector(f"#finding-{third_id} button:text-is('Remove clause #1')", state="attached")
    assert "Someone else changed" not in page.locator(f"#finding-{third_id}").inner_text()
    assert FindingEvidence.objects.filter(finding_id=third_id, clause__order=0).exists()
    # Selecting a finding's evidence highlights it in the document.
    evidence = page.locator("li.finding a.evidence-link").first
    if evidence.count():
        evidence.click()
        page.wait_for_selector("mark.evidence")
    shot(page, "06-mouse-decision-and-evidence")

    # Tag a clause.
    page.locator(".clause:not(.kind-heading) .clause-num").first.click()
    page.wait_for_selector("#clause-panel h2")
    page.select_option("#tag-label", "Data Security")
    page.click("#add-tag")
    page.wait_for_selector("#panel-tags .tag-reviewer")
    assert ReviewerAnnotation.objects.filter(label="Data Security").exists()
    shot(page, "07-tagged-clause")

    # Decide the rest (non-gaps in one go, gaps one by one) and submit.
    # Mark the findings pane, so we wait until the answer has replaced it (clicking a row of
    # the old pane while the swap is in flight would post from a row about to be removed).
    page.evaluate("document.getElementById('findings-pane').dataset.old = 'yes'")
    page.click("button:has-text('Approve undecided non-gaps')")
    page.wait_for_selector("#findings-pane:not([data-old])")
    page.wait_for_load_state("networkidle")
    while page.locator("li.finding:has(> [data-state=undecided]) button.act-approve").count():
        row = page.locator("li.finding:has(> [data-state=undecided])").first
        row_id = row.get_attribute("data-finding")
        row.locator("button.act-approve").click()
        page.wait_for_selector(f"#finding-{row_id}-decision[data-state=approved]")
    assert not FindingReview.objects.filter(review=review, state="undecided").exists()
    page.click("details.assign summary")
    page.select_option("#id_assignee", label="rita")
    page.select_option("#id_approver", label="april")
    page.click(".assign-form button[type=submit]")
    page.wait_for_selector("text=Assignment saved.")
    page.click("#submit-review")
    page.wait_for_selector(".review-in_review")
    shot(page, "08-submitted")

    # The approver requests changes; the reviewer submits again; the approver approves.
    boss = sign_in(browser, base, "april")
    boss.goto(f"{base}/reviews/queue/")
    boss.click(f"a[href='/reviews/{review.pk}/']")
    boss.fill("#changes-note", "Please double-check the contact finding.")
    boss.click("#request-changes")
    boss.wait_for_selector(".review-changes_requested")
    shot(boss, "09-changes-requested")
    page.reload()
    page.click("#submit-review")
    page.wait_for_selector(".review-in_review")
    boss.reload()
    boss.click("#approve-review")
    boss.wait_for_selector(".review-approved")
    shot(boss, "10-approved")

    # The report is built by the worker; the page shows progress, then the report.
    boss.click("#open-report")
    boss.wait_for_selector("#download-pdf", timeout=60_000)
    shot(boss, "11-report")
    with boss.expect_download() as download_info:
        boss.click("#download-pdf")
    path = download_info.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    review.refresh_from_db()
    assert review.status == "approved" and review.approved_by.username == "april"
