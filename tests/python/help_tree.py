"""Prints the help tree of the installed Python `hf` CLI: `hf <path> --help` for every command
and group (hidden ones included), in the layout the Python-flags test of hf-cli reads
(`crates/hf-cli/src/python_flags.rs`). The pages are wrapped as in a 100-column terminal, where
click leaves 98 columns to the text."""

import os
import sys

os.environ.update(
    {
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
        "NO_COLOR": "1",
        "COLUMNS": "100",
        "TERM": "dumb",
    }
)

import click  # noqa: E402
from click.testing import CliRunner  # noqa: E402

import huggingface_hub  # noqa: E402
from huggingface_hub.cli.hf import app  # noqa: E402

root = app
runner = CliRunner()
RULE = "=" * 100


def walk(command, path):
    yield path
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name="hf")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                yield from walk(sub, [*path, name])


pages = list(walk(root, []))
out = [f"hf CLI help tree -- huggingface_hub {huggingface_hub.__version__}. {len(pages)} command pages follow.", ""]
for path in pages:
    result = runner.invoke(root, [*path, "--help"], prog_name="hf", terminal_width=98)
    out += [RULE, "$ " + " ".join(["hf", *path, "--help"]), RULE, result.output.rstrip("\n"), ""]
sys.stdout.write("\n".join(out) + "\n")
