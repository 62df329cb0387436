"""Files in and out: tabular readers (CSV/TSV, XLSX, JSONL) and the bulk message importer.

:mod:`minyi.interop.tabular` reads any supported file into rows of plain values;
:mod:`minyi.flows.imports` turns those rows into messages through intake.
"""
