"""The staff side of the web: sign-in, inbox, task pages and the case workspace (Thai first)."""
