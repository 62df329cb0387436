import pickle

from minyi.pipeline.segment import Segmenter, default_stop_words


def test_default_stop_words_are_packaged():
    words = default_stop_words()
    assert "的" in words
    assert "，" in words
    assert not any(w.startswith("#") for w in words)


def test_tokens_drop_stop_words_punctuation_and_single_chars():
    tokens = Segmenter().tokens("我们小区的路灯坏了，晚上很不安全！")
    assert "路灯" in tokens
    assert "我们" not in tokens
    assert "，" not in tokens
    assert all(len(t) > 1 for t in tokens)


def test_keep_single_chars_and_no_stop_words():
    tokens = Segmenter(stop_words=(), keep_single_chars=True).tokens("我的路灯坏了")
    assert "的" in tokens
    assert "我" in tokens


def test_user_words_are_kept_whole_and_private():
    text = "金毛湾配套入学问题"
    assert "金毛湾" not in Segmenter().tokens(text)
    assert "金毛湾" in Segmenter(user_words=["金毛湾"]).tokens(text)
    # a second segmenter without the word is not affected
    assert "金毛湾" not in Segmenter().tokens(text)


def test_transform_and_latin_lowercase():
    out = Segmenter().fit().transform(["WiFi信号很差", "", "A3区道路"])
    assert "wifi" in out[0]
    assert out[1] == []
    assert "a3" in out[2]


def test_space_separated_tokens_stay_apart():
    assert Segmenter().tokens("西湖 建筑 集团") == ["西湖", "建筑", "集团"]


def test_pickle_round_trip_rebuilds_dictionary():
    seg = Segmenter(user_words=["金毛湾"]).fit()
    copy = pickle.loads(pickle.dumps(seg))  # noqa: S301 - our own bytes
    assert copy.tokens("金毛湾配套") == seg.tokens("金毛湾配套")
