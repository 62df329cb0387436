"""Benchmark the weekly demand forecast (``minyi.accountability.forecast_methods``) on TipDM 2020.

Usage::

    python bench/bench_forecast.py [--data-dir ../shared/data/tipdm2020_smart_gov] [--horizon 4]
                                   [--origins 26] [--statsmodels] [--totals-only] [--json]

Weekly series (Monday to Sunday, by 留言时间) of:

* official/附件2（测试数据）.xlsx (2,801 messages, 2017–2020) per 一级分类: the official
  labels of this test set were never published, so the categories are one team's
  predictions (test_set_team_predictions/CJAY-art); the total as well;
* official/附件4.xlsx (2,816 messages with replies, 2017–2020): the total (no categories);
* official/附件3.xlsx (4,326 messages, mostly 2019): the total;
* sample/附件2.xlsx (435 messages, real labels) per 一级分类: very small weekly counts.

With ``--statsmodels`` (statsmodels installed; it is not a dependency of Minyi) two more
methods go through the same backtest: ``ets`` (additive damped-trend exponential smoothing
of the counts) and ``sarimax-wd`` (SARIMAX(1,0,1) with a constant and the week's working days
as regressor).

Each group's series run from the 2nd to the 98th percentile of its messages' weeks (stray
early messages and the thin weeks where collection stopped left out), at most the last 156
weeks, as the application keeps. Three methods go
through the same rolling-origin backtest (the last ``--origins`` weeks as origins, 1 to
``--horizon`` weeks ahead): ``wd-holt`` (the method), ``seasonal-naive`` (same week a year
before) and ``naive`` (last week). MASE is scaled by the in-sample mean absolute
week-to-week change; MAPE is over weeks with a non-zero actual. The tables give each
series and the mean over the series of a group (series where a method is undefined are
left out of its mean, and the count is shown).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import openpyxl

from minyi.accountability import forecast_methods as fm
from minyi.accountability.forecast import HISTORY_WEEKS, monday, working_days
from minyi.cases.calendar import WorkCalendar

METHODS = ("wd-holt", "seasonal-naive", "naive")
EDGE = 0.02
MIN_SERIES_TOTAL = 100  # a category series needs this many messages to be worth a line


def _statsmodels_predictors() -> dict[str, fm.Predictor]:
    """ETS (additive damped trend on the counts) and SARIMAX(1,0,1) with working days as regressor."""
    try:
        import warnings

        from statsmodels.tsa.holtwinters import ExponentialSmoothing
        from statsmodels.tsa.statespace.sarimax import SARIMAX
    except ImportError:
        return {}

    def ets(train: Any, _wd: Any, future: Any) -> list[float]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ExponentialSmoothing(train, trend="add", damped_trend=True).fit()
            return [max(0.0, float(v)) for v in model.forecast(len(future))]

    def sarimax(train: Any, wd: Any, future: Any) -> list[float]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SARIMAX(train, exog=wd.reshape(-1, 1), order=(1, 0, 1), trend="c").fit(disp=False)
            return [max(0.0, float(v)) for v in model.forecast(len(future), exog=future.reshape(-1, 1))]

    return {"ets": ets, "sarimax-wd": sarimax}


def _rows(path: Path) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    workbook.close()
    return rows


def _when(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    text = str(value or "").strip().split(" ")[0].replace("/", "-")
    try:
        year, month, day = (int(part) for part in text.split("-")[:3])
        return date(year, month, day)
    except ValueError:
        return None


def load(data_dir: Path) -> dict[str, dict[str, Counter[date]]]:
    """Group → series name → messages per week (by Monday)."""
    groups: dict[str, dict[str, Counter[date]]] = defaultdict(lambda: defaultdict(Counter))
    predicted = {
        str(r[0]): str(r[1])
        for r in _rows(data_dir / "test_set_team_predictions" / "CJAY-art" / "附件2（测试结果）.xlsx")[1:]
    }
    for row in _rows(data_dir / "official" / "附件2（测试数据）.xlsx")[1:]:
        day = _when(row[3])
        if day is not None:
            groups["附件2测试 (predicted categories)"]["总量 total"][monday(day)] += 1
            groups["附件2测试 (predicted categories)"][predicted.get(str(row[0]), "?")][monday(day)] += 1
    for name in ("附件4", "附件3"):
        for row in _rows(data_dir / "official" / f"{name}.xlsx")[1:]:
            day = _when(row[3])
            if day is not None:
                groups[f"{name} total"]["总量 total"][monday(day)] += 1
    for row in _rows(data_dir / "sample" / "附件2.xlsx")[1:]:
        day = _when(row[3])
        if day is not None:
            groups["sample 附件2 (real labels)"]["总量 total"][monday(day)] += 1
            groups["sample 附件2 (real labels)"][str(row[5])][monday(day)] += 1
    return groups


def series_of(counts: Counter[date], start: date, end: date) -> tuple[list[date], list[int]]:
    """Weekly counts from ``start`` to before ``end`` (Mondays), zeros filled in."""
    weeks = [start + timedelta(weeks=n) for n in range((end - start).days // 7)]
    return weeks, [counts.get(w, 0) for w in weeks]


def bounds(group: dict[str, Counter[date]]) -> tuple[date, date]:
    """The weeks to use: from the 2nd to the 98th percentile of the group's messages.

    The files have a few stray messages years before the bulk and thin last weeks where
    collection stopped; both would measure the edges, not the method. At most the last
    :data:`HISTORY_WEEKS` weeks are kept, as the application does.
    """
    days = sorted(w for w, c in group["总量 total"].items() for _ in range(c))
    start, end = days[int(EDGE * len(days))], days[int((1 - EDGE) * len(days))]
    return max(start, end - timedelta(weeks=HISTORY_WEEKS)), end


def run(args: argparse.Namespace) -> dict[str, Any]:
    calendar = WorkCalendar()
    extra = _statsmodels_predictors() if args.statsmodels else {}
    results: dict[str, Any] = {"_methods": [*METHODS, *extra]}
    seconds = 0.0
    fits = 0
    for group_name, group in load(args.data_dir).items():
        start, end = bounds(group)
        lines = []
        for name, counts in sorted(group.items(), key=lambda item: -sum(item[1].values())):
            weeks, values = series_of(counts, start, end)
            if name != "总量 total" and (args.totals_only or sum(values) < MIN_SERIES_TOTAL):
                continue
            working = working_days(calendar, weeks)
            line: dict[str, Any] = {"series": name, "weeks": len(weeks), "messages": sum(values)}
            for method in METHODS:
                began = time.process_time()
                result = fm.backtest(
                    values, working, weeks, method=method, horizon=args.horizon, origins=args.origins
                )
                seconds += time.process_time() - began
                fits += result.origins if method == "wd-holt" else 0
                line[method] = {"mase": result.mase, "mape": result.mape, "origins": result.origins}
            for method, predictor in extra.items():
                result = fm.backtest(
                    values,
                    working,
                    weeks,
                    method=method,
                    horizon=args.horizon,
                    origins=args.origins,
                    predictor=predictor,
                )
                line[method] = {"mase": result.mase, "mape": result.mape, "origins": result.origins}
            lines.append(line)
        results[group_name] = {"start": start.isoformat(), "end": end.isoformat(), "series": lines}
    results["_cpu_ms_per_wd_holt_fit"] = round(1000 * seconds / max(fits, 1), 2)
    return results


def _fmt(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.3g}{suffix}" if suffix == "" else f"{value:.1f}{suffix}"


def show(results: dict[str, Any]) -> None:
    methods = results["_methods"]
    for group_name, group in results.items():
        if group_name.startswith("_"):
            continue
        print(f"\n{group_name}: weeks {group['start']} to before {group['end']}")
        print(
            f"{'series':18} {'weeks':>5} {'msgs':>5} " + " ".join(f"{m + ' MASE/MAPE':>24}" for m in methods)
        )
        means: dict[str, list[float]] = defaultdict(list)
        for line in group["series"]:
            cells = []
            for method in methods:
                found = line[method]
                cells.append(f"{_fmt(found['mase']):>12} {_fmt(found['mape'], '%'):>11}")
                if found["mase"] is not None:
                    means[method].append(found["mase"])
            print(f"{line['series'][:18]:18} {line['weeks']:>5} {line['messages']:>5} " + " ".join(cells))
        summary = " ".join(
            f"{m}: {sum(means[m]) / len(means[m]):.3f} (n={len(means[m])})" if means[m] else f"{m}: —"
            for m in methods
        )
        print(f"mean MASE  {summary}")
    print(f"\nCPU per wd-holt fit (grid of 4 × 15, up to 156 weeks): {results['_cpu_ms_per_wd_holt_fit']} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared/data/tipdm2020_smart_gov",
    )
    parser.add_argument("--horizon", type=int, default=4)
    parser.add_argument("--origins", type=int, default=26)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--totals-only", action="store_true", help="Only the total of each group.")
    parser.add_argument(
        "--statsmodels", action="store_true", help="Also backtest statsmodels ETS and SARIMAX (if installed)."
    )
    args = parser.parse_args()
    results = run(args)
    show(results)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
