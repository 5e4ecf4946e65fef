"""The Redis cache backend that keeps one client per connection pool (config/cache.py)."""

import os
import uuid

import pytest

from config.cache import ReusedClientRedisCache

REDIS_URL = os.environ.get("REDIS_URL")


def _cache(url: str) -> ReusedClientRedisCache:
    return ReusedClientRedisCache(url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_every_cache_call_gets_the_same_client_of_its_pool():
    cache = _cache("redis://127.0.0.1:1/0")  # no connection is opened to build a client
    first = cache._cache.get_client("a", write=True)
    assert cache._cache.get_client("b") is first
    assert first.connection_pool is cache._cache._get_connection_pool(write=True)


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a real Redis)")
def test_the_reused_client_reads_and_writes_a_real_redis():
    cache = _cache(REDIS_URL)
    assert cache.add("pending", "1", timeout=30) is True
    assert cache.add("pending", "1", timeout=30) is False  # the debounce relies on this
    cache.set("history", [1, 2], timeout=30)
    assert cache.get("history") == [1, 2]
    cache.delete_many(["pending", "history"])
    assert cache.get("pending") is None
