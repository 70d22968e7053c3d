"""`floorwatch web`: the live board in a browser, for supervisors and wall TVs.

An aiohttp server speaks the WebSocket protocol of textual-serve's front end (whose packaged
xterm.js page it serves) and runs one Textual app per browser tab inside its own event loop, on
the same in-process driver as `floorwatch serve`, so every tab shares one `Floor` (one ingest).
Supervisors log in with a password; a wall TV opens its kiosk URL and gets the read-only wall.
"""
