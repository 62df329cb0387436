"""The domain's refusals in the reader's language.

Domain code explains a refusal in English for logs and integrators ("say why the case is
returned"); a page shows it in Chinese or English. Each known message is matched by a
pattern whose groups fill the translation; an unknown one is shown as it is.
"""

from __future__ import annotations

import contextlib
import re

from minyi.cases import lifecycle
from minyi.web.domain_texts_calendar import HOLIDAYS
from minyi.web.domain_texts_files import APPEAL_FILES, FILES
from minyi.web.domain_texts_staff import ACTIONS, DEADLINE_RULES, STAFF, SYSTEM

#: Refusals on the administration page (``minyi.accounts``, ``minyi.admin``, ``minyi.departments``).
ADMIN: tuple[tuple[str, str, str], ...] = (
    # A password's refusal carries both languages, "中文 / English": see _one_language.
    (r"user '(?P<u>.+)' already exists", "用户名“{u}”已存在。", "User {u} already exists."),
    (r"username: enter a user name", "用户名：请填写用户名。", "User name: please fill it in."),
    (
        r"current_password: enter your current password",
        "当前密码：请填写当前密码。",
        "Current password: please fill it in.",
    ),
    (
        r"department staff need a department(?: \(--department CODE\))?",
        "承办部门工作人员须选择所属部门。",
        "Department staff need a department: choose one.",
    ),
    (r"no department with code '(?P<c>.+)'", "没有代码为“{c}”的部门。", "No department with code {c}."),
    (r"department '(?P<c>.+)' already exists", "部门代码“{c}”已存在。", "Department {c} already exists."),
    (
        r"a department needs a code and a name",
        "请填写部门代码和名称。",
        "A department needs a code and a name.",
    ),
    (r"invalid literal for int\(\) with base 10: .*", "工作日数应为整数。", "Working days: a whole number."),
    (r"could not convert string to float: .*", "小时数应为数字。", "Hours: a number."),
    (r"a template needs a name and a text", "请填写模板名称和内容。", "A template needs a name and a text."),
    (
        r"unknown placeholders \[(?P<p>.*)\]; use (?P<ok>.*)",
        "未知的占位符 {p}；可用的占位符：{ok}。",
        "Unknown placeholders {p}; use {ok}.",
    ),
    (
        r"the file needs the columns 一级分类 \(and 二级分类, 三级分类\); found: (?P<c>.*)",
        "文件须有“一级分类”“二级分类”“三级分类”列；现有列：{c}。",
        "The file needs the columns 一级分类, 二级分类 and 三级分类; found: {c}.",
    ),
    (r"the file has no rows", "文件中没有数据行。", "The file has no rows."),
    (
        r"row (?P<n>\d+): a category path needs 一级分类 and no gaps \(got (?P<g>.*)\)",
        "第 {n} 行：分类须从“一级分类”填起，中间不能空缺（读到 {g}）。",
        "Row {n}: a category path needs 一级分类 and no gaps (got {g}).",
    ),
    (r"unknown department code '(?P<c>.+)'", "没有代码为“{c}”的部门。", "Unknown department code {c}."),
    (
        r"row (?P<n>\d+): 分类编码 '(?P<c>.*)': letters, digits, - _ or \. \(40 at most\)",
        "第 {n} 行：分类编码“{c}”只能由字母、数字和 - _ . 组成，最多 40 个字符。",
        "Row {n}: the code (分类编码) {c} may hold letters, digits, - _ and . (40 at most).",
    ),
    (
        r"row (?P<n>\d+): 分类编码 '(?P<c>.*)' is given to two categories",
        "第 {n} 行：分类编码“{c}”在文件中给了两个分类。",
        "Row {n}: the code (分类编码) {c} is given to two categories.",
    ),
    (
        r"分类编码 '(?P<c>.*)' belongs to the category (?P<p>.+)",
        "分类编码“{c}”已属于分类“{p}”。",
        "The code (分类编码) {c} belongs to the category {p}.",
    ),
    (
        r"分类编码 '(?P<c>.*)' is the id of the category (?P<p>.+)",
        "分类编码“{c}”与分类“{p}”的编号（id）相同：Open311 的 service_code 会把两者混淆，请换一个编码。",
        (
            "The code (分类编码) {c} is the id of the category {p}: Open311's service_code "
            "would confuse them; choose another code."
        ),
    ),
    (
        r"(?P<f>[^:]+): cannot be opened as an Excel \.xlsx workbook.*",
        "{f}：无法作为 Excel .xlsx 工作簿打开。请在 Excel 中另存为 .xlsx 或 .csv 后重试。",
        "{f}: cannot be opened as an Excel .xlsx workbook. Save it as .xlsx or .csv in Excel and try again.",
    ),
)


