#!/usr/bin/env bash
# Start Damrong on a fresh SQLite demo database and run Schemathesis against its OpenAPI document.
# One worker: with two threads, CPython 3.11.7 intermittently raises "AST constructor recursion
# depth mismatch" inside Hypothesis (a runtime error of the tool, not of the API).
set -euo pipefail
WORK=$(mktemp -d)
export DAMRONG_DATABASE_URL="sqlite:///$WORK/st.db"
PORT=18765
damrong init --demo --json > "$WORK/world.json"
TOKEN=$(python3 -c "import json,sys; w=json.load(open('$WORK/world.json')); print([u['token'] for u in w['users'] if u['username']=='intake1'][0])")
damrong serve --port $PORT --no-scheduler > "$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$PORT/api/v1/openapi.json" > /dev/null && break
  python3 -c "import time; time.sleep(0.2)"
done
schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples 30 --workers 1 --request-timeout 20
