from __future__ import annotations

from minyi.intake import identity


def test_tracking_codes_are_readable_and_unique():
    codes = {identity.new_tracking_code() for _ in range(1000)}
    assert len(codes) == 1000
    for code in codes:
        assert code.startswith("MY")
        assert len(code) == 10
        assert not set(code[2:]) & set("01ILO")


def test_secret_is_stable_and_checked_case_insensitively():
    secret = identity.tracking_secret("key", "message-1")
    assert secret == identity.tracking_secret("key", "message-1")
    assert secret != identity.tracking_secret("other-key", "message-1")
    stored = identity.hash_secret("MYABC", secret)
    assert identity.secret_matches("MYABC", secret.lower(), stored)
    assert not identity.secret_matches("MYABC", "WRONG", stored)
    assert not identity.secret_matches("MYABD", secret, stored)


def test_normalise_code():
    assert identity.normalise_code(" my-abc 123 ") == "MYABC123"


def test_pseudonym_is_stable_and_keyed():
    p = identity.pseudonym("key", "A00045581")
    assert p == identity.pseudonym("key", " a00045581 ")
    assert p != identity.pseudonym("key2", "A00045581")
    assert p is not None
    assert "A00045581" not in p
    assert identity.pseudonym("key", "") is None
    assert identity.pseudonym("key", None) is None


def test_a_phone_number_is_one_author_however_it_is_written():
    """Heat counts people: one caller written three ways was three authors."""
    plain = identity.pseudonym("key", "13812340000")
    for written in (
        "138-1234-0000",
        "+86 138 1234 0000",
        "0086 138 1234 0000",
        "138 1234 0000",
        "(138)1234.0000",
    ):
        assert identity.pseudonym("key", written) == plain, written
    assert identity.pseudonym("key", "0731-8412-3456") == identity.pseudonym("key", "073184123456")
    assert identity.pseudonym("key", "weibo:13812340000") != plain  # a source's id is not a phone
