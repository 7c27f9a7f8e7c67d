import re
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import urlstate
from core.present.text import EN, LANGS, t
from core.schedule.plan import SHUFFLE_MODES

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = [
    "app_pages/schedule.py",
    "app_pages/train.py",
    "app_pages/compare.py",
    "app_pages/science.py",
    "app_pages/runs.py",
]


def fields(text):
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_every_ui_string_has_a_translation_with_the_same_fields(lang):
    table = LANGS[lang]
    assert set(table) == set(EN), f"missing: {sorted(set(EN) - set(table))}"
    for key, text in EN.items():
        assert fields(table[key]) == fields(text), key
        assert table[key].strip(), key


def test_every_key_the_code_uses_exists():
    used = set()
    for path in [*ROOT.glob("app_pages/*.py"), ROOT / "app.py", *ROOT.glob("core/**/*.py")]:
        used |= set(re.findall(r'\bt\(\s*"([a-z_]+\.[a-z_.]+)"', path.read_text()))
    assert len(used) > 100, "no t(...) calls found"
    # keys built at run time
    from core.present import charts
    from core.run import store
    from core.study import sweep

    used |= {f"status.{s}" for s in store.STATUSES}
    used |= {f"chart.axis.{c}" for c in charts.COMPARE_X.values()}
    used |= {f"compare.budget.{b}" for b in sweep.BUDGETS}
    used |= {f"compare.budget_value.{b}" for b in sweep.BUDGETS}
    used |= {f"target.{m}" for m in sweep.TARGET_METRICS}
    used |= {f"schedule.shuffle.{m}" for m in SHUFFLE_MODES}
    used |= {f"noise.{k}" for k in ("unknown", "below", "above", "close")}
    assert not used - set(EN), sorted(used - set(EN))


def test_tutorial_vocabulary_is_used_consistently_in_chinese():
    zh = LANGS["zh"]
    assert "批大小" in zh["schedule.batch_size"]
    assert "迭代" in zh["metric.steps_per_epoch"]
    assert "轮" in zh["schedule.epochs"]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_in_chinese(page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "zh"
    at.run()  # app.py reads ?lang=zh; AppTest's switch_page then runs the page script alone
    at.switch_page(page).run()
    assert not at.exception
    title = at.title[0].value
    assert re.search(r"[\u4e00-\u9fff]", title), title


def test_link_with_n_b_e_opens_the_schedule_page_with_those_numbers():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"n": "10", "batch_size": "3", "epochs": "10"})
    at.run()
    assert not at.exception
    m = {x.label: x.value for x in at.metric}
    assert (m["Iterations per epoch"], m["Total iterations"]) == ("4", "40")
    assert not at.warning


def test_bad_link_values_fall_back_with_a_visible_note():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(
        {
            "n": "ten",
            "batch_size": "0",
            "shuffle": "sometimes",
            "validation_split": "0.99",
            "epochs": "5",
        }
    )
    at.run()
    assert not at.exception
    note = at.warning[0].value
    for name in ("n=", "batch_size=", "shuffle=", "validation_split="):
        assert name in note
    m = {x.label: x.value for x in at.metric}
    assert m["Total iterations"] == "50"  # epochs=5 kept, the rest defaults (1000/100)


def test_inputs_are_written_back_to_the_url():
    state = {
        "n": 10,
        "batch_size": 64,
        "epochs": 3,
        "shuffle": "batch",
        "drop_remainder": True,
        "validation_split": 0.2,
        "seed": 1,
        "unrelated": 5,
    }
    assert urlstate.to_query("", state, "zh") == {
        "n": "10",
        "batch_size": "64",
        "epochs": "3",
        "seed": "1",
        "validation_split": "0.2",
        "shuffle": "batch",
        "drop_remainder": "true",
        "lang": "zh",
    }


