"""Save SVG screenshots of the dashboard on the default dossier (for the README).

    python -m tui.ui.screenshot                 # docs/dashboard.svg, the README's picture
    python -m tui.ui.screenshot out.svg --size 80x24 --keys m

Runs the app headless with fixed data, so the picture is the same on every machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from ..core.config import Config
from ..core.paths import default_dossier
from .app import FaultlineApp

# Filter for Nazarbayev, focus the dashboard on him, look at his disagreements.
README_KEYS = "slash,n,u,r,s,u,l,t,a,n,enter,enter,2"


async def capture(
    path: Path,
    *,
    size: tuple[int, int] = (120, 40),
    keys: list[str] | None = None,
    data_paths: list[Path] | None = None,
) -> Path:
    paths = data_paths or [default_dossier()]
    # Relative paths where possible: the picture should not show the author's home directory.
    paths = [
        Path(os.path.relpath(p)) if p.is_absolute() and p.is_relative_to(Path.cwd()) else p
        for p in paths
    ]
    app = FaultlineApp(Config(), data_paths=paths)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys or []:
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.pause()
        path.parent.mkdir(parents=True, exist_ok=True)
        app.save_screenshot(filename=path.name, path=str(path.parent))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("output", nargs="?", default="docs/dashboard.svg")
    parser.add_argument("--size", default="120x40", help="COLSxROWS (default 120x40)")
    parser.add_argument(
        "--keys",
        default=README_KEYS,
        help="comma-separated keys to press first (default: the README picture's: find "
        "Nazarbayev, focus on him, show his disagreements); '' for none",
    )
    parser.add_argument(
        "--data", action="append", type=Path, help="data path (default: the shipped dossier)"
    )
    args = parser.parse_args()
    cols, rows = (int(n) for n in args.size.lower().split("x"))
    keys = [k for k in args.keys.split(",") if k]
    out = asyncio.run(
        capture(Path(args.output), size=(cols, rows), keys=keys, data_paths=args.data)
    )
    print(out)


if __name__ == "__main__":
    main()
