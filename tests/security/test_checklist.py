"""The checklist map stays true: every cited test exists, every P0 row is proven."""

from __future__ import annotations

import pytest

from tests.security.checklist import PRIORITY, REASONS, mapped_rows, node_exists

MAPPED = mapped_rows()


def test_every_mapped_row_is_a_checklist_row() -> None:
    assert sorted(set(MAPPED) - set(PRIORITY)) == []


def test_every_row_is_mapped_to_tests_or_a_reason() -> None:
    assert sorted(set(PRIORITY) - set(MAPPED)) == []


@pytest.mark.parametrize("row", sorted(MAPPED))
def test_a_row_cites_existing_tests_or_gives_a_reason(row: str) -> None:
    proof = MAPPED[row]
    if isinstance(proof, str):
        assert proof.startswith(REASONS), proof
        assert len(proof) > 20, f"{row}: say why"
    else:
        assert proof, f"{row} cites no test"
        assert [node for node in proof if not node_exists(node)] == []


@pytest.mark.parametrize("row", sorted(r for r, p in PRIORITY.items() if p == "P0"))
def test_a_p0_row_is_proven_by_a_test_unless_the_feature_does_not_exist(row: str) -> None:
    proof = MAPPED.get(row)
    assert isinstance(proof, list) or (proof or "").startswith("n/a: "), f"{row}: {proof}"
