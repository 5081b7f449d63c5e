"""The limits' settings: trusted proxies and complaints per hour, from the environment."""

from __future__ import annotations

import pytest

from damrong.config import Config


def test_defaults_trust_no_proxy_and_take_thirty_complaints_an_hour_per_address():
    config = Config.from_env({"DAMRONG_SECRET_KEY": "k"})
    assert config.trusted_proxies == 0
    assert config.filing_per_hour == 30


def test_the_environment_sets_them():
    config = Config.from_env(
        {"DAMRONG_SECRET_KEY": "k", "DAMRONG_TRUSTED_PROXIES": "2", "DAMRONG_FILING_PER_HOUR": "50"}
    )
    assert (config.trusted_proxies, config.filing_per_hour) == (2, 50)


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_value_that_is_no_count_stops_the_start_with_its_name(value):
    with pytest.raises(ValueError, match="DAMRONG_TRUSTED_PROXIES"):
        Config.from_env({"DAMRONG_SECRET_KEY": "k", "DAMRONG_TRUSTED_PROXIES": value})
