from django.urls import path

from config.placeholder import placeholder

app_name = "insights"
urlpatterns = [path("", placeholder, name="list")]
