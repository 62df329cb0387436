"""Property tests: any text through every stage of the text pipeline.

Whatever a citizen types (NUL and other control characters, lone combining marks,
emoji, right-to-left text, HTML fragments, very long runs), no stage raises, and
personal data stays masked: masking twice changes nothing, and a phone number, ID
number or e-mail address set among arbitrary text never comes out in clear.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.corpus import make_corpus

from minyi.pipeline import privacy
from minyi.pipeline.appeal import KINDS as APPEAL_KINDS
from minyi.pipeline.appeal import AppealClassifier
from minyi.pipeline.classify import CategoryClassifier, KeywordRouter
from minyi.pipeline.normalize import TextNormalizer
from minyi.pipeline.privacy import PersonalDataMasker, mask_contact_value, mask_text
from minyi.pipeline.runner import PipelineInput, TextPipeline
from minyi.pipeline.segment import Segmenter

MAX_CHARS = 500  # below the longest generated text, so truncation is exercised
PROPERTIES = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing written to .hypothesis/ in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies ------------------------------------------------------------------------------

#: Characters that often trip text code: controls, invisible marks, odd spaces,
#: full-width forms, Traditional characters, emoji sequences, case oddities, HTML.
_TRICKY = [
    *"\x00\x01\x08\x1b\x7f\x85\x9f\u200b\u200d\u2028\u202e\u3000\ufeff\t\n\r 　",
    *"１２３ＡＢＣａｂ＠．－，！？（）<>&;/\"'\\电話號碼投訴噪音學校公交😀İΣςﬁ\u0301",
    *("<br>", "<p ", "</div>", "<script>x", "<!--", "&amp;", "&nbsp;", "&#0;", "&#xd800;", "&#x110000;"),
    *("👨\u200d👩\u200d👧", "微信", "QQ", "我叫", "订单号", "http://", "@", "+86", "（0731）"),
]
any_char_text = st.text(st.characters(codec="utf-8"), max_size=2000)  # every code point but surrogates
tricky_text = st.lists(st.text(max_size=3) | st.sampled_from(_TRICKY), max_size=80).map("".join)
long_text = st.builds(lambda s, n: (s * n)[:2000], st.text(min_size=1, max_size=20), st.integers(1, 400))
texts = st.one_of(any_char_text, tricky_text, long_text)

mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
emails = st.from_regex(r"[a-z0-9][a-z0-9._]{0,10}@[a-z0-9]{1,10}\.(?:com|cn|net|org|gov\.cn)", fullmatch=True)


#: GB 11643: the provinces (first two digits), the weights and check characters of an ID.
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"]
PROVINCES += ["41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


@st.composite
def resident_ids(draw):
    """A valid 18-digit resident ID: a province, a real birth date, the right check character."""
    province = draw(st.sampled_from(PROVINCES))
    region = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = draw(st.dates(dt.date(1920, 1, 1), dt.date(2020, 12, 31)))
    serial = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = f"{province}{region}{born:%Y%m%d}{serial}"
    return first17 + ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


personal_data = st.one_of(
    mobiles.map(lambda v: ("mobile", v)),
    resident_ids().map(lambda v: ("id_card", v)),
    emails.map(lambda v: ("email", v)),
)
#: Chinese punctuation: a boundary for every rule, and not a separator the order rule
#: accepts (a number right after 订单号 is left alone on purpose).  ！ and ？ are left
#: out: see test_personal_data_after_a_url_is_masked.
separators = st.sampled_from(list("，。、；（）"))
#: Pieces of contact details and of their introductions, glued in any order.
contact_fragments = st.lists(
    st.one_of(
        mobiles,
        resident_ids(),
        st.sampled_from(
            ["微信", "微信号：", "QQ", "qq号", "扣扣", "我叫", "本人", "姓名：", "订单号", "+86"]
        ),
        st.sampled_from(["转", "ext", "X", "1", "0", " ", "-", "，", "。", "：", "张三", "王小明"]),
        st.from_regex(r"[0-9 -]{1,8}", fullmatch=True),
        st.text(st.characters(codec="utf-8"), max_size=4),
    ),
    max_size=12,
).map("".join)

# --- fixtures --------------------------------------------------------------------------------

TREE = {
    "交通运输": ["公路运输", "城市公共交通", "出租车管理"],
    "教育文体": ["学前教育", "高等教育", "学校管理、招生考试"],
    "环境保护": ["噪音污染", "大气污染", "垃圾处理"],
}
APPEAL_TRAINING = [
    (title.format(p=place), body.format(p=place))
    for place, (title, body) in itertools.product(
        ["星沙", "岳麓", "天心", "开福", "雨花", "望城"],
        [
            ("投诉{p}噪音扰民", "{p}工地夜间施工噪音扰民，严重影响休息，强烈投诉。"),
            ("咨询{p}居住证办理", "请问{p}居住证在哪里办理？需要什么材料？"),
            ("关于{p}增设公交站的建议", "建议在{p}增设公交站，方便居民出行。"),
            ("举报{p}违法建设", "{p}有人违法搭建房屋，请查处。"),
        ],
    )
]


@pytest.fixture(scope="module")
def normalizer():
    return TextNormalizer(max_chars=MAX_CHARS).fit()


@pytest.fixture(scope="module")
def segmenter():
    return Segmenter().fit()


@pytest.fixture(scope="module")
def weak_appeal():
    """Rules mixed with a weak-supervised model."""
    classifier = AppealClassifier().fit(APPEAL_TRAINING)
    assert classifier.model_ is not None
    return classifier


@pytest.fixture(scope="module")
def appeal_classifiers(weak_appeal):
    return [
        AppealClassifier(use_model=False),  # rules on normalised text
        AppealClassifier(use_model=False, normalize=False),  # as the pipeline runs it
        weak_appeal,
    ]


@pytest.fixture(scope="module")
def pipelines(weak_appeal):
    corpus, labels = make_corpus()
    return [
        TextPipeline(router=KeywordRouter(TREE).fit(), max_chars=MAX_CHARS),  # cold start
        TextPipeline(
            classifier=CategoryClassifier(min_df=1).fit(corpus, labels),
            appeal=weak_appeal,
            max_chars=MAX_CHARS,
        ),
    ]


_numbers = itertools.count(1)


def message(title, body, author=None):
    """A message with a new id, a minute after the previous one."""
    n = next(_numbers)
    return PipelineInput(
        f"p{n}", title, body, author, dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    )


# --- normalise -------------------------------------------------------------------------------


@PROPERTIES
@given(texts)
def test_normalise_gives_one_plain_line(normalizer, text):
    result = normalizer.transform_one(text)
    assert result.text == result.text.strip()
    assert "  " not in result.text
    assert not [c for c in result.text if unicodedata.category(c) == "Cc"]
    assert result.truncated == (len(text) > MAX_CHARS)


# --- privacy ---------------------------------------------------------------------------------


@PROPERTIES
@given(texts)
def test_masking_never_raises_and_is_idempotent(text):
    masked = mask_text(text)
    assert mask_text(masked) == masked
    assert mask_contact_value(text) == mask_contact_value(text)  # no exception, deterministic
    findings = PersonalDataMasker().find(text)
    for f in findings:
        assert text[f.start : f.end] == f.value
        assert f.kind in privacy.KINDS
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))


@PROPERTIES
@given(contact_fragments)
@example("130000000000130000000000")
@example("QQ13812345678，微信号：13912345678")
@example("13000000000微信000-13000000000")
def test_masking_contact_fragments_is_idempotent(text):
    masked = mask_text(text)
    assert mask_text(masked) == masked


@PROPERTIES
@given(
    st.lists(st.sampled_from(["湘A12345", "(0731)84123456", "0731-2000000", "a@b.com", "c@d.cn"]), max_size=6)
)
@example(["湘A12345", "(0731)84123456"])  # 湘A*****(0731)84123456, then 湘A*****(0731)******56
@example(["130000000110731-2000000"])  # an old 15-digit ID keeps "0731", which then reads as an area code
@example(["x@0.coma@0.com"])  # x***@0.coma@0.com, then x***@0***@0.com
@example(["微信wxid_110000200001010000"])  # the ID is masked, then wxid_110 reads as a WeChat id
def test_masking_is_idempotent_when_a_mask_touches_its_neighbour(parts):
    text = "".join(parts)
    masked = mask_text(text)
    assert mask_text(masked) == masked


@PROPERTIES
@given(texts, separators, personal_data, separators, texts)
@example("订单号", "，", ("mobile", "13812345678"), "。", "")
@example("http://x.cn/", "（", ("email", "zhang.san@example.com"), "）", "@")
@example("\x00", "、", ("id_card", "430102199001011238"), "；", "X")
@example("微信", "（", ("mobile", "13000000000"), "，", "")  # found by a CI run: read as the WeChat id
def test_embedded_personal_data_is_masked(before, left, data, right, after):
    kind, value = data
    text = before + left + value + right + after
    start = len(before) + len(left)
    covering = [
        f for f in PersonalDataMasker().find(text) if f.start <= start and start + len(value) <= f.end
    ]
    # A mobile number right after 微信 or QQ is that account's number: either kind masks it whole.
    accepted = {kind, "wechat", "qq"} if kind == "mobile" else {kind}
    assert len(covering) == 1
    assert covering[0].kind in accepted
    assert value not in covering[0].masked
    masked = mask_text(text)
    assert masked.count(value) <= (before + after).count(value)
    assert mask_text(masked) == masked


@PROPERTIES
@given(separators, st.sampled_from("！？"), personal_data, st.sampled_from(["　", "１号楼", "ＡＢ"]))
@example("，", "！", ("mobile", "13812345678"), "　")  # 详见http://a.cn！13812345678，谢谢　: in clear
@example("，", "？", ("email", "zhang@example.com"), "１号楼")
def test_personal_data_after_a_url_is_masked(left, mark, data, fullwidth):
    _, value = data
    text = f"详见http://a.cn{mark}{value}{left}谢谢{fullwidth}"
    assert value not in mask_text(text)
    assert value not in mask_text(text.removesuffix(fullwidth))  # without the full-width form it is masked


# --- segmentation and appeal kind ------------------------------------------------------------


@PROPERTIES
@given(texts)
def test_segmentation_keeps_only_words(segmenter, text):
    for token in segmenter.tokens(text):
        assert token
        assert not token.isspace()
        assert token not in segmenter.stop_words_


@PROPERTIES
@given(st.none() | texts, st.none() | texts)
def test_appeal_kind_of_any_text(appeal_classifiers, title, body):
    for classifier in appeal_classifiers:
        result = classifier.predict_one(title, body)
        assert result.kind in APPEAL_KINDS
        assert 0.0 <= result.confidence <= 1.0
        assert all(isinstance(reason, str) for reason in result.reasons)


# --- the whole pipeline ----------------------------------------------------------------------


@PROPERTIES
@given(texts, texts, st.none() | st.text(max_size=40))
def test_pipeline_analyses_any_message(pipelines, title, body, author):
    for pipeline in pipelines:
        result = pipeline.analyse(message(title, body, author))
        assert result.truncated == (len(title) > MAX_CHARS or len(body) > MAX_CHARS)
        assert result.original_length == len(title) + len(body)
        assert "  " not in result.normalized_title + result.normalized_body
        assert result.pii_kinds == sorted(set(result.pii_kinds))
        assert set(result.pii_kinds) <= set(privacy.KINDS)
        assert result.appeal_kind in APPEAL_KINDS
        assert 0.0 <= result.appeal_confidence <= 1.0
        if result.category is not None:
            assert 0.0 <= result.category.confidence <= 1.0
            assert result.category.label == result.category.top[0][0]
        assert result.pipeline_version == pipeline.version


@settings(PROPERTIES, max_examples=100)  # each example analyses a batch, twice
@given(st.lists(st.tuples(texts, texts), max_size=3), separators, personal_data, separators)
def test_pipeline_batches_and_finds_embedded_personal_data(pipelines, pairs, left, data, right):
    kind, value = data
    items = [message(title, body) for title, body in pairs]
    items.append(message("反映问题", left + value + right))
    for pipeline in pipelines:
        results = pipeline.analyse_many(items)
        assert len(results) == len(items)
        assert kind in results[-1].pii_kinds
        assert all(r.appeal_kind in APPEAL_KINDS for r in results)
