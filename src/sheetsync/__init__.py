"""sheetsync: order-tracking workbooks for export coordinators.

The core (contract, io, rules, documents, store) works on plain data and never imports
xlwings; the faces (`sheetsync.cli`, `sheetsync.excel`) read a book, call an action and
apply its edits their own way.
"""

__version__ = "0.1.0"
