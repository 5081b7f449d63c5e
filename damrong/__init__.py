"""The composition root: configuration, the WSGI app, the command line and the scheduler."""
