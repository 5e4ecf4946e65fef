"""REST API for the diary (``/api/v1/``): serializers translate HTTP, diary.services writes,
accounts.access decides who reads what. See ``diary/api_urls.py`` for the routes.
"""
