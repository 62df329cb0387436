"""Texts of the heat's terms on the staff issue page (issue 16)."""

TEXTS = {
    "issues.heat_terms": ("热度构成", "Heat, term by term"),
    "issues.heat_terms_detail": (
        (
            "（留言 {volume}（计 {posts} 条：同一人的 n 条计 √n 条）＋ 人数 {people} ＋ 互动 {engagement}"
            " ＋ 近期增长 {growth}）× 时间衰减 {decay} ＝ {heat}（{at} 计算）"
        ),
        (
            "(posts {volume} ({posts} counted: n posts of one person count √n) "
            "+ people {people} + engagement {engagement} + recent growth {growth}) "
            "× decay {decay} = {heat} (computed {at})"
        ),
    ),
}