#: A status change the case's state does not allow (``minyi.cases.workflow``, ``lifecycle``).
TRANSITIONS: tuple[tuple[str, str, str], ...] = (
    (
        (
            r"a case that is (?P<status>\w+) cannot become (?P<target>\w+) by a plain status change"
            r" \(allowed: (?P<allowed>[^;]*); .*\)"
        ),
        "案件当前为“{status}”，不能直接改为“{target}”（可改为：{allowed}）；派单、退单、答复、重办和并案请使用各自的操作。",
        (
            "The case is {status}: it cannot simply become {target} (allowed: {allowed}); dispatch, "
            "return, reply, reopen and merge have their own actions."
        ),
    ),
    (
        r"a case that is (?P<status>\w+) cannot become (?P<target>\w+) \(allowed: (?P<allowed>.*)\)",
        "案件当前为“{status}”，不能改为“{target}”（可改为：{allowed}）。",
        "The case is {status}: it cannot become {target} (allowed: {allowed}).",
    ),
)

#: Short refusals of the staff pages' forms and filters.
FORMS: tuple[tuple[str, str, str], ...] = (
    (r"decision must be confirm or undo", "请选择确认或撤销。", "Choose confirm or undo."),
    (
        r"the date must look like 2026-12-31",
        "日期格式应为 2026-12-31。",
        "The date must look like 2026-12-31.",
    ),
    (  # a supervision's own deadline (督办期限) in the past: English on the Chinese page (tenth probe)
        r"due_at: a time from now to a year ahead",
        "督办期限应在现在至一年之内（今天 17:30 以后请选明天或更晚的日期）。",
        "The supervision deadline is from now to a year ahead (after 17:30 today, choose a later day).",
    ),
    (
        r"the format is csv, xlsx or jsonl",
        "格式应为 CSV、XLSX 或 JSONL。",
        "The format is CSV, XLSX or JSONL.",
    ),
    (
        r"no department with the code '(?P<c>.+)'",
        "没有代码为“{c}”的部门。",
        "No department with the code {c}.",
    ),
    (r"unknown deadline filter .*", "未知的期限筛选条件。", "Unknown deadline filter."),
    (
        r"q: a search needs at least two characters",
        "请至少输入两个字再搜索：一个字出现在太多留言里。",
        "Type at least two characters: one character is in too many messages.",
    ),
    (r"\w+ users may not export cases", "您的角色不能导出案件。", "Your role may not export cases."),
    (
        r"could not draw a free case number",
        "暂时无法生成案件编号，请重试。",
        "No free case number; try again.",
    ),
)

