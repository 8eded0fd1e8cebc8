// Write the contract grid (a cells file, see test_producers.py) as .xlsx with Apache POI.
// Usage: java -cp POI_JARS:. WritePoi GRID OUT
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.LocalDate;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

public class WritePoi {
    public static void main(String[] args) throws Exception {
        XSSFWorkbook book = new XSSFWorkbook();
        CellStyle date = book.createCellStyle();
        date.setDataFormat(book.createDataFormat().getFormat("yyyy-mm-dd"));
        Sheet sheet = null;
        int r = 0;
        for (String line : Files.readAllLines(Paths.get(args[0]))) {
            if (line.startsWith("#sheet\t")) {
                sheet = book.createSheet(line.substring(7));
                r = 0;
                continue;
            }
            if (sheet == null || line.isEmpty()) continue;
            Row row = sheet.createRow(r++);
            String[] cells = line.split("\t", -1);
            for (int c = 0; c < cells.length; c++) {
                String kind = cells[c].substring(0, 1), value = cells[c].substring(2);
                if (kind.equals("-")) continue;
                Cell cell = row.createCell(c);
                if (kind.equals("s")) cell.setCellValue(value);
                else if (kind.equals("n")) cell.setCellValue(Double.parseDouble(value));
                else if (kind.equals("d")) {
                    cell.setCellValue(java.sql.Date.valueOf(LocalDate.parse(value)));
                    cell.setCellStyle(date);
                }
            }
        }
        try (FileOutputStream out = new FileOutputStream(args[1])) {
            book.write(out);
        }
    }
}
