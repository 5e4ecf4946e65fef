from django.urls import path

from config.placeholder import placeholder

app_name = "clinic"
urlpatterns = [
    path("patients/", placeholder, name="dashboard"),
    path("redeem/", placeholder, name="redeem"),
    path("sharing/", placeholder, name="shares"),
    path("sharing/access-log/", placeholder, name="access_log"),
]