#: The knowledge base's refusals (``minyi.knowledge``): direct answers, suggestions, articles.
KNOWLEDGE: tuple[tuple[str, str, str], ...] = (
    (
        r"only a consultation \(咨询\) is answered directly from the knowledge base",
        "只有咨询类留言可以用知识库直接答复。",
        "Only a consultation is answered directly from the knowledge base.",
    ),
    (
        r"a case that is (?P<status>\w+) is past intake: its department answers it",
        "案件当前为“{status}”，已过受理环节，应由承办部门答复。",
        "The case is {status}: past intake, its department answers it.",
    ),
    (
        r"the match scores (?P<score>\d+), below (?P<min>\d+): dispatch the case instead",
        "知识库匹配度 {score}，低于 {min}：请派单办理。",
        "The match scores {score}, below {min}: dispatch the case instead.",
    ),
    (
        r"that suggestion is not offered for this case \(any more\)",
        "该推荐已不再适用于本案，请刷新页面。",
        "That suggestion is no longer offered for this case: reload the page.",
    ),
    (r"source: case or article", "推荐来源无效。", "Unknown suggestion source."),
    (r"id: choose a suggestion", "请选择一条推荐。", "Choose a suggestion."),
    (r"title: 1 to (?P<n>\d+) characters", "标题应为 1 到 {n} 个字。", "Title: 1 to {n} characters."),
    (r"body: 1 to (?P<n>\d+) characters", "正文应为 1 到 {n} 个字。", "Body: 1 to {n} characters."),
    (r"valid_to: before valid_from", "失效日期早于生效日期。", "Valid to is before valid from."),
    (
        r"(?P<f>valid_from|valid_to): a date like 2026-01-31",
        "日期格式应为 2026-01-31。",
        "{f}: a date like 2026-01-31.",
    ),
    (
        r"row (?P<n>\d+): (?P<f>valid_from|valid_to): a date like 2026-01-31",
        "第 {n} 行：日期格式应为 2026-01-31。",
        "Row {n}: {f}: a date like 2026-01-31.",
    ),
    (
        r"source_url: an http\(s\) address",
        "来源链接应以 http:// 或 https:// 开头。",
        "Source link: an http(s) address.",
    ),
    (r"department: no department (?P<v>.+)", "没有该部门：{v}。", "No department {v}."),
    (r"category: no category (?P<v>.+)", "没有该类别：{v}。", "No category {v}."),
    (
        r"file: choose a file to upload",
        "文件：请先选择要上传的文件。",
        "File: choose a file to upload first.",
    ),
    (
        r"file: a \.csv, \.xlsx or \.md file",
        "请选择 .csv、.xlsx 或 .md 文件。",
        "Choose a .csv, .xlsx or .md file.",
    ),
    (r"(?P<f>.+): no article found", "{f}：没有找到知识条目。", "{f}: no article found."),
    (
        r"(?P<f>.+): needs a title column and a body column \(found: (?P<c>.*)\)",
        "{f}：需要“标题”列和“正文”列（现有列：{c}）。",
        "{f}: needs a title column and a body column (found: {c}).",
    ),
    (
        r"\w+ users may not write knowledge articles",
        "您没有编写知识条目的权限。",
        "You may not write knowledge articles.",
    ),
    (r"no such article", "没有该知识条目。", "No such article."),
)

#: The caps on submitted messages and the integrator keys (``minyi.accounts.quotas``, ``client_keys``).
LIMITS: tuple[tuple[str, str, str], ...] = (
    (
        r"too many messages from this address: at most (?P<n>\d+) an hour; .* (?P<m>\d+) min",
        "同一地址每小时最多提交 {n} 条留言，已达上限，请 {m} 分钟后再试。",
        "Too many messages from this address: at most {n} an hour. Try again in {m} min.",
    ),
    (
        r"too many messages with this key: at most (?P<n>\d+) an hour; .* (?P<m>\d+) min",
        "该接口密钥每小时最多提交 {n} 条留言，已达上限，请 {m} 分钟后再试。",
        "Too many messages with this key: at most {n} an hour. Try again in {m} min.",
    ),
    (
        r"(?P<f>[\w-]+): not a client key \(it starts with o311_ and has 48 characters\)",
        "{f} 不是有效的接口密钥：密钥以 o311_ 开头，共 48 个字符。",
        "{f}: not a client key (it starts with o311_ and has 48 characters).",
    ),
    (
        r"(?P<f>[\w-]+): unknown key; ask the operator for one",
        "{f}：没有这个接口密钥，请向平台管理员申请。",
        "{f}: unknown key; ask the operator for one.",
    ),
    (
        r"(?P<f>[\w-]+): this key was revoked; ask the operator for a new one",
        "{f}：该接口密钥已被吊销，请向平台管理员申请新的密钥。",
        "{f}: this key was revoked; ask the operator for a new one.",
    ),
)

