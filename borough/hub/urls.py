from django.urls import path
app_name='hub'
urlpatterns=[]
