"""Reporting: KPIs, the watch list, the dashboard workbook and the check reports (JSON, xlsx)."""