#: (pattern, zh, en); ``{status}`` is a case status, shown by its label.
PATTERNS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), zh, en)
    for pattern, zh, en in (
        (
            r"days: a whole number of days from 1 to (?P<n>\d+)",
            "天数应为 1 到 {n} 的整数。",
            "Days: a whole number from 1 to {n}.",
        ),
        (r"say why the case is returned", "请填写退单理由。", "Please say why the case is returned."),
        (r"say why more time is needed", "请填写延期理由。", "Please say why more time is needed."),
        (r"say why the case is reopened", "请填写重办理由。", "Please say why the case is reopened."),
        (r"choose a department", "请选择承办单位。", "Choose a department."),
        (r"choose a category", "请选择类别。", "Choose a category."),
        (r"no case numbered (?P<v>'.*')", "没有编号为 {v} 的案件。", "No case numbered {v}."),
        (
            r"unknown status (?P<v>'.*')(; the statuses are: .*)?",
            "没有这个状态：{v}。",
            "Unknown status {v}.",
        ),
        (
            r"unknown deadline filter (?P<v>'.*')(; choose one of .*)?",
            "没有这个时限筛选：{v}。",
            "Unknown deadline filter {v}.",
        ),
        (
            r"this message has no answer waiting for your rating",
            "该留言目前没有待评价的答复。",
            "This message has no answer waiting for your rating.",
        ),
        (
            r"choose 满意, 基本满意 or 不满意",
            "请选择满意、基本满意或不满意。",
            "Choose satisfied, basically satisfied or unsatisfied.",
        ),
        (
            r"ask for 1 to (?P<n>\d+) working days",
            "延期天数应为 1 到 {n} 个工作日。",
            "Ask for 1 to {n} working days.",
        ),
        (
            r"a case that is (?P<status>\w+) needs no extension",
            "案件当前为“{status}”，无需延期。",
            "The case is {status}: it needs no extension.",
        ),
        (
            r"an extension request for this case is already waiting for a decision",
            "本案已有待审批的延期申请。",
            "An extension request for this case is already waiting for a decision.",
        ),
        (r"this request was already (?P<what>\w+)", "该申请已处理过。", "This request was already decided."),
        (
            r"a closed case cannot be supervised; reopen it first",
            "已办结的案件不能督办，请先重办。",
            "A closed case cannot be supervised; reopen it first.",
        ),
        (
            r"write what the department must do",
            "请填写督办意见。",
            "Please write what the department must do.",
        ),
        (
            r"a case that is (?P<status>\w+) has not been answered; nothing to reopen",
            "案件当前为“{status}”，尚未答复，无需重办。",
            "The case is {status} and has not been answered: nothing to reopen.",
        ),
        (
            r"a case cannot be merged into itself",
            "案件不能并入自身。",
            "A case cannot be merged into itself.",
        ),
        (r"closed cases cannot be merged", "已办结的案件不能并案。", "Closed cases cannot be merged."),
        (
            r"choose two or more cases of one group to merge",
            "请选择同一事件中的两件或更多案件并案（其中的案件可能已答复或已并案）。",
            "Choose two or more cases of one group to merge (some may be answered or merged by now).",
        ),
        (
            r"the case is already dispatched to \S+",
            "案件已派给该单位办理，无需再次派单；如需改派，请选择其他单位。",
            "The case is already with that department; to reassign it, choose another one.",
        ),
        (
            r"a case that is (?P<status>\w+) can no longer be dispatched",
            "案件当前为“{status}”，不能再派单。",
            "The case is {status}: it can no longer be dispatched.",
        ),
        (r"the reply must not be empty", "请填写答复内容。", "Please write the reply."),
        (
            r"the reply may have at most (?P<n>\d+) characters",
            "答复最多 {n} 个字。",
            "The reply may have at most {n} characters.",
        ),
        (
            r"a case that is (?P<status>\w+) must be dispatched before it is answered",
            "案件当前为“{status}”，须先派单才能答复。",
            "The case is {status}: it must be dispatched before it is answered.",
        ),
        (
            r"the reply check scores this reply (?P<score>\d+), below (?P<min>\d+).*",
            "答复质量得分 {score}，低于门槛 {min}：请修改答复，或填写仍要发送的理由。",
            "The reply scores {score}, below {min}: improve it, or say why it is sent as it is.",
        ),
        (
            r"the reason may have at most (?P<n>\d+) characters",
            "理由最多 {n} 个字。",
            "The reason may have at most {n} characters.",
        ),
        (
            r"this message was not merged as a duplicate",
            "这条留言不是作为重复留言并入的。",
            "This message was not merged as a duplicate.",
        ),
        (
            r"the message is the only one in its case",
            "这是本案唯一的留言。",
            "The message is the only one in its case.",
        ),
        (
            r"the first message of a case cannot be split off",
            "案件的第一条留言不能拆出。",
            "The first message of a case cannot be split off.",
        ),
        (
            r"only a suggestion gets an adoption decision",
            "只有建议类留言需要作出采纳决定。",
            "Only a suggestion gets an adoption decision.",
        ),
        (
            r"only a help request is flagged for a callback",
            "只有求助类留言可以标记回电。",
            "Only a help request is flagged for a callback.",
        ),
        (r"a callback for this case is already waiting", "本案已标记需回电。", "A callback is waiting."),
        (
            r"a closed case is not flagged for a callback; reopen it first",
            "已办结的案件不能标记回电，如需回电请先重办。",
            "A closed case is not flagged for a callback; reopen it first.",
        ),
        (r"no callback is waiting for this case", "本案没有待回电的标记。", "No callback is waiting."),
        (
            r"reason: say why the suggestion is adopted or not",
            "请填写采纳理由（留言人可见）。",
            "Please give the reason for the decision (the citizen reads it).",
        ),
        (
            r"only an answered case \(已答复 or 回访中\) has a follow-up to record",
            "只有已答复或回访中的案件可以记录回访结果。",
            "Only an answered case (replied or in follow-up) has a follow-up to record.",
        ),
        (r"solved: yes, no or not asked", "请选择问题是否已解决。", "Say whether the problem was solved."),
        (r"reason: say why", "请填写理由。", "Please give the reason."),
        (r"outcome: say why", "请填写回电结果。", "Please say what came of the call."),
        (
            r"(?:reason|note|outcome|comment): at most (?P<n>\d+) characters",
            "内容过长，最多 {n} 个字。",
            "Too long: at most {n} characters.",
        ),
        (
            r"(?P<field>[\w.\[\]-]+): must not contain control characters \(.*\)",
            "“{field}”不能包含控制字符（如 NUL），请删除后重试。",
            "{field}: must not contain control characters (such as NUL).",
        ),
        (
            r"(?P<field>from|to|end): a date like \d{4}-\d{2}-\d{2}.*",
            "“{field}”应为日期，例如 2019-01-31。",
            "{field}: a date like 2019-01-31.",
        ),
        (
            r"decision: one of adopted, partly_adopted, not_adopted",
            "请选择：采纳、部分采纳或不采纳。",
            "Choose adopted, partly adopted or not adopted.",
        ),
        *KNOWLEDGE,
        *LIMITS,
        *HOLIDAYS,
        *SYSTEM,
        *DEADLINE_RULES,
        *ADMIN,
        *FILES,
        *APPEAL_FILES,
        *TRANSITIONS,
        *FORMS,
        *STAFF,  # its permission refusal last: it reads any "… users may not …"
    )
)


