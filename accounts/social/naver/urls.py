from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from accounts.social.naver.provider import NaverProvider

urlpatterns = default_urlpatterns(NaverProvider)
