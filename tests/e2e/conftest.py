from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser`, so `-m browser` / `-m "not browser"`
    select them. (A `pytestmark` in a conftest would not reach the test modules.)"""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _browser_tests_use_transactions(transactional_db):
    """The live server runs in another thread, so browser tests need committed data."""
