"""Damrong's engine: domain models, the SpiffWorkflow wrapper and the services. No Flask here."""
