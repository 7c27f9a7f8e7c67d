"""The Runs page's "repeat from the command line" repeats the run: parsed back by the CLI's own
parser, the command gives the run's config (K and replicas included: it left them out)."""

import shlex

import pytest

from core.cli import build_parser, config_from_args
from core.present import report
from core.run import export
from core.train.engine import TrainConfig

CASES = [
    TrainConfig(dataset="digits", batch_size=32, epochs=3, accumulation=4),
    TrainConfig(dataset="blobs", n=600, features=7, classes=3, batch_size=64, replicas=2),
    TrainConfig(dataset="linear", model="linear", n=10, batch_size=3, optimizer="sgd", lr=0.01),
    TrainConfig(validation_split=0.2, shuffle="batch", drop_remainder=True, seed=5),
    # An Advise or sweep run capped short of its epochs: the command left the cap out and would
    # have trained 4,600 steps where the run took 1,025.
    TrainConfig(batch_size=1, epochs=4, max_steps=1025),
    TrainConfig(batch_size=8, epochs=50, max_seconds=2.5),
]


@pytest.mark.parametrize("config", CASES)
def test_the_command_parses_back_to_the_run_config(config):
    argv = shlex.split(report.cli_command(config.to_dict()))
    assert argv[:4] == ["python", "-m", "core", "train"]
    again = config_from_args(build_parser().parse_args(argv[3:]))
    assert again.to_dict() == config.to_dict()


def test_the_keras_script_accumulates_as_the_run_did():
    script = export.keras_script(CASES[0].to_dict())
    assert "gradient_accumulation_steps=4" in script
    assert "gradient_accumulation_steps" not in export.keras_script(CASES[3].to_dict())
