"""Access expectations of the policies app's URLs."""

from tests.access.base import CHANGERS, READERS, Expectation

_ALL_SIGNED_IN = READERS | {"outsider"}


def prepare(world) -> None:
    """The base world (team, version, run) is enough here."""


EXPECTATIONS = {
    "policies:policy_list": Expectation(_ALL_SIGNED_IN, outsider_status=None),
    "policies:policy_import": Expectation(CHANGERS | {"outsider"}, outsider_status=None),
    "policies:policy_detail": Expectation(READERS, kwargs=lambda w: {"policy_id": w.version.policy_id}),
    "policies:version_detail": Expectation(READERS, kwargs=lambda w: {"version_id": w.version.pk}),
    "policies:version_original": Expectation(READERS, kwargs=lambda w: {"version_id": w.version.pk}),
    "policies:run_status": Expectation(READERS, kwargs=lambda w: {"run_id": w.run.pk}),
    "policies:run_retry": Expectation(
        CHANGERS, method="POST", kwargs=lambda w: {"run_id": w.failed_run.pk}
    ),
}
