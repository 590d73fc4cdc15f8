"""Screenshots of the briefing as readers see it: the web page and the e-mail's HTML part,
in headless Chromium at phone (390 px) and desktop (1280 px) widths, light and dark.

    .venv/bin/python -m benchmarks.screenshots [--out shots] [--bbc 300] [--config path/to/config.yaml ...]

Builds, in a temporary folder, the bundled example (English), the German story fixtures
(`language: german`), and with --bbc N a day of N BBC articles from ../shared/eval/bbc
spread over five outlets; and any config given (built as it is, into a temporary
output folder). The e-mail's HTML part is the page with its CSS inlined, exactly as
`briefing run` sends it (`briefing.mail.inline_css`). Needs Debian's `chromium`
(`apt-get install chromium`); dark mode is Chromium's `--force-dark-mode`, which sets
`prefers-color-scheme: dark`. Prints each PNG's path and the e-mail HTML's size.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml

from briefing.cli import main as briefing
from briefing.mail import GMAIL_CLIP_BYTES, inline_css

REPO = Path(__file__).resolve().parent.parent
BBC = REPO.parent / "shared" / "eval" / "bbc" / "articles"
WIDTHS = (390, 1280)
HEIGHT = 2400
DAY = "2026-11-26"
OUTLETS = ("BBC News", "Daily Ledger", "Morning Courier", "Rheinische Allgemeine Zeitung", "Metro Wire")


def example(folder: Path) -> Path:
    shutil.copy(REPO / "config.yaml", folder / "config.yaml")
    shutil.copytree(REPO / "examples" / "articles", folder / "examples" / "articles")
    return folder / "config.yaml"


def german(folder: Path) -> Path:
    shutil.copytree(REPO / "tests" / "fixtures" / "stories" / "de", folder / "de")
    config = {
        "title": "Morgenlage",
        "language": "german",
        "sources": [{"path": "de/*.txt", "name": "Kurier"}],
    }
    (folder / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return folder / "config.yaml"


def bbc_day(folder: Path, articles: int) -> Path:
    files = sorted(BBC.rglob("*.txt"))
    for k, path in enumerate(random.Random(1).sample(files, articles)):
        target = folder / "day" / f"outlet{k % len(OUTLETS)}" / f"{path.parent.name}-{path.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    sources = [{"path": f"day/outlet{i}/*.txt", "name": name} for i, name in enumerate(OUTLETS)]
    config = {"title": "BBC day", "sources": sources}
    (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return folder / "config.yaml"


def shoot(page: Path, png: Path, width: int, dark: bool) -> None:
    command = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--window-size={width},{HEIGHT}",
        f"--screenshot={png}",
        *(["--force-dark-mode"] if dark else []),
        page.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def overflow(page: Path, width: int = 320) -> int:
    """How many pixels wider than a `width`-px screen the page lays out (0: no sideways scroll):
    the page in a `width`-px frame, measured once loaded."""
    probe = page.with_name("probe.html")
    probe.write_text(
        f'<!DOCTYPE html><iframe id="f" src="{page.name}" width="{width}" height="600"></iframe><script>'
        'document.getElementById("f").onload = function () { var d = this.contentDocument.documentElement;'
        ' document.title = "overflow=" + (d.scrollWidth - d.clientWidth); };</script>',
        encoding="utf-8",
    )
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"]
    command += ["--virtual-time-budget=5000", "--dump-dom", probe.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    probe.unlink()
    found = re.search(r"<title>overflow=(-?\d+)</title>", done.stdout)
    if found is None:
        raise SystemExit(f"{page}: could not measure its width")
    return max(0, int(found.group(1)))


def screenshots(name: str, config: Path, out: Path, work: Path) -> None:
    output = work / f"{name}-out"
    with contextlib.redirect_stdout(io.StringIO()):  # the paths it writes: ours are printed below
        code = briefing(["build", "-q", "--config", str(config), "--date", DAY, "--out", str(output)])
    if code != 0:
        raise SystemExit(f"{name}: briefing build failed ({code})")
    page = output / DAY / "briefing.html"
    mail = output / DAY / "email.html"  # next to the page: its relative links resolve the same
    mail.write_text(inline_css(page.read_text(encoding="utf-8")), encoding="utf-8")
    size = len(mail.read_bytes())
    print(f"{name}: e-mail HTML {size / 1024:.1f} KB (Gmail clips at {GMAIL_CLIP_BYTES // 1024} KB)")
    for kind, html in (("page", page), ("email", mail)):
        print(f"  {kind} at 320 px: {overflow(html)} px of sideways scroll")
        for width in WIDTHS:
            for dark in (False, True):
                png = out / f"{name}-{kind}-{width}-{'dark' if dark else 'light'}.png"
                shoot(html, png, width, dark)
                print(f"  {png}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path("shots"), help="folder for the PNGs")
    parser.add_argument("--bbc", type=int, default=0, help="also a day of N BBC articles (../shared/eval)")
    parser.add_argument("--config", type=Path, nargs="*", default=[], help="also these configs")
    args = parser.parse_args(argv)
    if shutil.which("chromium") is None:
        print("screenshots: needs chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="briefing-shots-") as tmp:
        work = Path(tmp)
        days = {"example": example, "german": german}
        for name, make in days.items():
            (work / name).mkdir()
            screenshots(name, make(work / name), args.out, work)
        if args.bbc:
            (work / "bbc").mkdir()
            screenshots(f"bbc{args.bbc}", bbc_day(work / "bbc", args.bbc), args.out, work)
        for k, config in enumerate(args.config):
            screenshots(f"config{k + 1}", config.resolve(), args.out, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
