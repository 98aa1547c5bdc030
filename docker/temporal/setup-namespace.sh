#!/bin/sh
# One-shot, in temporalio/admin-tools, once the Temporal server answers: creates the namespace the
# api and worker use and registers the custom search attributes the delegation workflow upserts
# (libs/contracts/src/temporal.ts, SearchAttributes). Idempotent: an existing namespace is kept as it
# is, and an attribute that already exists with the same type is accepted.
set -eu

ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${TEMPORAL_NAMESPACE:-default}
RETENTION=${TEMPORAL_NAMESPACE_RETENTION:-720h}
# Name:Type, the CLI's type names. Keep in step with SearchAttributes in libs/contracts.
ATTRIBUTES="DelegationUnit:Keyword DepartureDate:Datetime Phase:Keyword Countries:KeywordList AtRisk:Bool ForecastReadyDate:Datetime Incident:Bool"

# Dial an IPv4 address: the admin-tools' resolver may hand the CLI an address the server does not
# listen on (Temporal's own compose samples do the same). Falls back to the name as given.
host=${ADDRESS%:*}
port=${ADDRESS##*:}
ip=$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR == 1 { print $1 }') || ip=
if [ -n "$ip" ]; then ADDRESS="$ip:$port"; fi

t() { temporal "$@" --address "$ADDRESS"; }

echo "temporal-setup: waiting for the server at $ADDRESS"
attempt=0
until t operator cluster health >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "temporal-setup: server did not answer after $attempt attempts" >&2
    t operator cluster health
    exit 1
  fi
  sleep 2
done

changed=0
if t operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "temporal-setup: namespace $NAMESPACE exists"
else
  echo "temporal-setup: creating namespace $NAMESPACE (retention $RETENTION)"
  t operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
  changed=1
fi

# Registered attributes, as "Name Type" lines of the CLI's table.
registered() { t operator search-attribute list --namespace "$NAMESPACE" 2>/dev/null | awk 'NF == 2 { print $1, $2 }'; }

for pair in $ATTRIBUTES; do
  name=${pair%%:*}
  type=${pair#*:}
  # The namespace can take a moment to reach every service after creation: retry a while.
  attempt=0
  while :; do
    current=$(registered | awk -v n="$name" '$1 == n { print $2 }')
    if [ "$current" = "$type" ]; then
      echo "temporal-setup: search attribute $name ($type) already registered"
      break
    elif [ -n "$current" ]; then
      echo "temporal-setup: search attribute $name exists as $current, expected $type" >&2
      exit 1
    fi
    if out=$(t operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type" 2>&1); then
      echo "temporal-setup: search attribute $name ($type) registered"
      changed=1
      break
    fi
    case $out in
      *"different type"*) echo "temporal-setup: $out" >&2; exit 1 ;;
      *"already exists"*) echo "temporal-setup: search attribute $name already exists"; break ;;
    esac
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 15 ]; then
      echo "temporal-setup: could not register $name: $out" >&2
      exit 1
    fi
    sleep 2
  done
done

if [ "$changed" -eq 1 ]; then
  # Servers cache namespaces (and so the attribute aliases of SQL visibility) and refresh every
  # 10 s by default: give them that long before the api and worker start using the new entries.
  sleep "${TEMPORAL_SETUP_SETTLE_SECONDS:-15}"
fi
echo "temporal-setup: done"
