from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("", views.insight_list, name="list"),
    path("learn/", views.mechanism_index, name="mechanisms"),
    path("learn/<slug:slug>/", views.mechanism_detail, name="mechanism"),
]
