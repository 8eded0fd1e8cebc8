"""The standard order-tracking workbook built from the contract (`sheetsync new`), and the generated docs."""
