// Write the contract grid (a cells file, see test_producers.py) as .xlsx with ExcelJS.
// Usage: node write_exceljs.js GRID OUT (NODE_PATH points at the folder holding exceljs).
const fs = require("fs");
const ExcelJS = require("exceljs");

const [grid, out] = process.argv.slice(2);
const book = new ExcelJS.Workbook();
let sheet = null;
for (const line of fs.readFileSync(grid, "utf8").split("\n")) {
  if (line.startsWith("#sheet\t")) {
    sheet = book.addWorksheet(line.slice(7));
    continue;
  }
  if (sheet === null || line === "") continue;
  const row = line.split("\t").map((cell) => {
    const kind = cell.slice(0, 1), value = cell.slice(2);
    if (kind === "s") return value;
    if (kind === "n") return Number(value);
    if (kind === "d") return new Date(value + "T00:00:00Z");
    return null;
  });
  const added = sheet.addRow(row);
  row.forEach((value, i) => {
    if (value instanceof Date) added.getCell(i + 1).numFmt = "dd/mm/yyyy";
  });
}
book.xlsx.writeFile(out).catch((error) => {
  console.error(error);
  process.exit(1);
});
