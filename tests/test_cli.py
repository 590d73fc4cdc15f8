"""The command line, end to end, as a user runs it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

from briefing import app
from briefing.cli import main
from builders import copy_example, write_article, write_config


def test_build_with_no_arguments_writes_the_three_files_and_prints_only_their_paths(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert main(["build", "--date", "2026-11-26"]) == 0
    out, err = capsys.readouterr()
    folder = project / "out" / "2026-11-26"
    assert out.splitlines() == [str(folder / f"briefing.{ext}") for ext in ("md", "html", "json")]
    assert err == ""
    assert all((folder / f"briefing.{ext}").stat().st_size > 0 for ext in ("md", "html", "json"))


def test_build_out_option_and_date_default_to_today_in_the_configured_zone(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "elsewhere"
    assert main(["build", "--config", str(project / "config.yaml"), "--out", str(out_dir)]) == 0
    written = [Path(line) for line in capsys.readouterr().out.splitlines()]
    assert {p.parent.parent for p in written} == {out_dir}
    # The folder is named after a real date; which one depends on the clock and zone.
    day = json.loads(written[2].read_text(encoding="utf-8"))["date"]
    assert written[0].parent.name == day


def test_console_script_and_python_m_work(project: Path) -> None:
    script = str(Path(sys.executable).with_name("briefing"))
    for command in ([script], [sys.executable, "-m", "briefing"]):
        result = subprocess.run(
            [*command, "build", "--date", "2026-01-02"],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().endswith("briefing.json")


def test_runs_with_no_nltk_data_anywhere(project: Path, tmp_path: Path) -> None:
    """Nothing is downloaded or read from nltk_data: a fresh cron box has none."""
    empty = tmp_path / "no_nltk_data"
    empty.mkdir()
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "build", "--date", "2026-01-02"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Madrid" in (project / "out" / "2026-01-02" / "briefing.md").read_text(encoding="utf-8")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("briefing ")


def test_check_accepts_the_example_and_rejects_a_bad_algorithm(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--config", str(project / "config.yaml")]) == 0
    assert capsys.readouterr().err == ""
    write_config(project, summary={"algorithm": "lexrnk"})
    assert main(["check", "--config", str(project / "config.yaml")]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"briefing: {project / 'config.yaml'}: summary.algorithm: 'lexrnk' is not one of "
        "concepts, lexrank, textrank, lsa, luhn, kl, sumbasic, edmundson, reduction, lead, random, "
        "lexrank-sumy, textrank-sumy\n"
    )


def test_missing_config_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--config", str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "nope.yaml: no such config file" in err


def test_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--date", "26/11/2026"])
    assert exit_info.value.code == 2
    assert "'26/11/2026' is not today, yesterday or a date like 2026-11-26" in capsys.readouterr().err


def test_quiet_hides_warnings_and_verbose_shows_them(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_article(project / "examples" / "articles", "empty.txt", "")
    config = str(project / "config.yaml")
    assert main(["build", "-q", "--config", config, "--date", "2026-11-26"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["build", "--config", config, "--date", "2026-11-26"]) == 0
    assert "briefing: warning: examples/articles/empty.txt: file is empty" in capsys.readouterr().err


def test_topics_lists_the_stories_and_every_paragraph_with_why_it_joined(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["topics", "--config", str(project / "config.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 stories from 2 articles\n")
    assert "== NATO's Madrid Summit ==" in out and "== Kosovo–Serbia border tensions ==" in out
    assert "Jens Stoltenberg says NATO is facing its biggest strategic crisis in decades" in out
    assert out.count("¶") == 17 + 14
    assert main(["stories", "--config", str(project / "config.yaml")]) == 0  # the same, by its other name
    assert capsys.readouterr().out == out


def test_topics_json_for_given_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = project / "examples" / "articles" / "002_da18b38522dca5f0.txt"
    assert main(["topics", "--json", "--config", str(project / "config.yaml"), str(seed)]) == 0
    data = json.loads(capsys.readouterr().out)
    sections = data["sections"]
    assert [
        (section["id"], [[p["paragraph"] for p in story["passages"]] for story in section["stories"]])
        for section in sections
    ] == [("kosovo", [list(range(9))]), ("nato-summit", [list(range(9, 14))])]
    # the same records as briefing.json, and the articles the ids refer to
    story = sections[0]["stories"][0]
    assert set(story["passages"][0]) == {"article", "paragraph", "kind", "text", "score", "terms"}
    assert [a["path"] for a in data["articles"]] == [f"examples/articles/{seed.name}"] and story[
        "summary"
    ] == []
    assert {p["article"] for p in story["passages"]} == {data["articles"][0]["id"]}


def test_topics_discover_ignores_configured_topics(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["topics", "--discover", "--config", str(project / "config.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Kosovo–Serbia border tensions" not in out and "==" not in out
    assert "Jens Stoltenberg says NATO is facing its biggest strategic crisis in decades" in out


def test_topics_exits_non_zero_when_nothing_could_be_read(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["topics", "--config", str(project / "config.yaml"), str(project / "no-such-file.txt")])
    assert code == 1
    assert "nothing could be read" in capsys.readouterr().err


def test_an_unwritable_output_folder_is_one_clear_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    code = main(["build", "--config", str(project / "config.yaml"), "--out", str(blocker / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" not in err and "lock" not in err
    assert f"{blocker} is a file, not a folder; --out (or output.dir) must be a folder" in err


def test_an_internal_error_says_that_minus_vv_shows_the_traceback(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> datetime:
        raise RuntimeError("boom")

    edges = app.Edges(now=broken)  # a clock that fails stands for any bug inside a command
    config = str(project / "config.yaml")
    assert main(["check", "--config", config], edges) == 70
    assert capsys.readouterr().err == (
        "briefing: internal error: RuntimeError: boom "
        "(a bug: run again with -vv for the traceback and please report it)\n"
    )
    assert main(["check", "-v", "--config", config], edges) == 70
    assert "Traceback" not in capsys.readouterr().err
    assert main(["check", "-vv", "--config", config], edges) == 70
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_check_renders_the_templates_so_one_that_raises_fails_check_not_the_morning_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = project / "my-templates"
    mine.mkdir()
    # Valid Jinja2 that raises only when rendered: a string minus a number.
    (mine / "briefing.md.j2").write_text("# {{ title }}\n\n{{ date - 1 }}\n", encoding="utf-8")
    config = write_config(project, templates="my-templates")
    assert main(["check", "--config", str(config)]) == 2
    expected = (
        "briefing: template briefing.md.j2, line 3: TypeError: unsupported operand type(s) for -: 'str' and "
        "'int'; fix the template (`briefing check` renders every template against a sample)\n"
    )
    assert capsys.readouterr().err == expected
    assert main(["build", "--config", str(config), "--date", "2026-11-26"]) == 2  # not 70
    assert capsys.readouterr().err == expected
    assert not (project / "out" / "2026-11-26").exists()
    (mine / "briefing.md.j2").write_text("# {{ title }}\n", encoding="utf-8")
    assert main(["check", "--config", str(config)]) == 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bars_at_a_terminal_leave_no_thread_that_would_keep_the_workers_from_starting(
    tmp_path: Path,
) -> None:
    # A process with a thread running reads its articles in one process (parallel.py):
    # tqdm's monitor thread outlived its bars, so at a terminal a build whose fetching bar
    # came first, or the next build in the same process, left the other cores unused.
    project = copy_example(tmp_path)
    terminal = _Terminal()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(terminal):
        code = main(["build", "--config", str(project / "config.yaml"), "--date", "2026-11-26"])
    assert code == 0
    assert "summarising" in terminal.getvalue()
    assert [t.name for t in threading.enumerate()] == [threading.main_thread().name]


def test_a_build_at_a_terminal_shows_each_stage_and_under_cron_nothing(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    project = copy_example(tmp_path)
    command = [sys.executable, "-m", "briefing", "build", "--config", str(project / "config.yaml")]
    command += ["--date", "2026-11-26"]
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # 80 columns wide
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower) as process:
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    os.close(leader)
    assert process.returncode == 0
    at_terminal = seen.decode("utf-8", "replace")
    for stage in ("segmenting", "grouping into stories", "summarising"):
        assert stage in at_terminal
    quiet = subprocess.run(command, capture_output=True, text=True, check=False, cwd=project, timeout=120)
    assert quiet.returncode == 0
    assert quiet.stderr == ""  # cron mails whatever a job prints: a bar would be a mail each morning
