"""The province of a point on the shipped map."""

from __future__ import annotations

import pytest

from portal import geo


def test_the_map_has_every_province_once():
    codes = [p.code for p in geo.provinces()]
    assert len(codes) == 77 == len(set(codes))


@pytest.mark.parametrize(
    ("lat", "lon", "code"),
    [
        (18.79, 98.98, "50"),  # Chiang Mai old city
        (13.7563, 100.5018, "10"),  # Bangkok, Democracy Monument
        (7.8804, 98.3923, "83"),  # Phuket town
        (14.9799, 102.0978, "30"),  # Nakhon Ratchasima
        (6.5413, 101.2803, "95"),  # Yala
    ],
)
def test_points_fall_in_their_province(lat, lon, code):
    assert geo.province_at(lat, lon).code == code


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (17.9757, 102.6331),  # Vientiane, across the Mekong
        (11.5564, 104.9282),  # Phnom Penh
        (10.0, 100.5),  # the Gulf of Thailand
        (35.68, 139.69),  # Tokyo
    ],
)
def test_points_outside_thailand_have_no_province(lat, lon):
    assert geo.province_at(lat, lon) is None
