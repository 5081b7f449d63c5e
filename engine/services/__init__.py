"""Services: the only way to change a case. Each takes a session and a clock and never commits."""
