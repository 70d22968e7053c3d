"""The notes store's schema, as forward migrations per backend. `SQLITE[i]` and `POSTGRESQL[i]`
both take a store from schema version i to i + 1, so a version means the same tables on either.
Never edit a released step; add a new one to both lists.

Times are UTC ISO 8601 text with microseconds on both backends (they sort as text, and a copy
from one to the other is byte for byte). Every table carries `site`: floors sharing one database
never see each other's rows unless a report asks for every floor.
"""

from __future__ import annotations

import sqlite3

from floorwatch.store.goals_schema import GOALS_MIGRATION as GOALS_SQLITE

SQLITE: tuple[str, ...] = (
    # 1: notes and their revisions, append-only.
    """
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        agent TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE revisions (
        note_id INTEGER NOT NULL REFERENCES notes(id),
        revision INTEGER NOT NULL,
        revised_at TEXT NOT NULL,
        revised_by TEXT NOT NULL,
        agent_name TEXT NOT NULL,
        observed_at TEXT NOT NULL,
        behavior TEXT NOT NULL,
        effect TEXT NOT NULL,
        suggestion TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        follow_up_due TEXT,
        kind TEXT NOT NULL,
        tags TEXT NOT NULL,
        visibility TEXT NOT NULL,
        evidence TEXT NOT NULL,
        retracted INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (note_id, revision)
    );
    CREATE INDEX notes_by_agent ON notes (agent, created_at);
    CREATE INDEX notes_by_time ON notes (created_at);
    CREATE TRIGGER notes_append_only_u BEFORE UPDATE ON notes
        BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
    CREATE TRIGGER notes_append_only_d BEFORE DELETE ON notes
        BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
    CREATE TRIGGER revisions_append_only_u BEFORE UPDATE ON revisions
        BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
    CREATE TRIGGER revisions_append_only_d BEFORE DELETE ON revisions
        BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END;
    """,
    # 2: autosaved drafts, one per agent and author.
    """
    CREATE TABLE drafts (
        agent TEXT NOT NULL,
        author TEXT NOT NULL,
        fields TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (agent, author)
    );
    """,
    # 3: closing a follow-up explicitly, with its outcome.
    """
    ALTER TABLE revisions ADD COLUMN follow_up_closed_at TEXT;
    ALTER TABLE revisions ADD COLUMN follow_up_outcome TEXT;
    """,
    # 4: daily figures per agent and metric (floorwatch.live.daily_figures), for trends over months.
    """
    CREATE TABLE daily_figures (
        day TEXT NOT NULL,
        agent TEXT NOT NULL,
        metric TEXT NOT NULL,
        value REAL NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (agent, metric, day)
    ) WITHOUT ROWID;
    """,
    # 5: transitions to red, for the floor's feedback-within-24-hours figure.
    """
    CREATE TABLE reds (
        agent TEXT NOT NULL,
        metric TEXT NOT NULL,
        red_at TEXT NOT NULL,
        PRIMARY KEY (agent, metric, red_at)
    ) WITHOUT ROWID;
    CREATE INDEX reds_by_time ON reds (red_at);
    """,
    # 6: goals, their ends and weekly check-ins (floorwatch.store.goals), a table family apart.
    GOALS_SQLITE,
    # 7: GROW and STAR-AR beside BEST: the template, its sections (JSON), and for a STAR-AR case
    # whether it is a good or bad example and its topic (the case library).
    """
    ALTER TABLE revisions ADD COLUMN template TEXT NOT NULL DEFAULT 'best';
    ALTER TABLE revisions ADD COLUMN sections TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE revisions ADD COLUMN example TEXT NOT NULL DEFAULT '';
    ALTER TABLE revisions ADD COLUMN topic TEXT NOT NULL DEFAULT '';
    """,
    # 8: the site (floor) of every row, and save keys: a save retried after a dropped connection
    # finds its first attempt instead of writing the note twice. SQLite cannot change a primary
    # key, so drafts, daily figures and reds are copied into tables keyed by site.
    """
    ALTER TABLE notes ADD COLUMN site TEXT NOT NULL DEFAULT '';
    ALTER TABLE notes ADD COLUMN save_key TEXT;
    ALTER TABLE revisions ADD COLUMN save_key TEXT;
    CREATE UNIQUE INDEX notes_by_save_key ON notes (save_key);
    CREATE UNIQUE INDEX revisions_by_save_key ON revisions (save_key);
    DROP INDEX notes_by_agent;
    DROP INDEX notes_by_time;
    CREATE INDEX notes_by_agent ON notes (site, agent, created_at);
    CREATE INDEX notes_by_time ON notes (site, created_at);
    CREATE TABLE drafts_by_site (
        site TEXT NOT NULL DEFAULT '',
        agent TEXT NOT NULL,
        author TEXT NOT NULL,
        fields TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (site, agent, author)
    );
    INSERT INTO drafts_by_site (agent, author, fields, saved_at)
        SELECT agent, author, fields, saved_at FROM drafts;
    DROP TABLE drafts;
    ALTER TABLE drafts_by_site RENAME TO drafts;
    CREATE TABLE daily_figures_by_site (
        site TEXT NOT NULL DEFAULT '',
        day TEXT NOT NULL,
        agent TEXT NOT NULL,
        metric TEXT NOT NULL,
        value REAL NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (site, agent, metric, day)
    ) WITHOUT ROWID;
    INSERT INTO daily_figures_by_site (day, agent, metric, value, count)
        SELECT day, agent, metric, value, count FROM daily_figures;
    DROP TABLE daily_figures;
    ALTER TABLE daily_figures_by_site RENAME TO daily_figures;
    CREATE TABLE reds_by_site (
        site TEXT NOT NULL DEFAULT '',
        agent TEXT NOT NULL,
        metric TEXT NOT NULL,
        red_at TEXT NOT NULL,
        PRIMARY KEY (site, agent, metric, red_at)
    ) WITHOUT ROWID;
    INSERT INTO reds_by_site (agent, metric, red_at) SELECT agent, metric, red_at FROM reds;
    DROP TABLE reds;
    ALTER TABLE reds_by_site RENAME TO reds;
    CREATE INDEX reds_by_time ON reds (site, red_at);
    ALTER TABLE goals ADD COLUMN site TEXT NOT NULL DEFAULT '';
    ALTER TABLE goals ADD COLUMN save_key TEXT;
    CREATE UNIQUE INDEX goals_by_save_key ON goals (save_key);
    CREATE TABLE goal_checkins_by_site (
        site TEXT NOT NULL DEFAULT '',
        goal_key TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        value REAL,
        progress REAL,
        light TEXT,
        checked_by TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (site, goal_key, checked_at)
    ) WITHOUT ROWID;
    INSERT INTO goal_checkins_by_site (goal_key, checked_at, value, progress, light, checked_by,
        comment) SELECT goal_key, checked_at, value, progress, light, checked_by, comment
        FROM goal_checkins;
    DROP TABLE goal_checkins;
    ALTER TABLE goal_checkins_by_site RENAME TO goal_checkins;
    """,
)

