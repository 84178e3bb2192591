"""Tell the team on KakaoWork when an order is paid (the tutorial of docs/extending.md)."""
