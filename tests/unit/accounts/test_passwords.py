from __future__ import annotations

import pytest

from minyi.accounts import passwords, services
from minyi.accounts.passwords import MIN_PASSWORD_LENGTH, WeakPasswordError, check_password
from minyi.demo import factories, seed


def reason(password, **kwargs):
    with pytest.raises(WeakPasswordError) as caught:
        check_password(password, **kwargs)
    return caught.value.reason


@pytest.mark.parametrize(
    "password",
    [
        "lantern-okra-58",
        "long-enough-1",
        "Tr0ub4dor&3",
        "correct horse battery staple",
        "wjw-road-2024",
        "Xk9#mQ2!Xk9#mQ2!",  # a strong group twice is left to the estimate, which accepts it
        "春眠不觉晓，处处闻啼鸟",
        seed.ADMIN_PASSWORD,  # the documented demo logins pass the policy
        seed.DEMO_PASSWORD,
    ],
)
def test_good_passwords_pass(password):
    check_password(password)
    check_password(password, username="someone", extra_words=["张三", "Road Works"])


def test_too_short_says_so_in_both_languages():
    assert reason("a" * (MIN_PASSWORD_LENGTH - 1)) == "too_short"
    with pytest.raises(WeakPasswordError, match="at least 8 characters") as caught:
        check_password("Xk9#mQ2")
    assert "至少" in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "password",
    [
        "12345678",
        "password",
        "admin123",
        "password123",
        "Password1",
        "woaini1314",
        "qq123456",
        "a1234567",
        "123qwe123",
        "zxcvbnm1",
        "1qaz2wsx",
        "abc123456",
        "11111111",
        "88888888",
        "66666666",
        "iloveyou",
        "ＰＡＳＳＷＯＲＤ１",  # full-width, as a Chinese input method types it
        "1qaz@WSX",  # shifted keys
    ],
)
def test_common_passwords_are_refused(password):
    assert reason(password) == "common"
    with pytest.raises(WeakPasswordError, match="密码太常见，容易被猜到 / this password is too common"):
        check_password(password)


@pytest.mark.parametrize("password", ["dragon2024!", "!!sunshine99", "zhangwei1990", "Beijing2008!"])
def test_common_password_with_digits_or_signs_added(password):
    assert reason(password) == "common_base"


def test_the_list_holds_the_chinese_favourites():
    common = passwords._common_passwords()
    assert len(common) > 3000
    for word in ("woaini1314", "5201314", "qq123456", "a123456", "123qwe", "zxcvbnm", "1qaz2wsx"):
        assert word in common
    assert all(word == word.strip().casefold() for word in common)


@pytest.mark.parametrize(
    ("password", "username"),
    [
        ("xx-zhaolin-83!", "zhaolin"),
        ("xx-ZhaoLin-83!", "zhaolin"),
        ("xx-nilOAHZ-83!", "ZhaoLin"),  # backwards
        ("minyi-admin", "admin"),  # the demo password would not do for a new user named admin
    ],
)
def test_the_user_name_is_refused(password, username):
    assert reason(password, username=username) == "username"
    with pytest.raises(WeakPasswordError, match="user name"):
        check_password(password, username=username)


def test_short_user_names_are_not_looked_for():
    check_password("lantern-okra-58", username="la")
    check_password("lantern-okra-58", username="")


def test_words_about_the_account_are_refused():
    assert reason("xx-zhangsan-83!", extra_words=["Zhang San"]) == "personal"
    assert reason("pw-张三-garden-7", extra_words=["张三"]) == "personal"
    check_password("pw-张三-garden-7", extra_words=["李四", ""])


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("zzzzzzzzzzzz", "repeated"),
        ("x" * 500, "repeated"),
        ("abcabcabcabc", "repeated"),
        ("5201352013", "repeated"),
        ("lmnopqrstu", "sequence"),
        ("acegikmoqs", "sequence"),
        ("zyxwvutsrq", "sequence"),
        ("ytrewqqwerty", "pattern"),
        ("3456789012", "pattern"),
        ("xsw2zaq1", "keyboard"),
        ("cde3xsw2zaq1", "keyboard"),
        ("w2e3r4t5y6u7", "keyboard"),
        ("';lkjhgfds", "keyboard"),
        ("mnbvcxzlkjhg", "pattern"),
        ("wertsdfgxcvb", "pattern"),
        ("abcdef12345", "pattern"),
        ("zzzzqwert12345", "pattern"),
    ],
)
def test_repeats_sequences_and_keyboard_walks(password, why):
    assert reason(password) == why


def test_guessable_passwords_are_refused():
    assert reason("x7#kP2qL") == "guessable"  # eight random characters are not quite enough
    assert reason("secret-pass") == "guessable"
    assert reason("wangfang520") == "guessable"  # pinyin name and a lucky number
    with pytest.raises(WeakPasswordError, match="too easy to guess"):
        check_password("yellow-sofa")


def test_very_long_passwords_are_quick():
    check_password("lantern-okra-58" * 2000)
    assert reason("ab" * 50_000) == "guessable"


def test_create_user_applies_the_policy(session):
    factories.make_department(session, code="X1")
    with pytest.raises(services.AccountError, match="too common"):
        services.create_user(session, username="zhao", password="woaini1314", department_code="X1")
    with pytest.raises(services.AccountError, match="user name"):
        services.create_user(session, username="zhaolin", password="Zhaolin-2024!", department_code="X1")
    with pytest.raises(services.AccountError, match="account's name"):
        services.create_user(
            session,
            username="x1staff",
            password="liuyifei-rocks-9",
            department_code="X1",
            display_name="liu yifei",
        )
    user = services.create_user(session, username="zhao", password="lantern-okra-58", department_code="X1")
    assert services.authenticate(session, "zhao", "lantern-okra-58") is user
