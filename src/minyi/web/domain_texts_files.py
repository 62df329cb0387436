"""The refusals of the file pages (export, import, statements) in the reader's language.

Kept apart from :mod:`minyi.web.domain_texts`, which joins them with the other refusals into
the one list of patterns it matches: file readers refuse in many ways (encodings, sheets,
zip bombs), and their sentences are the longest group.
"""

from __future__ import annotations

#: Refusals of the export and import pages and of statements (``minyi.flows``, ``minyi.interop``).
FILES: tuple[tuple[str, str, str], ...] = (
    (
        r"interrupted: the server stopped during this import.*",
        (
            "导入中断：导入过程中服务器停止运行，此前读入的行已保存。请重新上传该文件以导入其余部分"
            "（已保存的留言会按留言编号识别，不会重复）。"
        ),
        (
            "Interrupted: the server stopped during this import; the rows read before were stored. "
            "Upload the file again to import the rest (rows already stored are recognised by their id)."
        ),
    ),
    (
        r"expected a date such as 2026-03-01",
        "日期格式应为 2026-03-01。",
        "Expected a date such as 2026-03-01.",
    ),
    (
        r"(?P<f>start|end|month): a month written YYYY-MM, such as 2019-05",
        "{f}：月份应写作 YYYY-MM，例如 2019-05。",
        "{f}: a month is written YYYY-MM, such as 2019-05.",
    ),
    (
        r"dates run from 1900-01-01 to 2999-12-31",
        "日期应在 1900-01-01 至 2999-12-31 之间。",
        "Dates run from 1900-01-01 to 2999-12-31.",
    ),
    (r"the period ends before it starts", "结束日期早于开始日期。", "The period ends before it starts."),
    (r"no category '(?P<c>.+)'", "没有该类别。", "No such category."),
    (r"no department '(?P<c>.+)'", "没有代码为“{c}”的部门。", "No department {c}."),
    (
        r"you may export your own department's cases only",
        "您只能导出本部门的案件。",
        "You may export your own department's cases only.",
    ),
    (
        r"only administrators may export personal data in full",
        "只有管理员可以导出未脱敏的个人信息。",
        "Only administrators may export personal data in full.",
    ),
    (
        r"a statement needs a title and a text",
        "请填写发布的标题和正文。",
        "A statement needs a title and a text.",
    ),
    (
        r"(?P<f>.+): unknown kind of file (?P<s>\S*); Minyi reads \.csv, \.tsv, \.xlsx and \.jsonl",
        "{f}：不支持 {s} 文件，请上传 .csv、.tsv、.xlsx 或 .jsonl 文件。",
        "{f}: {s} files are not read; upload a .csv, .tsv, .xlsx or .jsonl file.",
    ),
    (
        r"(?P<f>.+): choose a CSV, TSV, XLSX or JSONL file",
        "{f}：请上传 .csv、.tsv、.xlsx 或 .jsonl 文件。",
        "{f}: upload a .csv, .tsv, .xlsx or .jsonl file.",
    ),
    (
        r"broken rows: nothing was imported",
        "文件中有错误的行，按“整个文件不导入”处理：未导入任何数据。",
        "Some rows are broken: nothing was imported.",
    ),
    (r"(?P<f>.+): the file is empty", "{f}：文件是空的。", "{f}: the file is empty."),
    (
        r"(?P<f>.+): there is no sheet '(?P<s>.*)'",
        "{f}：没有名为“{s}”的工作表。",
        "{f}: there is no sheet {s}.",
    ),
    (
        r"(?P<f>.+): there are no data rows below the header",
        "{f}：表头下面没有数据行。",
        "{f}: there are no data rows below the header.",
    ),
    (
        r"(?P<f>.+): the file is larger than (?P<n>\d+) MiB",
        "{f}：文件超过 {n} MB。",
        "{f}: the file is larger than {n} MiB.",
    ),
    (
        (
            r"(?P<f>.+): byte 0x(?P<b>[0-9A-F]{2}) at offset (?P<o>\d+) \(line (?P<n>\d+)\) is not valid "
            r"(?P<e>.+?); save the file as UTF-8, or give its encoding \(--encoding\)"
        ),
        (
            "{f}：第 {n} 行（偏移 {o} 字节处）的 0x{b} 无法按 UTF-8 或 GBK 编码读取。"
            "请用 Excel 或记事本另存为“UTF-8”编码后重新上传。"
        ),
        "{f}: byte 0x{b} at offset {o} (line {n}) is not valid {e}. Save it as UTF-8 and upload it again.",
    ),
    (
        r"(?P<f>.+), (?P<w>.+): the text is not valid (?P<e>.+); give its encoding",
        "{f}：文件中有无法按 UTF-8 或 GBK 编码读取的文字。请另存为“UTF-8”编码后重新上传。",
        "{f}, {w}: the text is not valid {e}. Save the file as UTF-8 and upload it again.",
    ),
    (
        r"(?P<f>.+): read as GB18030, (?P<p>\d+%) of the text is rare characters \(neither GB2312 .*",
        (
            "{f}：按 GBK 读取时有 {p} 是生僻字，文件很可能是其他编码（如繁体的 Big5），"
            "直接导入会变成乱码。请另存为“UTF-8”编码后重新上传。"
        ),
        (
            "{f}: read as GBK, {p} of the text is rare characters: the file is likely in another "
            "encoding (Big5?) and would import as mojibake. Save it as UTF-8 and upload it again."
        ),
    ),
    (
        r"(?P<f>.+): part (?P<p>.+) would expand to (?P<m>\d+) MB, (?P<r>\d+) times its compressed size .*",
        (
            "{f}：工作簿中的 {p} 解压后达 {m} MB，是压缩大小的 {r} 倍，超出安全上限（疑似“压缩炸弹”），"
            "已拒绝。请在 Excel 中重新保存，或另存为 .csv 后上传。"
        ),
        (
            "{f}: {p} would expand to {m} MB, {r} times its compressed size: refused as a possible "
            "zip bomb. Save it again in Excel, or as .csv."
        ),
    ),
    (
        r"(?P<f>.+): the workbook (?:holds (?P<k>\d+) parts|would expand to (?P<m>\d+) MB) .*",
        "{f}：工作簿过大或结构异常，已拒绝。请拆分后重新保存，或另存为 .csv 后上传。",
        "{f}: the workbook is too large or oddly built: refused. Split it, or save it as .csv.",
    ),
    (
        r"(?P<f>.+), row (?P<n>\d+), (?P<c>.+): (?P<v>.*) is not a time between (?P<a>\d+) and (?P<b>\d+)",
        (
            "{f} 第 {n} 行“{c}”：{v} 不是 {a}–{b} 年之间的时间（如 2026-10-11T20:32:01+08:00）。"
            "请改正后重新运行，未恢复任何案件。"
        ),
        (
            "{f}, row {n}, {c}: {v} is not a time between {a} and {b} (such as "
            "2026-10-11T20:32:01+08:00). Correct it and run again; no case was restored."
        ),
    ),
    (
        r"(?P<f>.+), row (?P<n>\d+), 案件编号: (?P<v>.*) has more than (?P<m>\d+) characters",
        "{f} 第 {n} 行“案件编号”：{v} 超过 {m} 个字符。请改正后重新运行，未恢复任何案件。",
        (
            "{f}, row {n}, 案件编号: {v} has more than {m} characters. Correct it and run again; "
            "no case was restored."
        ),
    ),
    (
        (
            r"(?P<f>.+), row (?P<n>\d+), 案件编号: (?P<v>.*) comes again after other cases' rows "
            r"\(its rows began on row (?P<m>\d+)\)"
        ),
        (
            "{f} 第 {n} 行“案件编号”：{v} 在其他案件的行之后再次出现（该案件的行从第 {m} 行开始）。"
            "一个案件的各行应相邻（导出文件即如此）；请改正后重新运行，未恢复任何案件。"
        ),
        (
            "{f}, row {n}, 案件编号: {v} comes again after other cases' rows (its rows began on row "
            "{m}). A case's rows belong together, as the export wrote them. Correct it and run again; "
            "no case was restored."
        ),
    ),
    (
        r"no column holds the message text \(such as .*\); columns found: (?P<c>.*)\. Say which column.*",
        (
            "找不到留言内容所在的列（应为“留言详情”“内容”“留言主题”等）；文件中的列：{c}。"
            "请把内容所在列的标题改为“留言详情”（或“留言主题”）后重新上传。"
        ),
        (
            "No column holds the message text (such as 留言详情, 内容, body, 留言主题 or title); columns "
            "found: {c}. Rename the column that holds it to body (or title) and upload the file again."
        ),
    ),
)

