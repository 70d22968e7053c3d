"""The few HTML pages of `floorwatch web`: the login form, the board, the wall, refusals.

The terminal itself is textual-serve's packaged front end (`/static/js/textual.js`, xterm.js);
these pages only frame it. Every value placed in a page is HTML-escaped, and no page has inline
script, so the Content-Security-Policy can forbid it.
"""

from __future__ import annotations

from html import escape

HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/assets/floorwatch.css">
{extra}</head>
"""

TERMINAL_HEAD = """<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<script src="/assets/floorwatch.js"></script>
"""


def login_page(message: str = "", name: str = "") -> str:
    notice = f'<p class="notice" role="alert">{escape(message)}</p>' if message else ""
    return (
        HEAD.format(title="floorwatch: log in", extra="")
        + f"""<body class="form-page">
<main class="card">
<h1>floorwatch</h1>
{notice}
<form method="post" action="/login">
<label for="name">Name</label>
<input id="name" name="name" autocomplete="username" required autofocus value="{escape(name)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>
</main>
</body>
</html>
"""
    )


def terminal_page(*, title: str, user: str, role: str, websocket_url: str, font_size: int) -> str:
    """The board (or the wall): a bar with who is logged in, then the terminal."""
    if role == "wall":
        bar = f'<header class="bar"><span>{escape(title)}: wall {escape(user)}</span></header>'
    else:
        bar = f"""<header class="bar"><span>{escape(title)}: {escape(user)}</span>
<form method="post" action="/logout"><button type="submit" id="logout">Log out</button></form>
</header>"""
    return (
        HEAD.format(title=escape(title), extra=TERMINAL_HEAD)
        + f"""<body data-role="{role}">
{bar}
<div id="terminal" class="textual-terminal"
  data-session-websocket-url="{escape(websocket_url)}" data-font-size="{font_size}"></div>
<div class="closed-dialog"><div class="card">
<p>Session ended.</p>
<p class="kiosk-only">Reconnecting in a few seconds...</p>
<button type="button" class="restart">Open the board again</button>
</div></div>
</body>
</html>
"""
    )


def refusal_page(title: str, message: str) -> str:
    return (
        HEAD.format(title=escape(title), extra="")
        + f"""<body class="form-page">
<main class="card">
<h1>{escape(title)}</h1>
<p>{escape(message)}</p>
</main>
</body>
</html>
"""
    )
