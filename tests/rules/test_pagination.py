"""Page requests: limits checked before any SQL (no database)."""

import pytest

from resolvers.errors import UserInputError
from resolvers.pagination import DEFAULT_PAGE_SIZE, PageRequest


def test_default_page_size():
    assert PageRequest().size == DEFAULT_PAGE_SIZE
    assert not PageRequest().backwards


def test_last_pages_backwards():
    request = PageRequest(last=5, before=("x", 1))
    assert request.backwards
    assert request.size == 5


@pytest.mark.parametrize("args", [{"first": 101}, {"last": -1}, {"first": 1, "last": 1}])
def test_invalid_requests_are_user_errors(args):
    with pytest.raises(UserInputError):
        PageRequest(**args)
