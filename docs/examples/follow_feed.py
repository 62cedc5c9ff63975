#!/usr/bin/env python3
"""Follows marketsim's billing feed (docs/billing-feed.md) with Python's standard library alone.

Every request is signed V1 (HMAC-SHA1) as the Alibaba Cloud SDKs sign an RPC call: the action,
the common parameters and ours, sorted, percent-encoded, and `GET&%2F&<query>` signed with the
secret plus `&`. A disconnect is followed by a freshly signed request that sends `Last-Event-ID`,
so nothing is lost or repeated.

    python3 follow_feed.py --endpoint http://127.0.0.1:18082 \
        --key-id LTAI5tZillizVendor0001 --secret ZillizVendorSecret00000000000001 --offset 0

`--once` reads pages (ReadBillingFeed) to the end of the feed and stops instead of following.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


def encode(text):
    return urllib.parse.quote(str(text), safe="-_.~")


def signed_url(endpoint, key_id, secret, action, params):
    """The URL of a V1-signed GET of `action` with `params`."""
    query = {
        "Action": action,
        "Format": "JSON",
        "Version": "2015-11-01",
        "AccessKeyId": key_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": uuid.uuid4().hex,
        "Timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **{k: str(v) for k, v in params.items()},
    }
    canonical = "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(query.items()))
    to_sign = "GET&%2F&" + encode(canonical)
    digest = hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    query["Signature"] = base64.b64encode(digest).decode()
    return endpoint.rstrip("/") + "/?" + urllib.parse.urlencode(query)


def show(entry):
    detail = entry.get("amount") or entry.get("code") or entry.get("instance_id") or ""
    print(entry["id"], entry["type"], detail, flush=True)


def read_pages(args):
    """Reads pages from --offset until next_offset reaches end_offset; returns how many entries."""
    offset, count = args.offset, 0
    while True:
        url = signed_url(args.endpoint, args.key_id, args.secret, "ReadBillingFeed",
                         {"offset": offset, "limit": 1000})
        with urllib.request.urlopen(url) as answer:
            page = json.load(answer)
        for entry in page["entries"]:
            show(entry)
            count += 1
        offset = page["next_offset"]
        if offset >= page["end_offset"]:
            return count


def follow(args):
    """Follows the stream, resuming after the last id received whenever the connection drops."""
    last_id = None
    while True:
        params = {} if last_id is not None else {"offset": args.offset}
        request = urllib.request.Request(
            signed_url(args.endpoint, args.key_id, args.secret, "FollowBillingFeed", params))
        if last_id is not None:
            request.add_header("Last-Event-ID", str(last_id))
        try:
            with urllib.request.urlopen(request, timeout=60) as stream:
                event, data = None, []
                for raw in stream:
                    line = raw.decode("utf-8").rstrip("\n")
                    if line.startswith("event: "):
                        event = line[len("event: "):]
                    elif line.startswith("data: "):
                        data.append(line[len("data: "):])
                    elif line == "" and data:
                        body = json.loads("\n".join(data))
                        if event == "error":
                            sys.exit(f"the feed ended: {body['Code']}: {body['Message']}")
                        show(body)
                        last_id = body["id"]
                        event, data = None, []
        except urllib.error.HTTPError as e:
            sys.exit(f"refused: {e.code} {e.read().decode()}")
        except (urllib.error.URLError, OSError) as e:
            print(f"disconnected ({e}); resuming after {last_id}", file=sys.stderr)
            time.sleep(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", default="http://127.0.0.1:18082")
    parser.add_argument("--key-id", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--once", action="store_true", help="read pages to the end and stop")
    args = parser.parse_args()
    if args.once:
        print(f"{read_pages(args)} entries", file=sys.stderr)
    else:
        follow(args)


if __name__ == "__main__":
    main()
