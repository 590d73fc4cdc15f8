"""The errors a user can act on, and the exit code each one ends the command with.

Every error the CLI prints is a `BriefingError`; its message is one line (or one
line per problem) that names the file, key or item at fault and what to do about
it. The exceptions a module raises only to itself (a retry, a refused address)
stay private to it and never leave it.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What the exit status of `briefing` means; the README's table of exit codes."""

    OK = 0  # success, including "already sent today, nothing to do"
    FAILED = 1  # a run-time failure: nothing (more) was sent
    USAGE = 2  # bad configuration or usage
    NOT_DELIVERED = 3  # built, but not delivered to every recipient (it stays in out/<date>/)
    NOT_RECORDED = 4  # sent, but the state file could not record it afterwards
    INTERNAL = 70  # a bug (EX_SOFTWARE in sysexits.h)
    ALREADY_RUNNING = 75  # another run holds the lock (EX_TEMPFAIL: try again later)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    TERMINATED = 143  # SIGTERM (128 + SIGTERM), e.g. systemd stopping the service


class BriefingError(Exception):
    """Base class: the CLI prints `briefing: <message>` and exits with `exit_code`."""

    exit_code = ExitCode.FAILED


class ConfigError(BriefingError):
    """The configuration (file, keys or templates) is not valid."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class UnknownAlgorithmError(ConfigError):
    """A summariser name that is not in the registry."""


class SubjectError(ConfigError):
    """The e-mail subject template cannot be rendered (any error inside Jinja2, with its message)."""


class UnknownLanguageError(ValueError):
    """A language name or code that no supported language answers to (a config check turns it into
    a ConfigError naming the key)."""


class SourceError(BriefingError):
    """One source could not be read; callers skip it and report it."""


class FetchError(SourceError):
    """A request failed: timeout, HTTP error, too big, bad redirect, a private address."""


class StateError(BriefingError):
    """A file the store keeps cannot be read or written: refusing to guess what was sent."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason  # the system's words ("Read-only file system"), when there are any


class NotRecorded(StateError):
    """The message went out, and the state file could not record it afterwards."""

    exit_code = ExitCode.NOT_RECORDED


class AlreadyRunning(BriefingError):
    """Another run holds the lock; this one did nothing."""

    exit_code = ExitCode.ALREADY_RUNNING


class NotBuilt(BriefingError):
    """`send` for a date whose briefing was never built: a usage mistake, nothing was tried."""

    exit_code = ExitCode.USAGE


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived. A KeyboardInterrupt, so that no `except Exception` that
    keeps one bad source from stopping the run can swallow it."""

    def __init__(self, signal_number: int, exit_code: ExitCode) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number
        self.exit_code = exit_code


class DeliveryError(BriefingError):
    """The briefing was built but could not be written or sent to every recipient."""

    exit_code = ExitCode.NOT_DELIVERED
