"""tests/conftest.py's order: xdist's first split gives each worker half of the slow tiers."""

from tests.conftest import spread

SECONDS = {"project-a": 150.0, "project-b": 90.0, "project-c": 60.0, "update": 30.0}


def shares(items: list[str], workers: int) -> list[list[str]]:
    """The contiguous shares xdist's worksteal scheduler hands out first."""
    result, remaining, start = [], len(items), 0
    for index in range(workers):
        size = remaining // (workers - index)
        result.append(items[start : start + size])
        start, remaining = start + size, remaining - size
    return result


def test_each_share_starts_with_as_much_slow_work() -> None:
    items = [f"render-{n}" for n in range(20)] + list(SECONDS)

    ordered = spread(items, 2, lambda item: SECONDS.get(item, 0.0))

    assert sorted(ordered) == sorted(items)
    first, second = shares(ordered, 2)
    assert first[:2] == ["project-a", "update"]
    assert second[:2] == ["project-b", "project-c"]
    loads = [sum(SECONDS.get(item, 0.0) for item in share) for share in (first, second)]
    assert loads == [180.0, 150.0]
    # The quick tests keep their order behind the slow ones.
    quick = [item for item in ordered if item.startswith("render-")]
    assert quick == [f"render-{n}" for n in range(20)]


def test_a_run_of_slow_tests_only_fills_each_share() -> None:
    # Three equal slow tests for two workers: shares of one and two tests. The first
    # share is full after one, so the third joins the second share.
    items = ["slow-1", "slow-2", "slow-3"]

    ordered = spread(items, 2, lambda _: 10.0)

    assert shares(ordered, 2) == [["slow-1"], ["slow-2", "slow-3"]]
