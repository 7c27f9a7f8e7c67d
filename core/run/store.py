"""The run store: SQLite (WAL), one file, path from `BATCHLAB_DB`.

Tables: `runs` (config as JSON, status, timings, device, a name), `steps` (one row per
optimizer step), `epochs` (one row per epoch), `groups` (where a group of runs came from: a
Compare sweep or an Advise session; a run's `sweep_id` names its group) and `sharpness` (a
run's λ_max, trace and gap, where measured). `_migrate` brings an older file up to date when it
opens (PRAGMA user_version). Rows are written as a run goes, one transaction per chunk, so a
crash loses at most the chunk in flight. A run whose process died shows as `interrupted`. All
SQL is parameterised; nothing is pickled.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from core.errors import InputError, check_choice

STATUSES = ("starting", "running", "completed", "stopped", "diverged", "interrupted", "failed")
ACTIVE = ("starting", "running")
DEFAULT_FILENAME = "batchlab.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    status TEXT NOT NULL,
    config TEXT NOT NULL,
    dataset TEXT, model TEXT, n INTEGER, batch_size INTEGER, epochs INTEGER,
    optimizer TEXT, lr REAL, seed INTEGER,
    total_steps INTEGER, steps_done INTEGER DEFAULT 0,
    device TEXT, pid INTEGER, sweep_id TEXT, label TEXT,
    first_epoch_seconds REAL, train_seconds REAL, steps_per_second REAL,
    test_metrics TEXT, message TEXT, diverged_step INTEGER, summary TEXT
);
CREATE TABLE IF NOT EXISTS steps (
    run_id TEXT NOT NULL, step INTEGER NOT NULL, epoch INTEGER NOT NULL,
    batch_size INTEGER NOT NULL, loss REAL, accuracy REAL, seconds REAL, class_counts TEXT,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS epochs (
    run_id TEXT NOT NULL, epoch INTEGER NOT NULL, train_loss REAL, train_accuracy REAL,
    val_loss REAL, val_accuracy REAL, seconds REAL, steps INTEGER,
    PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evals (
    run_id TEXT NOT NULL, step INTEGER NOT NULL, train_seconds REAL, val_loss REAL,
    val_accuracy REAL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS runs_sweep ON runs (sweep_id);
CREATE TABLE IF NOT EXISTS sharpness (
    run_id TEXT PRIMARY KEY, lambda_max REAL, lambda_iterations INTEGER,
    lambda_converged INTEGER, trace REAL, trace_lo REAL, trace_hi REAL, trace_probes INTEGER,
    train_loss REAL, test_loss REAL, generalization_gap REAL, parameters INTEGER,
    train_samples INTEGER, seconds REAL
) WITHOUT ROWID;
"""
# Migrations: a store made before a table existed gains it through `CREATE TABLE IF NOT EXISTS`
# above (the `sharpness` table, issue 23); no existing table or column changes.
_SHARPNESS_COLUMNS = (
    "lambda_max",
    "lambda_iterations",
    "lambda_converged",
    "trace",
    "trace_lo",
    "trace_hi",
    "trace_probes",
    "train_loss",
    "test_loss",
    "generalization_gap",
    "parameters",
    "train_samples",
    "seconds",
)

