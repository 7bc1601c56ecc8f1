from django.urls import path

from . import views

app_name = "assistant"

urlpatterns = [
    path("", views.chat_page, name="chat"),
    path("start/", views.chat_start, name="start"),
    path("api/conversations/", views.api_conversations, name="api_conversations"),
    path("api/conversations/<uuid:token>/messages/", views.api_messages, name="api_messages"),
]
