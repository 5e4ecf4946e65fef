"""Django's Redis cache with one ``redis.Redis`` client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every cache call, and redis-py
fills a ~100-entry response-callback table in each constructor: about a tenth of a millisecond
per call, several calls per API write (throttle history, recompute debounce). A client object is
thread-safe and holds no connection of its own (the pool does), so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
