"""The goals tables' migration (see floorwatch.store.goals), apart so the schema can list it."""

GOALS_MIGRATION = """
    CREATE TABLE goals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        scope TEXT NOT NULL,
        who TEXT NOT NULL,
        metric TEXT NOT NULL,
        baseline REAL NOT NULL,
        target REAL NOT NULL,
        start_day TEXT NOT NULL,
        due_day TEXT NOT NULL,
        objective TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    );
    CREATE TABLE goal_ends (
        goal_id INTEGER PRIMARY KEY REFERENCES goals(id),
        ended_at TEXT NOT NULL,
        ended_by TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE TABLE goal_checkins (
        goal_key TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        value REAL,
        progress REAL,
        light TEXT,
        checked_by TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (goal_key, checked_at)
    ) WITHOUT ROWID;
"""
