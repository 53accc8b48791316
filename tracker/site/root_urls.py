"""Top-level pages without the tracker namespace: home, sign in and sign out.

Django's auth views expect the names "login" and "logout" (LOGIN_URL = "login"). /login/,
the address people guess, leads to the sign-in page, keeping its query (?next=...)."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from tracker.site.committees import committee_list

urlpatterns = [
    path("", committee_list, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="tracker/pages/login.html"),
        name="login",
    ),
    path("login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="home"), name="logout"),
]
