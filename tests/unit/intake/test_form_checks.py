"""What the portal asks again: a phone number nobody can call back, a text without words."""

from __future__ import annotations

import pytest

from minyi.intake.form_checks import phone_problem, wordless


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "13812345678",
        "138 1234 5678",
        "+8613812345678",
        "0086 138-1234-5678",
        "0731-84123456",
        "010-12345678",
        "（0731）8412 3456",
        "84123456",
        "+852 9123 4567",
        "+1 415 555 0100",
    ],
)
def test_numbers_that_can_be_called_back(phone):
    assert not phone_problem(phone)


@pytest.mark.parametrize(
    "phone", ["12345", "110", "1381234567", "138123456789", "23812345678", "00000", "+86 12345"]
)
def test_numbers_that_cannot(phone):
    assert phone_problem(phone)


def test_wordless():
    assert wordless("😡😡😡")
    assert wordless("？？！！")
    assert not wordless("")  # empty is the schema's to refuse
    assert not wordless("路灯😡")
    assert not wordless("OK")
