"""The live pipeline, pure: rows -> metrics (windows) -> thresholds (status) -> board -> Floor.

`rows` is the shape of parsed rows, `metrics` keeps each agent's windows, `thresholds` decides a
value's status, `board` is agents x metrics x status and what changed, `indexes` keeps its orders
and team sums incrementally, `floor` runs one ingest for any number of viewers, and
`daily_figures` aggregates whole days for the trends.
"""
