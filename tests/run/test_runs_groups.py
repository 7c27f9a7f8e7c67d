"""Runs at scale (issue 26 item 9): a run has a name, a group (the sweep or Advise session it
came from), and the store finds runs by text, group and status with parameterised SQL; a store
written before names and groups existed opens migrated, every run kept. The CLI's `runs` folds
each group into one line; the Runs page lists runs in no group, then each group folded."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.cli import main
from core.present.runs_list import grouped, run_name
from core.run.store import RunStore
from core.train.engine import TrainConfig

APP = str(Path(__file__).resolve().parents[2] / "app.py")

# The schema as Batch Lab wrote it before this change (user_version 0, no names, no groups).
OLD_SCHEMA = """
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL, status TEXT NOT NULL,
    config TEXT NOT NULL, dataset TEXT, model TEXT, n INTEGER, batch_size INTEGER,
    epochs INTEGER, optimizer TEXT, lr REAL, seed INTEGER, total_steps INTEGER,
    steps_done INTEGER DEFAULT 0, device TEXT, pid INTEGER, sweep_id TEXT, label TEXT,
    first_epoch_seconds REAL, train_seconds REAL, steps_per_second REAL, test_metrics TEXT,
    message TEXT, diverged_step INTEGER, summary TEXT
);
CREATE TABLE steps (
    run_id TEXT NOT NULL, step INTEGER NOT NULL, epoch INTEGER NOT NULL,
    batch_size INTEGER NOT NULL, loss REAL, accuracy REAL, seconds REAL, class_counts TEXT,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
CREATE TABLE epochs (
    run_id TEXT NOT NULL, epoch INTEGER NOT NULL, train_loss REAL, train_accuracy REAL,
    val_loss REAL, val_accuracy REAL, seconds REAL, steps INTEGER,
    PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;
CREATE TABLE evals (
    run_id TEXT NOT NULL, step INTEGER NOT NULL, train_seconds REAL, val_loss REAL,
    val_accuracy REAL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;
CREATE INDEX runs_sweep ON runs (sweep_id);
"""


def old_store(path) -> None:
    """An old file: a single run, a 3-run sweep (labels "B=…") and a 4-run Advise session
    (labels "B=… lr=…"), each with one step."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")  # as RunStore has always opened it
    db.executescript(OLD_SCHEMA)
    rows = [("single", None, None, 32)]
    rows += [(f"sw{b}", "sw-old", f"B={b}", b) for b in (8, 16, 32)]
    rows += [(f"ad{i}", "sw-adv", f"B={8 * (i + 1)} lr=0.001", 8 * (i + 1)) for i in range(4)]
    for i, (run_id, sweep_id, label, b) in enumerate(rows):
        cfg = TrainConfig(dataset="blobs", batch_size=b).to_dict()
        db.execute(
            "INSERT INTO runs (run_id, created, updated, status, config, dataset, model, "
            "batch_size, epochs, lr, total_steps, steps_done, sweep_id, label) VALUES "
            "(?, ?, ?, 'completed', ?, 'blobs', 'mlp', ?, 1, 0.001, 1, 1, ?, ?)",
            (run_id, 1000.0 + i, 1000.0 + i, json.dumps(cfg), b, sweep_id, label),
        )
        db.execute("INSERT INTO steps VALUES (?, 0, 0, ?, 1.5, NULL, 0.1, NULL)", (run_id, b))
    db.commit()
    db.close()


def test_an_old_store_opens_migrated_with_every_run_and_its_groups(isolated_store):
    old_store(isolated_store)
    store = RunStore()
    assert len(store.list_runs()) == 8
    assert store.steps("sw8")[0]["loss"] == 1.5
    kinds = {g["group_id"]: (g["kind"], g["runs"]) for g in store.groups()}
    assert kinds == {"sw-old": ("sweep", 3), "sw-adv": ("advise", 4)}
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == 1
    store.rename_run("single", "baseline")
    store.close()
    again = RunStore()  # a second open migrates nothing and loses nothing
    assert again.get_run("single")["name"] == "baseline"
    assert len(again.list_runs()) == 8


def make_runs(store, count: int, sweep_id: str | None = None, kind: str | None = None):
    if kind is not None:
        store.add_group(sweep_id, kind)
    ids = []
    for i in range(count):
        cfg = TrainConfig(dataset="digits", batch_size=8 * (i % 8 + 1), lr=0.001 * (1 + i % 3))
        label = f"B={cfg.batch_size} lr={cfg.lr:.3g}" if sweep_id else None
        ids.append(store.create_run(cfg.to_dict(), 10, sweep_id=sweep_id, label=label))
    return ids


def test_search_group_and_status_filters_are_parameterised(isolated_store):
    store = RunStore()
    make_runs(store, 57, "sw-advise01", "advise")
    sweep = make_runs(store, 3, "sw-sweep01")
    (single,) = make_runs(store, 1)
    store.rename_run(single, "my 100% run_1 it's")
    store.update_run(sweep[0], status="diverged")
    assert {g["group_id"]: g["kind"] for g in store.groups()} == {
        "sw-advise01": "advise",
        "sw-sweep01": "sweep",
    }
    assert len(store.find_runs()) == 61
    assert [r["run_id"] for r in store.find_runs(group="")] == [single]
    assert len(store.find_runs(group="sw-advise01")) == 57
    assert [r["run_id"] for r in store.find_runs(status="diverged")] == [sweep[0]]
    # % and _ match themselves, a quote is data, not SQL
    assert [r["run_id"] for r in store.find_runs("100% run_1 it's")] == [single]
    assert store.find_runs("100_ ") == [] and store.find_runs("'; DROP TABLE runs; --") == []
    assert len(store.find_runs("ADVISE01")) == 57  # the group's id, any case
    store.rename_group("sw-sweep01", "lr sweep on digits")
    assert len(store.find_runs("lr sweep")) == 3
    assert len(store.list_runs()) == 61
    parts = grouped(store.find_runs(), store.groups())
    assert [r["run_id"] for r in parts.single] == [single]
    assert [(g["group_id"], len(m)) for g, m in parts.groups] == [
        ("sw-sweep01", 3),
        ("sw-advise01", 57),
    ]


def test_a_run_is_named_and_a_blank_name_gives_back_the_automatic_one(isolated_store):
    store = RunStore()
    (run_id,) = make_runs(store, 1)
    assert run_name(store.get_run(run_id)) == "digits mlp B=8 E=1 lr=0.001"
    store.rename_run(run_id, "  first try  ")
    assert run_name(store.get_run(run_id)) == "first try"
    store.rename_run(run_id, " ")
    assert run_name(store.get_run(run_id)) == "digits mlp B=8 E=1 lr=0.001"
    with pytest.raises(ValueError, match="at most 200 characters"):
        store.rename_run(run_id, "x" * 201)


def test_deleting_a_groups_last_run_removes_the_group(isolated_store):
    store = RunStore()
    ids = make_runs(store, 2, "sw-gone", "advise")
    store.delete_run(ids[0])
    assert [g["runs"] for g in store.groups()] == [1]
    store.delete_run(ids[1])
    assert store.groups() == []
    assert store.db.execute("SELECT COUNT(*) FROM groups").fetchone()[0] == 0


def test_the_cli_folds_each_group_into_one_line(isolated_store, capsys):
    store = RunStore()
    make_runs(store, 57, "sw-advise01", "advise")
    (single,) = make_runs(store, 1)
    assert main(["runs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3  # the single run, the session, how to list it
    assert lines[0].startswith(single)
    assert lines[1].startswith("Advise session · digits mlp · 57 runs")
    assert "--group sw-advise01" in lines[2]
    assert main(["runs", "--group", "sw-advise01"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 58
    assert main(["runs", "--rename", single, "baseline", "--search", "baseline", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["run_id"] == single and row["name"] == "baseline" and row["group_kind"] is None
    assert main(["runs", "--group", "none", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    assert main(["runs", "--group", "sw-nope"]) == 2
    assert "no group 'sw-nope'" in capsys.readouterr().err


def group_boxes(at):
    """The page's group expanders (the single run's Keras-script expander aside)."""
    return [e for e in at.expander if e.label.startswith("Advise session")]


def test_the_runs_page_lists_single_runs_and_folds_each_group(isolated_store):
    store = RunStore()
    make_runs(store, 57, "sw-advise01", "advise")
    (single,) = make_runs(store, 1)
    store.rename_run(single, "baseline")
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/runs.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 1  # the run in no group
    assert list(at.dataframe[0].value["name"]) == ["baseline"]
    (group,) = group_boxes(at)
    assert group.label.startswith("Advise session · digits mlp · 57 runs")
    assert not group.proto.expanded  # folded
    assert len(group.dataframe[0].value) == 57
    at.text_input(key="runs.search").set_value("baseline").run()
    assert not at.exception and not group_boxes(at)
    assert [len(d.value) for d in at.dataframe] == [1]
    at.text_input(key="runs.search").set_value("").run()
    at.selectbox(key="runs.sweep").set_value("sw-advise01").run()
    assert not at.exception
    assert group_boxes(at)[0].proto.expanded and len(at.dataframe) == 1
    at.selectbox(key="runs.status").set_value("diverged").run()
    assert "No run matches" in at.info[0].value
    assert len(RunStore().list_runs()) == 58


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs util-linux setpriv")
def test_an_old_read_only_store_still_lists_and_finds_its_runs(isolated_store):
    old_store(isolated_store)
    isolated_store.chmod(0o444)
    # root ignores file modes; drop the capabilities that let it, as a normal user would be
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]
    env = {**os.environ, "BATCHLAB_DB": str(isolated_store)}
    root = Path(__file__).resolve().parents[2]
    for extra, count in (([], 8), (["--search", "sw-adv"], 4)):
        listed = subprocess.run(
            [*drop, sys.executable, "-m", "core", "runs", "--json", *extra],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
        )
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == count


def test_a_group_is_named_on_the_page_and_in_the_cli(isolated_store, capsys):
    store = RunStore()
    make_runs(store, 3, "sw-named01", "sweep")
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/runs.py").run()
    at.text_input(key="runs.group_name.sw-named01").set_value("lr study").run()
    assert not at.exception and not at.error
    assert [g["name"] for g in store.groups()] == ["lr study"]
    assert any("lr study" in e.label for e in at.expander)  # the folded line says it
    assert main(["runs", "--rename-group", "sw-named01", "", "--json"]) == 0
    capsys.readouterr()
    assert [g["name"] for g in store.groups()] == [None]  # blank: the automatic name again
    assert main(["runs", "--rename-group", "sw-nope", "x"]) == 2
    assert "no group 'sw-nope'" in capsys.readouterr().err
