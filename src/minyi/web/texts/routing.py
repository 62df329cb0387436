"""Texts of automatic routing on the staff pages (issue 15)."""

TEXTS = {
    "routing.auto": ("自动分派", "Routed automatically"),
    "routing.auto_why": (
        "模型置信度 {confidence}，达到分派阈值 {threshold}；如分派有误，请更正类别或改派，更正将用于训练",
        (
            "Model confidence {confidence}, at or above the routing threshold {threshold}; "
            "if it is wrong, correct the category or re-dispatch: corrections become training data"
        ),
    ),
}
