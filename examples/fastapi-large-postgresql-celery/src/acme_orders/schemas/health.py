"""Bodies of the liveness and readiness probes."""

from typing import Literal

from pydantic import BaseModel


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"


class Check(BaseModel):
    """The outcome of probing one dependency."""

    name: str
    ok: bool
    detail: str | None = None


class Readiness(BaseModel):
    status: Literal["ok"] = "ok"
    checks: list[Check]