POSTGRESQL: tuple[str, ...] = (
    # 1: notes and their revisions, append-only (a trigger refuses UPDATE, DELETE, TRUNCATE).
    """
    CREATE TABLE notes (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        agent TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE revisions (
        note_id BIGINT NOT NULL REFERENCES notes(id),
        revision INTEGER NOT NULL,
        revised_at TEXT NOT NULL,
        revised_by TEXT NOT NULL,
        agent_name TEXT NOT NULL,
        observed_at TEXT NOT NULL,
        behavior TEXT NOT NULL,
        effect TEXT NOT NULL,
        suggestion TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        follow_up_due TEXT,
        kind TEXT NOT NULL,
        tags TEXT NOT NULL,
        visibility TEXT NOT NULL,
        evidence TEXT NOT NULL,
        retracted INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (note_id, revision)
    );
    CREATE INDEX notes_by_agent ON notes (agent, created_at);
    CREATE INDEX notes_by_time ON notes (created_at);
    CREATE FUNCTION floorwatch_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'notes are append-only' USING ERRCODE = 'integrity_constraint_violation';
    END $$;
    CREATE TRIGGER notes_append_only BEFORE UPDATE OR DELETE ON notes
        FOR EACH ROW EXECUTE FUNCTION floorwatch_append_only();
    CREATE TRIGGER notes_append_only_t BEFORE TRUNCATE ON notes
        FOR EACH STATEMENT EXECUTE FUNCTION floorwatch_append_only();
    CREATE TRIGGER revisions_append_only BEFORE UPDATE OR DELETE ON revisions
        FOR EACH ROW EXECUTE FUNCTION floorwatch_append_only();
    CREATE TRIGGER revisions_append_only_t BEFORE TRUNCATE ON revisions
        FOR EACH STATEMENT EXECUTE FUNCTION floorwatch_append_only();
    """,
    # 2: autosaved drafts, one per agent and author.
    """
    CREATE TABLE drafts (
        agent TEXT NOT NULL,
        author TEXT NOT NULL,
        fields TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (agent, author)
    );
    """,
    # 3: closing a follow-up explicitly, with its outcome.
    """
    ALTER TABLE revisions ADD COLUMN follow_up_closed_at TEXT,
        ADD COLUMN follow_up_outcome TEXT;
    """,
    # 4: daily figures per agent and metric.
    """
    CREATE TABLE daily_figures (
        day TEXT NOT NULL,
        agent TEXT NOT NULL,
        metric TEXT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (agent, metric, day)
    );
    """,
    # 5: transitions to red.
    """
    CREATE TABLE reds (
        agent TEXT NOT NULL,
        metric TEXT NOT NULL,
        red_at TEXT NOT NULL,
        PRIMARY KEY (agent, metric, red_at)
    );
    CREATE INDEX reds_by_time ON reds (red_at);
    """,
    # 6: goals, their ends and weekly check-ins.
    """
    CREATE TABLE goals (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        scope TEXT NOT NULL,
        who TEXT NOT NULL,
        metric TEXT NOT NULL,
        baseline DOUBLE PRECISION NOT NULL,
        target DOUBLE PRECISION NOT NULL,
        start_day TEXT NOT NULL,
        due_day TEXT NOT NULL,
        objective TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    );
    CREATE TABLE goal_ends (
        goal_id BIGINT PRIMARY KEY REFERENCES goals(id),
        ended_at TEXT NOT NULL,
        ended_by TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE TABLE goal_checkins (
        goal_key TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        value DOUBLE PRECISION,
        progress DOUBLE PRECISION,
        light TEXT,
        checked_by TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (goal_key, checked_at)
    );
    """,
    # 7: GROW and STAR-AR beside BEST.
    """
    ALTER TABLE revisions ADD COLUMN template TEXT NOT NULL DEFAULT 'best',
        ADD COLUMN sections TEXT NOT NULL DEFAULT '{}',
        ADD COLUMN example TEXT NOT NULL DEFAULT '',
        ADD COLUMN topic TEXT NOT NULL DEFAULT '';
    """,
    # 8: the site of every row, save keys, and a NOTIFY on channel floorwatch_notes (payload:
    # the site) for every note or revision, sent when its transaction commits.
    """
    ALTER TABLE notes ADD COLUMN site TEXT NOT NULL DEFAULT '', ADD COLUMN save_key TEXT UNIQUE;
    ALTER TABLE revisions ADD COLUMN save_key TEXT UNIQUE;
    DROP INDEX notes_by_agent;
    DROP INDEX notes_by_time;
    CREATE INDEX notes_by_agent ON notes (site, agent, created_at);
    CREATE INDEX notes_by_time ON notes (site, created_at);
    ALTER TABLE drafts ADD COLUMN site TEXT NOT NULL DEFAULT '', DROP CONSTRAINT drafts_pkey,
        ADD PRIMARY KEY (site, agent, author);
    ALTER TABLE daily_figures ADD COLUMN site TEXT NOT NULL DEFAULT '',
        DROP CONSTRAINT daily_figures_pkey, ADD PRIMARY KEY (site, agent, metric, day);
    ALTER TABLE reds ADD COLUMN site TEXT NOT NULL DEFAULT '', DROP CONSTRAINT reds_pkey,
        ADD PRIMARY KEY (site, agent, metric, red_at);
    DROP INDEX reds_by_time;
    CREATE INDEX reds_by_time ON reds (site, red_at);
    ALTER TABLE goals ADD COLUMN site TEXT NOT NULL DEFAULT '', ADD COLUMN save_key TEXT UNIQUE;
    ALTER TABLE goal_checkins ADD COLUMN site TEXT NOT NULL DEFAULT '',
        DROP CONSTRAINT goal_checkins_pkey, ADD PRIMARY KEY (site, goal_key, checked_at);
    CREATE FUNCTION floorwatch_notes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'notes' THEN
            PERFORM pg_notify('floorwatch_notes', NEW.site);
        ELSE
            PERFORM pg_notify('floorwatch_notes',
                              COALESCE((SELECT site FROM notes WHERE id = NEW.note_id), ''));
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER notes_changed AFTER INSERT ON notes
        FOR EACH ROW EXECUTE FUNCTION floorwatch_notes_changed();
    CREATE TRIGGER revisions_changed AFTER INSERT ON revisions
        FOR EACH ROW EXECUTE FUNCTION floorwatch_notes_changed();
    """,
)

assert len(SQLITE) == len(POSTGRESQL), "every schema version exists on both backends"
SCHEMA_VERSION = len(SQLITE)
MIGRATIONS = SQLITE  # the name the SQLite tests and older code know

# The tables a copy between stores moves, in an order that keeps references valid.
TABLES = ("notes", "revisions", "drafts", "daily_figures", "reds", "goals", "goal_ends",
          "goal_checkins")  # fmt: skip
NOTIFY_CHANNEL = "floorwatch_notes"


def statements(script: str) -> list[str]:
    """Split a SQLite migration into statements (trigger bodies keep their inner semicolons)."""
    found, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                found.append(current.strip())
            current = ""
    if current.strip():
        found.append(current.strip())
    return found
