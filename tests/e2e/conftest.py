import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _browser_tests_use_transactions(transactional_db):
    """The live server runs in another thread, so browser tests need committed data."""