def test_train_page_link_sets_dataset_model_and_lr():
    values, notes = urlstate.from_query(
        "train", {"dataset": "digits", "model": "cnn", "lr": "0.01", "batch_size": "32", "n": "0"}
    )
    assert notes == []
    assert values == {
        "train.dataset": "digits",
        "train.model": "cnn",
        "train.lr": 0.01,
        "train.batch_size": 32,
        "train.n": 0,
    }
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in values.items():
        at.session_state[key] = value
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    assert "**45 iterations per epoch" in at.markdown[0].value  # ⌈1438 / 32⌉


@pytest.mark.parametrize(
    ("query", "locale", "lang"),
    [
        ({"lang": "zh"}, None, "zh"),
        ({}, "zh-CN", "zh"),
        ({}, "en-US", "en"),
        ({}, None, "en"),
        ({"lang": "fr"}, "zh-TW", "zh"),
    ],
)
def test_language_from_link_then_browser(query, locale, lang):
    assert urlstate.lang_from(query, locale) == lang


def sample_values(param):
    """Values a page's widget can hold for this parameter: its edges, choices and a middle."""
    if param.kind == "bool":
        return [True, False]
    if param.kind == "ids":
        return [["0123abcd89ef"], ["0123abcd89ef", "fedc"]]
    if param.kind == "text":
        texts = {
            "batch_sizes": ["1, 8, 32, 128, full", "64"],
            "accumulations": ["1, 4", "2"],
            "batch_size_schedule": ["0:8,2:32,4:128", ""],
            "ramp_at": ["2, 4", "3"],
        }
        return texts.get(param.name, ["sw-0123abcd89"])
    if param.allowed():
        return list(param.allowed())
    if param.kind == "int":
        values = [param.low, param.high, 7]
    else:
        values = [param.low, param.high, 0.25, 1e-05, -1.5, 123456.789]
    cast = int if param.kind == "int" else float
    return [
        cast(v)
        for v in values
        if v is not None
        and (param.low is None or v >= param.low)
        and (param.high is None or v <= param.high)
    ]


PAGE_PARAMETERS = [(page, p) for page, params in urlstate.PAGE_PARAMS.items() for p in params]


@pytest.mark.parametrize(
    ("page", "param"),
    PAGE_PARAMETERS,
    ids=[f"{page or 'schedule'}-{p.name}" for page, p in PAGE_PARAMETERS],
)
def test_round_trip_of_every_page_parameter(page, param):
    for value in sample_values(param):
        query = urlstate.to_query(page, {param.key: value}, "zh")
        values, notes = urlstate.from_query(page, query)
        assert notes == [] and values == {param.key: value}, (query, values, notes)
        assert type(values[param.key]) is type(value)


@pytest.mark.parametrize("page", list(urlstate.PAGE_PARAMS))
def test_round_trip_of_a_whole_page(page):
    params = urlstate.PAGE_PARAMS[page]
    for i in range(3):
        state = {}
        for p in params:
            values = sample_values(p)
            state[p.key] = values[i % len(values)]
        query = urlstate.to_query(page, state, "zh")
        assert set(query) == {p.name for p in params} | {"lang"}
        values, notes = urlstate.from_query(page, query)
        assert notes == [] and values == state, page


def test_t_fills_fields_in_both_languages():
    assert t("app.url_ignored", "en", notes="x") == "Ignored in the link, defaults used instead: x."
    assert "x" in t("app.url_ignored", "zh", notes="x")


def test_the_first_visit_link_holds_every_input_even_when_the_page_stops():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert {k: at.query_params[k] for k in ("n", "batch_size", "epochs", "lang")} == {
        "n": "1000",
        "batch_size": "100",
        "epochs": "10",
        "lang": "en",
    }
    # B = 1001 > N with drop_remainder: no step at all, so the page shows an error and stops
    at.number_input(key="batch_size").set_value(1001).run()
    at.checkbox(key="drop_remainder").check().run()
    assert at.error and at.query_params["batch_size"] == "1001"
    assert "batch_size=1001" in at.code[-1].value  # the copy-link box, written after the page
