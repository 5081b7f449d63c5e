"""REST API v1 (JSON) for staff tools, agencies and partner apps."""
