"""The workbook contract (WORKBOOK.md v1), declared once: sheets, columns, aliases, code lists."""

from sheetsync.contract import codelists
from sheetsync.contract.model import Column, Kind, Sheet, When, header_key
from sheetsync.contract.sheets import (
    DOCUMENTS,
    ISSUES_SHEET,
    LINES,
    LISTS_SHEET,
    ORDERS,
    SETTINGS,
    SETTINGS_SHEET,
    SHEETS,
    SHIPMENTS,
    TABLE_SHEETS,
    milestone_key,
)

CONTRACT_VERSION = "1.1"

__all__ = [
    "CONTRACT_VERSION",
    "DOCUMENTS",
    "ISSUES_SHEET",
    "LINES",
    "LISTS_SHEET",
    "ORDERS",
    "SETTINGS",
    "SETTINGS_SHEET",
    "SHEETS",
    "SHIPMENTS",
    "TABLE_SHEETS",
    "Column",
    "Kind",
    "Sheet",
    "When",
    "codelists",
    "header_key",
    "milestone_key",
]