def domain_text(message: str | None, language: str = "zh") -> str:
    """``message`` in the reader's words when it is a known refusal; else unchanged."""
    if not message:
        return ""
    for pattern, zh, en in PATTERNS:
        match = pattern.fullmatch(message.strip())
        if match is None:
            continue
        values = dict(match.groupdict())
        for key in ("status", "target"):
            if key in values:
                with contextlib.suppress(ValueError):
                    values[key] = lifecycle.label(values[key], language)
        if "allowed" in values:
            values["allowed"] = _statuses(values["allowed"], language)
        if "action" in values and language != "en":
            values["action"] = ACTIONS.get(values["action"], values["action"])
        return (en if language == "en" else zh).format(**values)
    return _one_language(message.strip(), language)


#: A refusal written in both languages, "中文 / english" (the password policy's).
_BILINGUAL = re.compile(r"(?P<zh>[^/]*[\u4e00-\u9fff][^/]*?)\s*/\s*(?P<en>[A-Za-z][^\u4e00-\u9fff]*)")


def _one_language(message: str, language: str) -> str:
    """The reader's half of a "中文 / english" text, as a sentence; any other text unchanged."""
    match = _BILINGUAL.fullmatch(message)
    if match is None:
        return message
    if language == "en":
        english = match.group("en").strip().rstrip(".")
        return english[:1].upper() + english[1:] + "."
    return match.group("zh").strip().rstrip("。") + "。"


def _statuses(listed: str, language: str) -> str:
    """``listed`` ("in_progress, replied" or "none") as status names in ``language``."""
    names = []
    for value in (part.strip() for part in listed.split(",")):
        try:
            names.append(lifecycle.label(value, language))
        except ValueError:
            names.append(("none" if language == "en" else "无") if value == "none" else value)
    return ("、" if language != "en" else ", ").join(names)
