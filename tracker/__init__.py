"""The tracker: the engine over committees' business. Its rooms are `reminders` (the ledger,
rules, outbox, tasks and emailed links), `api`, `site` (pages, exports, feeds), `importer`
(reading minutes) and `demo`. May import `committees` and `actions`; inside it, `api`, `site`,
`importer` and `demo` may use `reminders`, never the reverse.
"""
