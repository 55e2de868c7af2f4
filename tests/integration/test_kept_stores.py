"""tracker.selectors.kept: one store per key, made once, the least recently used dropped past the
bound (the worklist, chair list and quality dashboard keep theirs so)."""

from collections import OrderedDict

from tracker.selectors.kept import kept


def test_a_store_is_made_once_per_key_and_the_least_recently_used_goes_past_the_bound():
    stores, made = OrderedDict(), []

    def make():
        made.append(object())
        return made[-1]

    first = kept(stores, "a", make, 2)
    assert kept(stores, "a", make, 2) is first and len(made) == 1
    kept(stores, "b", make, 2)
    kept(stores, "a", make, 2)  # "a" used last: "b" is the oldest now
    kept(stores, "c", make, 2)
    assert list(stores) == ["a", "c"]
    assert stores["a"] is first and len(made) == 3
