import math

import pytest

from agentbuilder.config import ConfigError, document_sha256, validate_document


def test_negative_zero_is_stored_as_zero_so_the_hash_survives_the_database():
    document = validate_document({"profile": {"name": "A"}, "model": {"temperature": -0.0}})
    assert math.copysign(1, document["model"]["temperature"]) == 1
    assert document_sha256(document) == document_sha256(
        validate_document({"profile": {"name": "A"}, "model": {"temperature": 0}})
    )


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_nan_and_infinity_are_refused(value):
    with pytest.raises(ConfigError):
        validate_document(
            {
                "profile": {"name": "A"},
                "variables": [{"id": "var_abcd", "name": "x", "type": "number", "default": value}],
            }
        )
