//! Two `zhiyun serve` processes on one PostgreSQL database, as behind a load balancer (issue 19):
//! the real binary, each process with its own port and search index directory, on a database
//! this test creates (and drops) on the server of `ZHIYUN_TEST_POSTGRES_URL`.
//!
//! - a listing imported through one process is found by the other's search within seconds (its
//!   catch-up on the listings' change numbers, every second here);
//! - `zhiyun import` run while both serve is found through both;
//! - the once-across-processes housekeeping job ran once, though both processes asked for it;
//! - a login lockout counted by one holds on the other;
//! - two processes migrating a new database at once both succeed.
//!
//! Ignored by a plain `cargo test` (it needs PostgreSQL): `.ci/run` runs it with
//! `ZHIYUN_TEST_POSTGRES_URL=… cargo test -p zhiyun --test cluster -- --ignored` and fails when it
//! did not run. It prints the catch-up delays it measured (`CLUSTER:` lines).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The longest a listing written through one process may take to be found through the other.
const WITHIN: Duration = Duration::from_secs(10);

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request (the connection closed after it): status and body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("the server answers");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP response");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, String::from_utf8_lossy(&body).to_string())
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&b[..eol])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}

fn wait_for_port(port: u16, within: Duration, log: &Path) {
    let start = Instant::now();
    while start.elapsed() < within {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!(
        "port {port} did not open within {within:?}; log:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

fn zhiyun(database_url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_zhiyun"))
        .args(args)
        .env("ZHIYUN_DATABASE_URL", database_url)
        .env_remove("ZHIYUN_INDEX_DIR")
        .output()
        .expect("run zhiyun");
    assert!(
        out.status.success(),
        "zhiyun {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn serve(database_url: &str, port: u16, index: &Path, log: &Path) -> Killed {
    Killed(
        Command::new(env!("CARGO_BIN_EXE_zhiyun"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--catch-up-secs", "1", "--index-dir"])
            .arg(index)
            .env("ZHIYUN_DATABASE_URL", database_url)
            .env("ZHIYUN_LOG", "info,sqlx=warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .expect("start zhiyun serve"),
    )
}

/// How many public listings the search of the process on `port` finds for `word`.
fn found(port: u16, word: &str) -> u64 {
    let (status, body) = http(port, "GET", &format!("/api/v1/listings?q={word}"), &[], b"");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["total"].as_u64().unwrap()
}

/// Poll until the process on `port` finds `n` listings for `word`: how long it took.
fn until_found(port: u16, word: &str, n: u64) -> Duration {
    let start = Instant::now();
    while start.elapsed() < WITHIN {
        if found(port, word) == n {
            return start.elapsed();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the process on port {port} did not find {n} listings for {word} within {WITHIN:?}");
}

/// Supplies of the organisation `uscc`, published: an import file.
fn csv(uscc: &str, titles: &[String]) -> String {
    let mut csv = String::from(
        "机构统一社会信用代码,标题,描述,技术领域,合作方式,IPC分类号,参考价格（万元）,所在区,联系人,联系电话,有效期至,关联专利申请号,技术成熟度\n",
    );
    let valid = (chrono::Utc::now() + chrono::Duration::days(365)).format("%Y-%m-%d");
    for t in titles {
        csv.push_str(&format!(
            "{uscc},{t},层状氧化物正极，循环寿命长,新材料,转让,H01M 4/13,面议,徐汇区,张明,13812345678,{valid},,中试\n"
        ));
    }
    csv
}

#[test]
#[ignore = "needs PostgreSQL: .ci/run runs it with ZHIYUN_TEST_POSTGRES_URL and --ignored"]
fn two_servers_on_one_postgres_database() {
    let server = std::env::var("ZHIYUN_TEST_POSTGRES_URL").expect(
        "the two-process test needs PostgreSQL: run it as .ci/run does, \
         ZHIYUN_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo test -p zhiyun --test cluster -- --ignored",
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (name, url) = rt
        .block_on(zhiyun_store::testing::create_postgres_database(&server))
        .expect("a fresh database");
    let dir = std::env::temp_dir().join(format!("zhiyun-cluster-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    // Two processes migrating the new database at once: one after the other, both succeed.
    let migrating: Vec<Child> = (0..2)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_zhiyun"))
                .arg("migrate")
                .env("ZHIYUN_DATABASE_URL", &url)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for m in migrating {
        let out = m.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Filled once, before the servers start.
    zhiyun(&url, &["demo"]);
    let token = zhiyun(&url, &["token", "create", "--user", "demo-operator"])
        .trim()
        .to_string();
    let xuhui_enterprise = zhiyun(&url, &["org", "list", "--kind", "enterprise"])
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f.get(4) == Some(&"310104"))
        .map(|f| f[3].to_string())
        .expect("a 徐汇 enterprise in the demo registry");

    let (pa, pb) = (free_port(), free_port());
    let (log_a, log_b) = (dir.join("a.log"), dir.join("b.log"));
    let a = serve(&url, pa, &dir.join("index-a"), &log_a);
    let b = serve(&url, pb, &dir.join("index-b"), &log_b);
    wait_for_port(pa, Duration::from_secs(120), &log_a);
    wait_for_port(pb, Duration::from_secs(120), &log_b);

    // A supply imported and published through A is found through B.
    let marker = format!("zqx{}", std::process::id());
    let file = csv(&xuhui_enterprise, &[format!("钠离子电池正极材料 {marker}")]);
    let auth = format!("Bearer {token}");
    let (status, body) = http(
        pa,
        "POST",
        "/api/v1/listings/import?kind=supply&mode=all_or_nothing&status=published&filename=a.csv",
        &[("Authorization", &auth), ("Content-Type", "text/csv")],
        file.as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        found(pa, &marker),
        1,
        "the writing process indexed it at once"
    );
    let delay = until_found(pb, &marker, 1);
    println!(
        "CLUSTER: a listing written through A was found through B after {:.2} s (catch-up every 1 s)",
        delay.as_secs_f64()
    );

    // `zhiyun import` while both serve (A holds the index it would use, so it writes without
    // indexing, as in finding 5): each server's index takes the rows in.
    let cli_marker = format!("zqy{}", std::process::id());
    let path = dir.join("cli.csv");
    std::fs::write(
        &path,
        csv(
            &xuhui_enterprise,
            &[
                format!("钠离子电池负极材料 {cli_marker}"),
                format!("钠离子电池电解液 {cli_marker}"),
            ],
        ),
    )
    .unwrap();
    let started = Instant::now();
    let out = zhiyun(
        &url,
        &[
            "import",
            "supplies",
            path.to_str().unwrap(),
            "--mode",
            "all",
            "--status",
            "published",
            "--index-dir",
            dir.join("index-a").to_str().unwrap(),
        ],
    );
    assert!(out.contains("已导入 2 条"), "{out}");
    let imported = started.elapsed();
    let (da, db) = (
        until_found(pa, &cli_marker, 2),
        until_found(pb, &cli_marker, 2),
    );
    println!(
        "CLUSTER: rows of `zhiyun import` ({:.2} s) were found through A after {:.2} s and through B after {:.2} s more",
        imported.as_secs_f64(),
        da.as_secs_f64(),
        db.as_secs_f64()
    );

    // A lockout counted through A holds through B.
    for i in 0..5 {
        let body = format!(r#"{{"username": "demo-enterprise", "password": "wrong-{i}"}}"#);
        let port = if i % 2 == 0 { pa } else { pb };
        let (status, _) = http(
            port,
            "POST",
            "/api/v1/session",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        assert_eq!(status, 401);
    }
    let (status, body) = http(
        pb,
        "POST",
        "/api/v1/session",
        &[("Content-Type", "application/json")],
        br#"{"username": "demo-enterprise", "password": "demo12345"}"#,
    );
    assert_eq!(status, 429, "{body}");

    // Both processes asked for the housekeeping job as they started: it ran once.
    let runs = rt.block_on(async {
        let db = zhiyun_store::Db::connect(Some(&url)).await.unwrap();
        let runs = db.job_runs("housekeeping", 10).await.unwrap();
        db.close().await;
        runs
    });
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].ok, Some(true), "{runs:?}");
    println!(
        "CLUSTER: housekeeping ran once, in {} ({})",
        runs[0].owner,
        runs[0].detail.as_deref().unwrap_or("")
    );

    drop((a, b));
    rt.block_on(zhiyun_store::testing::drop_postgres_database(
        &server, &name,
    ))
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
