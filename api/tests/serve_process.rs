//! `egov-rank serve` as a process, on SQLite and PostgreSQL: the request id echoed in
//! `x-request-id` (the client's, or a new one), `--log-format json` writing one JSON object per
//! line carrying that id, SIGTERM draining: a request in flight when the signal comes is
//! answered, new connections are refused, and the process exits successfully; and, on Linux,
//! transparent huge pages turned off for the process (see `main.rs`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use egov_tests::{Backend, TestDb, on_both_engines};

/// A free loopback port (bound and released; the server binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Starts `egov-rank serve` with JSON logs to the file `log`; returns once `/healthz` answers.
fn serve(url: &str, port: u16, log: &std::path::Path) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_egov-rank"))
        .args(["--log-format", "json", "serve", "--bind"])
        .arg(format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("a log file"))
        .spawn()
        .expect("start egov-rank serve");
    for _ in 0..600 {
        if raw(
            port,
            "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        )
        .is_some_and(|answer| answer.starts_with("HTTP/1.1 200"))
        {
            return child;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!(
        "the server did not start: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// Sends `request` as is on a new connection and reads the whole answer; `None` when the
/// connection is refused.
fn raw(port: u16, request: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

/// Reads one answer (headers, then a body of its `Content-Length`) from a connection that stays
/// open.
fn one_answer(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut byte = [0u8];
    while !bytes.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("the answer's headers");
        bytes.push(byte[0]);
    }
    let head = String::from_utf8(bytes).expect("text headers");
    let length: usize = header(&head, "content-length")
        .and_then(|length| length.parse().ok())
        .expect("a Content-Length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("the answer's body");
    head + &String::from_utf8_lossy(&body)
}

/// The value of `header` in a raw HTTP answer.
fn header<'a>(answer: &'a str, header: &str) -> Option<&'a str> {
    answer
        .lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case(header).then(|| value.trim())
        })
}

/// Would catch the server running with transparent huge pages allowed, where the kernel says
/// (`THP_enabled` in /proc/<pid>/status, Linux 6.x; older kernels do not say, and nothing is
/// checked there).
fn assert_no_huge_pages(pid: u32) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    if let Some(line) = status.lines().find(|line| line.starts_with("THP_enabled:")) {
        assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
    }
}

/// Would catch an id not echoed (or replaced when the client sent one), log lines that are not
/// JSON or do not carry the request's id, a SIGTERM that cuts the request in flight, or a
/// server that keeps accepting connections after it.
async fn ids_json_logs_and_draining(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let port = free_port();
    let log =
        std::env::temp_dir().join(format!("egov-serve-{}-{backend:?}.log", std::process::id()));
    let mut server = serve(&test_db.url, port, &log);
    assert_no_huge_pages(server.id());

    let echoed = raw(
        port,
        "GET /healthz HTTP/1.1\r\nHost: t\r\nx-request-id: proof-4711\r\nConnection: close\r\n\r\n",
    )
    .expect("an answer");
    assert_eq!(
        header(&echoed, "x-request-id"),
        Some("proof-4711"),
        "{echoed}"
    );
    let generated = raw(
        port,
        "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .expect("an answer");
    let new_id = header(&generated, "x-request-id").expect("an id for every request");
    assert!(!new_id.is_empty() && new_id != "proof-4711", "{generated}");

    // A GraphQL request whose body is half sent when SIGTERM comes.
    let body = r#"{"query":"{ years }"}"#;
    let (first, rest) = body.split_at(body.len() / 2);
    let mut in_flight = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    // Its connection is taken in first, a whole request answered on it: a connection still in
    // the listen queue when SIGTERM closes the listener is reset, which is not what is tested.
    in_flight
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("a first request");
    let first_answer = one_answer(&mut in_flight);
    assert!(first_answer.starts_with("HTTP/1.1 200"), "{first_answer}");
    write!(
        in_flight,
        "POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
         x-request-id: proof-drain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    )
    .expect("send the first half");
    in_flight.flush().expect("flush");
    // Time for the server to read the headers: from then on the request is in flight.
    std::thread::sleep(Duration::from_millis(100));
    let terminated = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(terminated.success());
    // The signal has been taken in once new connections are refused.
    let mut refused = false;
    for _ in 0..300 {
        if TcpStream::connect(("127.0.0.1", port)).is_err() {
            refused = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(refused, "new connections are refused after SIGTERM");
    in_flight.write_all(rest.as_bytes()).expect("send the rest");
    let mut answer = String::new();
    in_flight
        .read_to_string(&mut answer)
        .expect("the answer to the request in flight");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""years":["#), "{answer}");
    assert_eq!(header(&answer, "x-request-id"), Some("proof-drain"));
    let status = server.wait().expect("the server exits");
    assert!(status.success(), "{status:?}");

    let logs = std::fs::read_to_string(&log).expect("the log");
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}"))
        })
        .collect();
    for id in ["proof-4711", "proof-drain"] {
        assert!(
            lines
                .iter()
                .any(|line| line["span"]["id"] == id && line["fields"]["status"] == 200),
            "an `answered` line with status 200 for {id}:\n{logs}"
        );
    }
    let _ = std::fs::remove_file(&log);
    test_db.remove().await;
}

on_both_engines!(ids_json_logs_and_draining);
