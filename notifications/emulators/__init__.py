"""Emulators of the SMS and KakaoTalk 알림톡 providers, mounted under /sandbox/ in sandbox mode."""
