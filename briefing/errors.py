"""The errors a user can act on.

Every error the CLI prints is a `BriefingError`; its message is one line that
names the file, key or item at fault and what to do about it.
"""


class BriefingError(Exception):
    """Base class: the CLI prints `briefing: <message>` and exits non-zero."""

    exit_code = 1


class ConfigError(BriefingError):
    """The configuration (file, keys or templates) is not valid."""

    exit_code = 2

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class SourceError(BriefingError):
    """One source could not be read; callers skip it and report it."""


class DeliveryError(BriefingError):
    """The briefing was built but could not be written or sent."""

    exit_code = 3


class UnknownAlgorithmError(ConfigError):
    """A summariser name that is not in the registry."""
