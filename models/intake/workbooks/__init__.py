"""Spreadsheets as officers keep them: Excel and OpenDocument workbooks read into the same rows
as a CSV file, and the template workbook to fill in."""
