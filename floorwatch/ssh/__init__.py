"""`floorwatch serve`: one SSH server, one shared ingest, a Textual app session per connection.

The server (asyncssh) authenticates supervisors and wall terminals by public key, then runs one
Textual `App` per SSH session inside the server's own asyncio loop. Each app talks to its client
through `SshDriver`, a Textual driver whose "terminal" is the SSH channel. The app itself comes
from an `AppFactory`, so the real floorwatch app and the test stand-in plug in the same way.
"""

from floorwatch.ssh.session import AppFactory, Role, SshSession

__all__ = ["AppFactory", "Role", "SshSession"]