SCHEMA_VERSION = 1
GROUP_KINDS = ("sweep", "advise")


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a store written by an older Batch Lab up to SCHEMA_VERSION, in one transaction
    (another process may open the file at the same time: the version is read again inside it).

    1: runs get a `name`; a `groups` table says where each sweep_id's runs came from. Groups
    already stored are filled in: Advise named its runs "B=… lr=…", a sweep "B=…".
    A store this process may not write stays as it is (it still lists its runs).
    """
    if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
        return
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:  # read-only: readers cope with the old layout
        return
    try:  # a read-only file may refuse only the first write
        if db.execute("PRAGMA user_version").fetchone()[0] < 1:
            names = {r[1] for r in db.execute("PRAGMA table_info(runs)")}
            if "name" not in names:
                db.execute("ALTER TABLE runs ADD COLUMN name TEXT")
            db.execute(
                "CREATE TABLE IF NOT EXISTS groups (group_id TEXT PRIMARY KEY, kind TEXT NOT "
                "NULL, name TEXT, created REAL NOT NULL)"
            )
            db.execute(
                "INSERT OR IGNORE INTO groups (group_id, kind, created) SELECT sweep_id, "
                "CASE WHEN MAX(label LIKE '% lr=%') THEN 'advise' ELSE 'sweep' END, MIN(created) "
                "FROM runs WHERE sweep_id IS NOT NULL GROUP BY sweep_id"
            )
            db.execute("PRAGMA user_version = 1")
        db.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        db.execute("ROLLBACK")
        if "readonly" not in str(exc):
            raise


def _create(db: sqlite3.Connection) -> None:
    """The tables, where missing. A store this process may only read keeps what it has: an old
    file without a newer table (`sharpness`) still lists and finds its runs."""
    try:
        db.executescript(_SCHEMA)
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc):
            raise


_RUN_COLUMNS = ("dataset", "model", "n", "batch_size", "epochs", "optimizer", "lr", "seed")


def default_path() -> Path:
    env = os.environ.get("BATCHLAB_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "batchlab" / DEFAULT_FILENAME


class StoreError(InputError):
    """The store file cannot be used: says which file and what to do."""


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunStore:
    """One connection per instance; make one per thread or process."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=30000")
            _create(self.db)
            _migrate(self.db)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(
                "the run store {path} cannot be used ({error}): set BATCHLAB_DB to a writable "
                "file path, or move the damaged file aside.",
                path=self.path,
                error=exc,
            ) from None

    def close(self) -> None:
        self.db.close()

    def _write(self, sql: str, params: Sequence = ()) -> None:
        try:
            self.db.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise self._write_error(exc) from None

    def _write_error(self, exc: Exception) -> StoreError:
        return StoreError(
            "could not write to the run store {path}: {error}. Set BATCHLAB_DB to a writable "
            "file (the runs already stored are untouched).",
            path=self.path,
            error=exc,
        )

    # -- runs -------------------------------------------------------------------------------
    def create_run(
        self,
        config: dict,
        total_steps: int,
        *,
        sweep_id: str | None = None,
        label: str | None = None,
        run_id: str | None = None,
    ) -> str:
        run_id = run_id or uuid.uuid4().hex[:12]
        now = time.time()
        values = [config.get(c) for c in _RUN_COLUMNS]
        self._write(
            "INSERT INTO runs (run_id, created, updated, status, config, "
            + ", ".join(_RUN_COLUMNS)
            + ", total_steps, sweep_id, label, pid) VALUES (?, ?, ?, ?, ?, "
            + ", ".join("?" for _ in _RUN_COLUMNS)
            + ", ?, ?, ?, ?)",
            [
                run_id,
                now,
                now,
                "starting",
                json.dumps(config),
                *values,
                total_steps,
                sweep_id,
                label,
                os.getpid(),
            ],
        )
        if sweep_id is not None:  # a sweep's first run records its group (Advise names its own)
            self.add_group(sweep_id, "sweep")
        return run_id

    # -- names and groups ---------------------------------------------------------------------
    def add_group(self, group_id: str, kind: str, name: str | None = None) -> None:
        """Record where GROUP_ID's runs come from (KIND: sweep | advise); an existing group is
        left as it is."""
        check_choice("kind", kind, GROUP_KINDS)
        self._write(
            "INSERT OR IGNORE INTO groups (group_id, kind, name, created) VALUES (?, ?, ?, ?)",
            (group_id, kind, name, time.time()),
        )

    def rename_run(self, run_id: str, name: str) -> None:
        """Give a run a NAME (blank: back to its automatic name)."""
        self.update_run(run_id, name=_checked_name(name))

    def rename_group(self, group_id: str, name: str) -> None:
        self._write(
            "UPDATE groups SET name = ? WHERE group_id = ?", (_checked_name(name), group_id)
        )

    def groups(self) -> list[dict]:
        """Every group with runs, newest first: group_id, kind, name, created, runs, dataset,
        model, batch_sizes (text, as SQLite joins them)."""
        try:
            rows = self.db.execute(
                "SELECT r.sweep_id AS group_id, COALESCE(g.kind, 'sweep') AS kind, g.name AS "
                "name, MIN(r.created) AS created, COUNT(*) AS runs, MIN(r.dataset) AS dataset, "
                "MIN(r.model) AS model, GROUP_CONCAT(DISTINCT r.batch_size) AS batch_sizes "
                "FROM runs r LEFT JOIN groups g ON g.group_id = r.sweep_id "
                "WHERE r.sweep_id IS NOT NULL GROUP BY r.sweep_id ORDER BY created DESC"
            ).fetchall()
        except sqlite3.OperationalError:  # an old read-only store: no groups table
            return [dict(s, group_id=s["sweep_id"], kind="sweep", name=None) for s in self.sweeps()]
        return [dict(r) for r in rows]

    def find_runs(
        self,
        search: str = "",
        group: str | None = None,
        status: str | None = None,
        limit: int = 1000,
    ) -> list[dict]:
        """Runs newest first, at most LIMIT, whose id, name, label, dataset, model, group id or
        group name holds SEARCH (any case); in GROUP ("" : no group; None: any), with STATUS."""
        self.reap_interrupted()
        where, args = [], []
        if search.strip():
            like = "%" + _escaped(search.strip()) + "%"
            fields = ["run_id", "label", "dataset", "model", "sweep_id"]
            if self._has_groups():
                fields += ["name", "(SELECT name FROM groups WHERE group_id = sweep_id)"]
            where.append("(" + " OR ".join(f"{f} LIKE ? ESCAPE '\\'" for f in fields) + ")")
            args += [like] * len(fields)
        if group == "":
            where.append("sweep_id IS NULL")
        elif group is not None:
            where.append("sweep_id = ?")
            args.append(group)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        sql = "SELECT * FROM runs" + (" WHERE " + " AND ".join(where) if where else "")
        rows = self.db.execute(sql + " ORDER BY created DESC LIMIT ?", (*args, limit)).fetchall()
        return [_run_dict(r) for r in rows]

    def _has_groups(self) -> bool:
        return self.db.execute("PRAGMA user_version").fetchone()[0] >= 1

    def update_run(self, run_id: str, **fields: object) -> None:
        allowed = {
            "status",
            "device",
            "pid",
            "steps_done",
            "first_epoch_seconds",
            "train_seconds",
            "steps_per_second",
            "test_metrics",
            "message",
            "diverged_step",
            "summary",
            "total_steps",
            "label",
            "name",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise KeyError(f"unknown run fields: {sorted(unknown)}")
        values = [json.dumps(v) if isinstance(v, (dict, list)) else v for v in fields.values()]
        sets = ", ".join(f"{k} = ?" for k in fields)
        self._write(
            f"UPDATE runs SET {sets}, updated = ? WHERE run_id = ?", [*values, time.time(), run_id]
        )

    def add_steps(self, run_id: str, rows: Iterable[tuple], steps_done: int) -> None:
        """rows: (step, epoch, batch_size, loss, accuracy, seconds, class_counts list|None)."""
        data = [
            (
                run_id,
                s,
                e,
                b,
                _finite_or_none(loss),
                acc,
                sec,
                None if cc is None else json.dumps(cc),
            )
            for s, e, b, loss, acc, sec, cc in rows
        ]
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany(
                    "INSERT OR REPLACE INTO steps VALUES (?, ?, ?, ?, ?, ?, ?, ?)", data
                )
                self.db.execute(
                    "UPDATE runs SET steps_done = ?, updated = ? WHERE run_id = ?",
                    (steps_done, time.time(), run_id),
                )
        except sqlite3.DatabaseError as exc:
            raise self._write_error(exc) from None

    def add_epoch(
        self,
        run_id: str,
        epoch: int,
        train_loss: float | None,
        train_accuracy: float | None,
        val_loss: float | None,
        val_accuracy: float | None,
        seconds: float,
        steps: int,
    ) -> None:
        self._write(
            "INSERT OR REPLACE INTO epochs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                epoch,
                _finite_or_none(train_loss),
                train_accuracy,
                _finite_or_none(val_loss),
                val_accuracy,
                seconds,
                steps,
            ),
        )

    def add_eval(
        self,
        run_id: str,
        step: int,
        train_seconds: float,
        val_loss: float | None,
        val_accuracy: float | None,
    ) -> None:
        """The validation metrics after `step` steps (and `train_seconds` of training)."""
        self._write(
            "INSERT OR REPLACE INTO evals VALUES (?, ?, ?, ?, ?)",
            (run_id, step, train_seconds, _finite_or_none(val_loss), val_accuracy),
        )

    def evals(self, run_id: str) -> list[dict]:
        rows = self.db.execute(
            "SELECT step, train_seconds, val_loss, val_accuracy FROM evals WHERE run_id = ? "
            "ORDER BY step",
            (run_id,),
        ).fetchall()
        return [dict(r) for r in rows]

    def add_sharpness(self, run_id: str, measured: dict) -> None:
        """A run's sharpness at its final weights (`core.study.sharpness.Sharpness.to_dict()`)."""
        lo, hi = measured["trace_interval"]
        row = {**measured, "trace_lo": lo, "trace_hi": hi}
        values = [
            _finite_or_none(row.get(c)) if isinstance(row.get(c), float) else row.get(c)
            for c in _SHARPNESS_COLUMNS
        ]
        self._write(
            "INSERT OR REPLACE INTO sharpness (run_id, "
            + ", ".join(_SHARPNESS_COLUMNS)
            + ") VALUES (?, "
            + ", ".join("?" for _ in _SHARPNESS_COLUMNS)
            + ")",
            [run_id, *values],
        )

    def sharpness(self, run_id: str) -> dict | None:
        """What `add_sharpness` stored for RUN_ID (same keys), or None."""
        try:
            row = self.db.execute("SELECT * FROM sharpness WHERE run_id = ?", (run_id,)).fetchone()
        except sqlite3.OperationalError:  # an older store opened read-only: never measured
            return None
        if row is None:
            return None
        out = dict(row)
        out.pop("run_id")
        out["trace_interval"] = [out.pop("trace_lo"), out.pop("trace_hi")]
        out["lambda_converged"] = bool(out["lambda_converged"])
        return out

    def get_run(self, run_id: str) -> dict | None:
        self.reap_interrupted()
        row = self.db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return _run_dict(row) if row else None

    def list_runs(self, sweep_id: str | None = None, limit: int = 1000) -> list[dict]:
        self.reap_interrupted()
        if sweep_id is None:
            rows = self.db.execute(
                "SELECT * FROM runs ORDER BY created DESC LIMIT ?", (limit,)
            ).fetchall()
        else:
            rows = self.db.execute(
                "SELECT * FROM runs WHERE sweep_id = ? ORDER BY created", (sweep_id,)
            ).fetchall()
        return [_run_dict(r) for r in rows]

    def sweeps(self) -> list[dict]:
        """Sweeps, newest first: id, when, how many runs, which batch sizes, dataset."""
        rows = self.db.execute(
            "SELECT sweep_id, MIN(created) AS created, COUNT(*) AS runs, "
            "GROUP_CONCAT(DISTINCT batch_size) AS batch_sizes, MIN(dataset) AS dataset, "
            "MIN(model) AS model FROM runs WHERE sweep_id IS NOT NULL GROUP BY sweep_id "
            "ORDER BY created DESC"
        ).fetchall()
        return [dict(r) for r in rows]

    def steps(self, run_id: str, after: int = -1) -> list[dict]:
        rows = self.db.execute(
            "SELECT step, epoch, batch_size, loss, accuracy, seconds, class_counts FROM steps "
            "WHERE run_id = ? AND step > ? ORDER BY step",
            (run_id, after),
        ).fetchall()
        return [
            {
                **dict(r),
                "class_counts": _counts(r["class_counts"]),
            }
            for r in rows
        ]

    def step_count(self, run_id: str, after: int = -1) -> int:
        return self.db.execute(
            "SELECT COUNT(*) FROM steps WHERE run_id = ? AND step > ?", (run_id, after)
        ).fetchone()[0]

    def steps_every(self, run_id: str, after: int, stride: int) -> list[dict]:
        """The steps after AFTER whose number is a multiple of STRIDE, and the latest one, each
        with `seen`: the samples of every step from AFTER + 1 up to it (skipped ones included).
        A live page reads this: all rows of a fast run cost it ~10 µs each in Python."""
        rows = self.db.execute(
            "SELECT * FROM (SELECT step, epoch, batch_size, loss, accuracy, seconds, "
            "class_counts, SUM(batch_size) OVER (ORDER BY step) AS seen, "
            "MAX(step) OVER () AS latest FROM steps WHERE run_id = ? AND step > ?) "
            "WHERE step % ? = 0 OR step = latest ORDER BY step",
            (run_id, after, stride),
        ).fetchall()
        out = []
        for r in rows:
            row = dict(r)
            del row["latest"]
            row["class_counts"] = _counts(r["class_counts"])
            out.append(row)
        return out

    def epoch_steps(self, run_id: str, epoch: int, low: int, high: int, limit: int) -> list[dict]:
        """EPOCH's steps (LOW ≤ step ≤ HIGH bounds where to look), at most about LIMIT of them,
        evenly spread: step, epoch, batch_size, class_counts."""
        where = "WHERE run_id = ? AND step BETWEEN ? AND ? AND epoch = ?"
        args = (run_id, low, high, epoch)
        first, count = self.db.execute(
            f"SELECT MIN(step), COUNT(*) FROM steps {where}", args
        ).fetchone()
        if not count:
            return []
        stride = max(1, -(-count // limit))
        rows = self.db.execute(
            f"SELECT step, epoch, batch_size, class_counts FROM steps {where} "
            "AND (step - ?) % ? = 0 ORDER BY step",
            (*args, first, stride),
        ).fetchall()
        return [
            {
                **dict(r),
                "class_counts": _counts(r["class_counts"]),
            }
            for r in rows
        ]

    def epochs(self, run_id: str) -> list[dict]:
        rows = self.db.execute(
            "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch", (run_id,)
        ).fetchall()
        return [dict(r) for r in rows]

    def delete_run(self, run_id: str) -> None:
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                for table in ("steps", "epochs", "evals", "sharpness", "runs"):
                    self.db.execute(f"DELETE FROM {table} WHERE run_id = ?", (run_id,))
                if self._has_groups():  # a group's last run takes the group with it
                    self.db.execute(
                        "DELETE FROM groups WHERE group_id NOT IN (SELECT sweep_id FROM runs "
                        "WHERE sweep_id IS NOT NULL)"
                    )
        except sqlite3.DatabaseError as exc:
            raise self._write_error(exc) from None

    def reap_interrupted(self) -> int:
        """Mark runs whose process is gone as `interrupted`. Returns how many."""
        rows = self.db.execute(
            "SELECT run_id, pid FROM runs WHERE status IN (?, ?)", ACTIVE
        ).fetchall()
        dead = [r["run_id"] for r in rows if not _pid_alive(r["pid"])]
        for run_id in dead:
            try:
                self.update_run(
                    run_id,
                    status="interrupted",
                    message="the process running it ended before it finished",
                )
            except StoreError:  # read-only store: still readable
                return 0
        return len(dead)


MAX_NAME = 200


def _escaped(text: str) -> str:
    """TEXT for a LIKE pattern with ESCAPE '\\': its % and _ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _checked_name(name: str) -> str | None:
    """A name as stored: trimmed, None when blank; InputError when too long."""
    name = (name or "").strip()
    if len(name) > MAX_NAME:
        raise InputError(
            "a name may have at most {cap} characters, got {count}: shorten it.",
            cap=MAX_NAME,
            count=len(name),
        )
    return name or None


def _finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if value == value and abs(value) != float("inf") else None


def _run_dict(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["config"] = json.loads(d["config"])
    for key in ("test_metrics", "summary"):
        if d.get(key):
            d[key] = json.loads(d[key])
    return d


def _counts(text: str | None) -> list[int] | None:
    return json.loads(text) if text else None
