"""Text for people and for other programs: the only place that cleans a string or words a value.

- `floorwatch.text.safe`: untrusted text (feeds, the roster, notes) made safe for a terminal, a
  CSV opened in a spreadsheet, or JSON: one set of stripped characters, one formula guard.
- `floorwatch.text.values`: metric values and thresholds in words ('5:12', '85%',
  'green <= 3:30, red > 5:00'), the same on the board, the agent screen, the evidence of a note,
  `board --once` and the config's messages.
- `floorwatch.text.plural`: counts in words ('1 note on 1 agent', '3 notes').

Pure Python: no pandas, no Textual (import-linter contracts in pyproject.toml hold it so).
"""
