"""The spreadsheet tracker import: a council's own Excel or CSV tracker in, reviewed, then saved.

`sheets` reads the cells (calamine for .xlsx, openpyxl where a sheet has formulas, errors or
damage; the csv module for .csv), `columns` finds the header row and proposes which column
holds which field, `cells` reads UK dates, status words and RAG, `rows` turns the sheet into
tracker rows with the problems of each, and `recording` saves them through the services of
`committees` and `actions` (rows matching nothing saved in bulk, checked by the same rules:
`actions.bulk_resolutions`). It may import `committees`, `actions` and `tracker.reminders`,
never `tracker.api`, `tracker.site` or `tracker.importer`.
"""
