from decimal import Decimal

import pytest

from projects.grading import predicate_for, score_passes


@pytest.mark.parametrize(
    ("score", "predicate", "passes"),
    [
        ("100", "Sangat Memuaskan", True),
        ("90.01", "Sangat Memuaskan", True),
        ("90.00", "Memuaskan", True),
        ("80.01", "Memuaskan", True),
        ("80.00", "Cukup Memuaskan", True),
        ("70.01", "Cukup Memuaskan", True),
        ("70.00", "Kurang Memuaskan", False),
        ("60.01", "Kurang Memuaskan", False),
        ("60.00", "Tidak Memuaskan", False),
        ("0", "Tidak Memuaskan", False),
    ],
)
def test_bands_and_pass_mark_at_their_boundaries(score, predicate, passes):
    assert str(predicate_for(Decimal(score))) == predicate
    assert score_passes(Decimal(score)) is passes


def test_no_score_has_no_predicate_and_does_not_pass():
    assert predicate_for(None) is None
    assert score_passes(None) is False
