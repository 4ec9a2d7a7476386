"""The annotation page in a real browser: number keys label the current clause, j moves on, and
labels typed faster than the server answers are all kept (each change is sent after the
previous one is swapped in). Screenshot in ``test-artifacts/``."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_review_flow import ARTIFACTS, CHROMIUM, browser  # noqa: F401 - fixture
from tests.policies.test_services import POLICY

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


def test_fast_number_keys_label_the_current_clause(live_server, browser, transactional_db):  # noqa: F811
    from django.contrib.auth.models import Group

    from policies import roles, services as policy_services
    from policies.extraction.document import CATEGORIES
    from reviews.campaigns import services
    from reviews.campaigns.models import Annotation, Assignment
    from tests import factories

    roles.ensure_role_groups()
    team = factories.TeamFactory(name="Annotation team")
    annotator = factories.UserFactory(username="ann", password="pw-browser-123")
    annotator.groups.add(Group.objects.get(name=roles.ANNOTATOR))
    team.members.add(annotator)
    outcome = policy_services.policy_version_import(
        team=team, by=annotator, data=POLICY.encode(), filename="acme.txt", enqueue=False
    )
    policy_services.extraction_run_execute(run_id=outcome.run.pk)
    campaign = services.campaign_create(
        team=team, by=None, name="Keyboard", overlap=1, versions=[outcome.version],
        annotators=[annotator],
    )
    services.campaign_assign_balanced(campaign_id=campaign.pk, by=None)
    assignment = Assignment.objects.get(campaign=campaign, annotator=annotator)

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ann")
    page.fill("#id_password", "pw-browser-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/policies/")
    page.goto(f"{live_server.url}/campaigns/assignments/{assignment.pk}/")
    page.wait_for_selector("article.ann-clause.current")

    page.keyboard.press("j")  # the second clause
    second = page.locator("article.ann-clause").nth(1)
    clause_id = int(second.get_attribute("data-clause"))
    for key in "1256":  # faster than the server answers
        page.keyboard.press(key)
    page.wait_for_function(
        "id => document.querySelectorAll('#clause-' + id + ' button.lab.on').length === 4",
        arg=clause_id,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "annotate-keyboard.png"))

    saved = set(
        Annotation.objects.filter(campaign=campaign, clause_id=clause_id, annotator=annotator)
        .values_list("label", flat=True)
    )
    assert saved == {CATEGORIES[0], CATEGORIES[1], CATEGORIES[4], CATEGORIES[5]}
    page.keyboard.press("2")  # toggles off again
    page.wait_for_function(
        "id => document.querySelectorAll('#clause-' + id + ' button.lab.on').length === 3",
        arg=clause_id,
    )
    assert not Annotation.objects.filter(clause_id=clause_id, label=CATEGORIES[1]).exists()
    context.close()
