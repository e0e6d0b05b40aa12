"""One line of ``paperboy doctor``'s report, and how each check writes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from adapters.faults import Fault

Status = Literal["ok", "fail", "skip"]


@dataclass(frozen=True)
class CheckResult:
    """One line of the report."""

    name: str
    status: Status
    detail: str
    fix: str = ""

    def render(self) -> str:
        """``ok    name: detail`` / ``FAIL  name: detail — fix: ...`` on one line."""
        label = {"ok": "ok  ", "fail": "FAIL", "skip": "skip"}[self.status]
        fix = f" — fix: {self.fix}" if self.fix else ""
        return f"{label}  {self.name}: {self.detail}{fix}"


def passed(name: str, detail: str) -> CheckResult:
    """A check that passed."""
    return CheckResult(name, "ok", detail)


def failed(name: str, detail: str, fix: str) -> CheckResult:
    """A check that failed, with the fix."""
    return CheckResult(name, "fail", detail, fix)


def skipped(name: str, detail: str) -> CheckResult:
    """A check not run, and why."""
    return CheckResult(name, "skip", detail)


def from_fault(name: str, fault: Fault) -> CheckResult:
    """A failed check from a fault the operator fixes outside Paperboy."""
    return CheckResult(name, "fail", fault.detail, fault.fix)


def secret_text(value: SecretStr | None) -> str:
    """A secret setting's value, stripped ("" when unset): only to send, never to print."""
    return value.get_secret_value().strip() if value is not None else ""
