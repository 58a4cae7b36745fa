import pytest

from tests.conftest import ORG
from tests.factories import LIBRARY_FACTORIES

TA2 = "440604011"
AUTHORS = {ORG["TA"]: "tA_teacher", TA2: "tA2_teacher", ORG["M"]: "muni_teacher"}


@pytest.fixture
def make(persona):
    """``make("courses", title=…, owner="TA")`` → a complete resource of that library."""

    def build(key: str, owner: str = "TA", **kwargs):
        code = ORG.get(owner, owner)
        kwargs.setdefault("author", persona(AUTHORS[code]))
        return LIBRARY_FACTORIES[key](owner_code=code, **kwargs)

    return build
