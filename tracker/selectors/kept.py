"""What a process keeps of a day's pages (the worklist, the chair list, the quality dashboard):
one store per key (a day and its settings), the least recently used dropped past a bound. Each
caller holds its own lock and brings its store up to date from the database (WorklistVersion)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

Store = TypeVar("Store")


def kept(stores: OrderedDict, key, make: Callable[[], Store], at_most: int) -> Store:
    """The store of ``key``, made when there is none; call with the caller's lock held."""
    store = stores.get(key)
    if store is None:
        store = stores[key] = make()
        while len(stores) > at_most:
            stores.popitem(last=False)
    stores.move_to_end(key)
    return store
