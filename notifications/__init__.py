"""Messages to people: e-mail, SMS and KakaoTalk 알림톡, from staff-editable templates."""
