"""Users, addresses, login and signup (social login, identity verification and grades later)."""
