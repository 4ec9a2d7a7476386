"""Scope detection: which laws apply, with reasons; forced scopes; the condition vocabulary."""

import pytest

from reviews.catalogue import CONDITIONS
from reviews.scope import Scope, detect_scope
from tests.reviews.test_checks import simple_clauses


def scope_of(text: str) -> Scope:
    return detect_scope(text, simple_clauses(text), [])


def test_gdpr_from_explicit_mention_with_evidence():
    text = "Acme Ltd processes data of users in the European Union under the GDPR.\n"
    decision = scope_of(text).decisions["gdpr"]
    assert decision.applies and decision.reasons and decision.evidence
    ev = decision.evidence[0]
    assert text[ev.start : ev.end] in ("European Union", "GDPR")


def test_gdpr_style_words_do_not_override_a_us_only_policy():
    text = (
        "This Privacy Policy applies to users in the USA.\nYou have the right to data "
        "portability, the right to be forgotten and we rely on legitimate interests.\n"
    )
    assert not scope_of(text).applies("gdpr")
    assert scope_of(text.split("\n", 1)[1]).applies("gdpr")


def test_ccpa_needs_california_consumers():
    assert scope_of("California residents may request deletion.\n").applies("ccpa")
    assert not scope_of("We collect your e-mail address.\n").applies("ccpa")


def test_coppa_not_for_a_not_for_children_statement():
    no = scope_of("Our service is not intended for children under 13.\n")
    assert not no.applies("coppa") and "not for them" in no.decisions["coppa"].reasons[0]
    yes = scope_of("Students under 13 use the app with verifiable parental consent.\n")
    assert yes.applies("coppa") and yes.conditions["directed_to_children"]


def test_caloppa_applies_by_default_to_online_services():
    assert scope_of("We collect your e-mail address when you sign up.\n").applies("caloppa")
    assert not scope_of("Hello world.\n").applies("caloppa")


def test_ferpa_and_sopipa():
    college = scope_of("Universities give their students accounts.\n")
    assert college.applies("ferpa") and not college.applies("sopipa")
    k12 = scope_of("Our K-12 platform is used by schools and their students.\n")
    assert k12.applies("ferpa") and k12.applies("sopipa")


def test_other_countries():
    assert scope_of("Residents of Canada may contact us.\n").applies("pipeda")
    assert scope_of("Titulares no Brasil: LGPD.\n").applies("lgpd")


def test_conditions_cover_the_vocabulary():
    conditions = scope_of("We use Google Analytics cookies and we sell data to advertisers.\n")
    assert set(conditions.conditions) == set(CONDITIONS)
    assert conditions.conditions["tracks_across_sites"]
    assert conditions.conditions["sells_or_shares"]
    assert not scope_of("We do not sell your data.\n").conditions["sells_or_shares"]


def test_forced_scope():
    detected = scope_of("California residents may request deletion.\n")
    forced = Scope.forced(["gdpr", "coppa"], detected=detected)
    assert forced.regulations == ("gdpr", "coppa")
    assert all(d.forced for d in forced.decisions.values())
    assert forced.conditions["directed_to_children"]
    assert not forced.applies("ccpa")
    with pytest.raises(ValueError):
        Scope.forced(["hipaa"])
