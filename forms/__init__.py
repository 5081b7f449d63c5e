"""Form schemas (JSON Schema + UI hints) and the one validator the web, API and engine share."""
