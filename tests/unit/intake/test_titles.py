"""A title cut from a text keeps no half of an e-mail or a number (the operator's probe)."""

from __future__ import annotations

from minyi.intake.titles import cut_title


def test_a_cut_through_an_email_drops_it_whole():
    text = "我家楼下施工噪音扰民，请联系我，邮箱leako311@example.com，谢谢"
    cut = cut_title(text, 22)
    assert cut == "我家楼下施工噪音扰民，请联系我，邮箱"
    assert "@" not in cut


def test_short_texts_and_clean_cuts_stay_as_they_are():
    assert cut_title("路灯不亮", 60) == "路灯不亮"
    assert cut_title("路灯不亮已经一周了", 4) == "路灯不亮"
    assert cut_title("phone 13812345678 now", 5) == "phone"
    assert cut_title("x" * 100, 10) == "x" * 10  # one long token: its start, not nothing
