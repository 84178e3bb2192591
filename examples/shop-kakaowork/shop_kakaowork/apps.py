from django.apps import AppConfig


class KakaoWorkConfig(AppConfig):
    name = "shop_kakaowork"
    verbose_name = "KakaoWork order alerts"

    def ready(self) -> None:
        from shop_kakaowork import listeners  # noqa: F401  (@listen registers on import)
