"""Emulators of the login and identity providers, mounted at /sandbox/ in sandbox mode only.

They stand in for foreign sites (Kakao, Naver, PortOne), so their pages speak the
providers' own words and their forms are CSRF-exempt like any third-party page.
"""
