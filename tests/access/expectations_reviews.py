"""Access expectations of the reviews app's URLs."""

from tests.access.base import CHANGERS, READERS, Expectation


def prepare(world) -> None:
    """The base world (team, processed version with findings) is enough here."""


EXPECTATIONS = {
    "reviews:version_findings": Expectation(READERS, kwargs=lambda w: {"version_id": w.version.pk}),
    "reviews:version_scope": Expectation(
        CHANGERS, method="POST", kwargs=lambda w: {"version_id": w.version.pk},
        data=lambda w: {"regulations": ["gdpr"]},
    ),
}
