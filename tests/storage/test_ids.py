"""Row ids are time-ordered, so rows that tie on ``created_at`` still sort in creation order."""

from storage.ids import new_id


def test_ids_made_one_after_another_sort_in_that_order():
    ids = [new_id() for _ in range(2_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_ids_are_version_7_uuids_of_the_standard_type():
    made = new_id()
    assert made.version == 7
    assert type(made).__module__ == "uuid"  # what asyncpg and SQLAlchemy's Uuid type expect
