"""Mutation testing of the data core, one module at a time (issue 17; tests/MUTATION.md).

    .venv/bin/pip install -e '.[test,mutation]'
    .venv/bin/python tests/mutation.py merge           # one module, as named in pyproject
    .venv/bin/python tests/mutation.py --list          # the modules and their tests

Each run copies the tree to mutants/MODULE/ (gitignored) with a pyproject.toml whose
[tool.mutmut] is the shared one plus ``only_mutate`` = the module and the module's own test
files as the test selection (from [tool.faultline.mutation]), so a run stays under 15
minutes on 2 cores. mutmut runs there under ``nice -n 15`` with at most 2 children (the
machine is shared) and a 4 GiB address-space limit per process (a mutant that loops
while appending must fail, not take the machine's memory). It prints the score and the
surviving mutants; ``mutmut show NAME`` inside mutants/MODULE/ shows one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("tui", "tests", "data", "docs", "README.md", "config.toml")
MEMORY_LIMIT = 4 << 30


def modules() -> dict[str, dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["faultline"][
        "mutation"
    ]


def _toml(value: object) -> str:
    """A TOML value for the few types [tool.mutmut] holds (JSON's forms are TOML's here)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def prepare(name: str, spec: dict, fresh: bool) -> Path:
    """mutants/NAME/: the tree and a pyproject.toml that mutates only this module."""
    work = ROOT / "mutants" / name
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    for item in COPIED:
        source, target = ROOT / item, work / item
        if target.is_dir():
            shutil.rmtree(target)
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
            shutil.copytree(source, target, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, target)
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    settings = {
        **settings,
        "only_mutate": [spec["module"]],
        "pytest_add_cli_args_test_selection": list(spec["tests"]),
    }
    lines = ["[tool.mutmut]", *(f"{key} = {_toml(v)}" for key, v in settings.items())]
    lines += ["", "[tool.pytest.ini_options]", 'asyncio_mode = "auto"',
              'asyncio_default_fixture_loop_scope = "function"']  # fmt: skip
    (work / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return work


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(name: str, max_children: int, fresh: bool) -> int:
    spec = modules()[name]
    work = prepare(name, spec, fresh)
    mutmut = Path(sys.executable).with_name("mutmut")
    command = ["nice", "-n", "15", str(mutmut), "run", "--max-children", str(max_children)]
    print(f"{spec['module']}: mutmut in {work.relative_to(ROOT)} against {spec['tests']}")
    # Tests that run `python -m tui` in a subprocess import the unmutated copy in
    # mutants/MODULE/ (not the tree the editable install points at, which may be
    # edited meanwhile). A mutant runs only in-process: such tests cannot kill it.
    env = {**os.environ, "PYTHONPATH": str(work)}
    env.pop("PYTEST_ADDOPTS", None)
    code = subprocess.run(
        command, cwd=work, env=env, preexec_fn=_limit_memory, check=False
    ).returncode
    if code:
        return code
    subprocess.run([str(mutmut), "export-cicd-stats"], cwd=work, check=False)
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text("utf-8"))
    results = subprocess.run(
        [str(mutmut), "results"], cwd=work, capture_output=True, text=True, check=False
    )
    print(results.stdout, end="")
    caught = stats["killed"] + stats["timeout"]
    print(f"{spec['module']}: {caught} of {stats['total']} mutants killed or timed out; {stats}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", help="a name from [tool.faultline.mutation]")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests")
    parser.add_argument("--max-children", type=int, default=2, help="mutmut workers (2)")
    parser.add_argument(
        "--keep", action="store_true", help="reuse mutants/MODULE/ results from the last run"
    )
    args = parser.parse_args(argv)
    known = modules()
    if args.list or not args.module:
        for name, spec in known.items():
            print(f"{name:10} {spec['module']:28} {' '.join(spec['tests'])}")
        return 0
    if args.module not in known:
        parser.error(f"unknown module {args.module!r}: one of {', '.join(known)}")
    return run(args.module, args.max_children, fresh=not args.keep)


if __name__ == "__main__":
    sys.exit(main())
