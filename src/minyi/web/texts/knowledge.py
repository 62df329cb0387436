"""Texts of the knowledge base (知识库): case page suggestions, article pages, the portal's list."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "kb.heading": ("知识库", "Knowledge base"),
    "kb.nav": ("知识库", "Knowledge base"),
    "kb.intro": (
        "知识条目是部门对常见问题的统一答复；搜索同时查找已答复的诉求。",
        (
            "Articles are the departments' standing answers to recurring questions. "
            "Search also finds answered cases."
        ),
    ),
    "kb.search": ("搜索知识库", "Search the knowledge base"),
    "kb.search.button": ("搜索", "Search"),
    "kb.search.clear": ("清除", "Clear"),
    "kb.search.results": ("搜索结果", "Results"),
    "kb.search.none": ("没有找到相关答复。", "No matching answer."),
    "kb.articles": ("知识条目", "Articles"),
    "kb.articles.none": ("暂无知识条目。", "No articles yet."),
    "kb.in_force": ("只看有效条目", "Articles in force only"),
    "kb.with_expired": ("包括已失效条目", "Include expired articles"),
    "kb.new": ("新建知识条目", "New article"),
    "kb.edit": ("修改知识条目", "Change the article"),
    "kb.import": ("导入文件（CSV、XLSX 或 Markdown）", "Import a file (CSV, XLSX or Markdown)"),
    "kb.import.button": ("导入", "Import"),
    "kb.import.hint": (
        (
            "表格需有“标题”和“正文”列（可选：部门、类别、生效日期、失效日期、来源、标签）；"
            "Markdown 以“# 标题”开始每个条目。"
        ),
        (
            "A table needs title and body columns (optional: department, category, valid_from, "
            "valid_to, source_url, tags); in Markdown each article starts with '# Title'."
        ),
    ),
    "kb.field.title": ("标题", "Title"),
    "kb.field.body": ("正文", "Body"),
    "kb.field.department": ("责任部门", "Department"),
    "kb.field.category": ("类别", "Category"),
    "kb.field.valid": ("有效期", "Valid"),
    "kb.field.valid_from": ("生效日期", "Valid from"),
    "kb.field.valid_to": ("失效日期", "Valid to"),
    "kb.field.source_url": ("来源文件链接", "Source document link"),
    "kb.field.tags": ("标签", "Tags"),
    "kb.field.note": ("修改说明", "What changed"),
    "kb.version": ("版本", "Version"),
    "kb.versions": ("版本历史", "Version history"),
    "kb.updated": ("更新时间", "Updated"),
    "kb.by_cli": ("命令行", "command line"),
    "kb.expire": ("设为失效", "Expire"),
    "kb.expired": ("已失效", "Expired"),
    "kb.source.case": ("已答复诉求", "Answered case"),
    "kb.source.article": ("知识条目", "Article"),
    "kb.source_document": ("查看来源文件", "Source document"),
    "kb.question": ("问题", "Question"),
    "kb.answer": ("答复", "Answer"),
    "kb.relevance": ("相关度", "Relevance"),
    "kb.relevance.high": ("高", "high"),
    "kb.relevance.fair": ("中", "fair"),
    "kb.relevance.low": ("低", "low"),
    "kb.satisfaction": ("满意度", "Satisfaction"),
    "kb.case.heading": ("知识库推荐", "From the knowledge base"),
    "kb.case.similar": ("相似的已答复诉求", "Similar answered cases"),
    "kb.case.none": ("暂无相近的答复。", "No similar answers yet."),
    "kb.case.weak": ("相关度低的已答复诉求，仅供参考", "Weakly related answered cases, for reference only"),
    "kb.case.articles": ("相关知识条目", "Matching articles"),
    "kb.case.no_articles": ("没有相关知识条目。", "No matching article."),
    "kb.use_draft": ("用作草稿", "Use as draft"),
    "kb.direct.heading": ("直接答复", "Answer directly"),
    "kb.direct.hint": (
        "这是一件咨询，知识库有高度相符的答复：可直接答复并办结，无需派单。",
        (
            "This consultation closely matches an answer in the knowledge base: "
            "answer and close it without dispatching."
        ),
    ),
    "kb.direct.button": ("直接答复并办结", "Answer and close"),
    "kb.similar.heading": ("类似问题已有答复", "Similar questions already answered"),
    "kb.similar.hint": (
        "以下答复或许已能解答您的问题；您也可以继续提交。",
        "These answers may already help. You can still submit your message.",
    ),
    "kb.similar.open": ("查看", "Open"),
    "kb.similar.found": (
        "找到 {n} 条类似问题的答复（在留言详情下方）",
        "{n} similar questions already answered (below the message)",
    ),
    "kb.similar.new_window": ("（在新窗口打开）", " (opens in a new window)"),
    "kb.public.write": ("仍要提交诉求", "Write to us anyway"),
    "flash.kb.saved": ("知识条目已保存。", "Article saved."),
    "flash.kb.expired": ("知识条目已设为失效。", "Article expired."),
    "flash.kb.imported": ("已导入 {count} 个知识条目。", "{count} articles imported."),
    "flash.kb.direct": ("已直接答复并办结。", "Answered directly and closed."),
}