#: Refusals of ``minyi model train-appeal``'s label and corrections files (``minyi.pipeline.appeal_data``).
APPEAL_FILES: tuple[tuple[str, str, str], ...] = (
    (
        (
            r"(?P<f>.+): columns (?P<c>.+) missing; found (?P<found>.*?) "
            r"\(expected file,message_id,kind and optionally split\)"
        ),
        "{f}：缺少列 {c}；找到的列：{found}（应有 file、message_id、kind，可选 split）。",
        "{f}: columns {c} missing; found {found} (expected file, message_id, kind and optionally split).",
    ),
    (
        (
            r"(?P<f>.+): columns (?P<c>.+) missing; found (?P<found>.*?) "
            r"\(expected title,body,kind as `minyi model appeal-corrections` writes them\)"
        ),
        "{f}：缺少列 {c}；找到的列：{found}（应有 title、body、kind，即 appeal-corrections 写出的列）。",
        "{f}: columns {c} missing; found {found} (expected title, body, kind as appeal-corrections writes).",
    ),
    (
        r"(?P<f>.+), line (?P<n>\d+): unknown kind (?P<k>.+); the kinds are (?P<ks>.+)",
        "{f} 第 {n} 行：未知的诉求类型 {k}；可用的类型：{ks}。",
        "{f}, line {n}: unknown kind {k}; the kinds are {ks}.",
    ),
    (
        r"(?P<f>.+), line (?P<n>\d+): title and body are both empty",
        "{f} 第 {n} 行：标题和正文都为空。",
        "{f}, line {n}: title and body are both empty.",
    ),
    (
        r"(?P<f>.+), line (?P<n>\d+): split is train or test, not (?P<s>.*)",
        "{f} 第 {n} 行：split 只能是 train 或 test，不能是 {s}。",
        "{f}, line {n}: split is train or test, not {s}.",
    ),
    (
        r"(?P<f>.+), line (?P<n>\d+): file and message_id are required",
        "{f} 第 {n} 行：file 和 message_id 必填。",
        "{f}, line {n}: file and message_id are required.",
    ),
    (
        r"(?P<f>.+): cannot read the label file \((?P<e>.*)\)",
        "{f}：无法读取标注文件（{e}）。",
        "{f}: cannot read the label file ({e}).",
    ),
    (
        r"(?P<f>.+): cannot read the corrections file \((?P<e>.*)\)",
        "{f}：无法读取更正文件（{e}）。",
        "{f}: cannot read the corrections file ({e}).",
    ),
    (
        r"line (?P<n>\d+): no message (?P<m>\S+) in (?P<f>.+)",
        "第 {n} 行：{f} 中没有留言 {m}。",
        "Line {n}: no message {m} in {f}.",
    ),
    (
        r"no message file (?P<n>\S+)\.xlsx in (?P<d>.+) or (?P<o>.+)",
        "在 {d} 或 {o} 中找不到留言文件 {n}.xlsx。",
        "No message file {n}.xlsx in {d} or {o}.",
    ),
)
