from django.urls import path

from insights.api import InsightListView

urlpatterns = [path("insights/", InsightListView.as_view(), name="api-insights")]
