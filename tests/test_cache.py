"""The cache is Django's own Redis backend when REDIS_URL is set; the debounce relies on add()."""

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

REDIS_URL = os.environ.get("REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a real Redis)")
def test_the_redis_cache_reads_and_writes_a_real_redis():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    assert cache.add("pending", "1", timeout=30) is True
    assert cache.add("pending", "1", timeout=30) is False  # the debounce relies on this
    cache.set("history", [1, 2], timeout=30)
    assert cache.get("history") == [1, 2]
    cache.delete_many(["pending", "history"])
    assert cache.get("pending") is None
