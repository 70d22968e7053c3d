"""The terminal UI: the only package that imports Textual. `app` wires the App on a Floor,
`messages` carries floor updates to it, `notes_service` is the notes as the UI sees them,
`themes` the palettes; `screens/` and `widgets/` one module each."""
