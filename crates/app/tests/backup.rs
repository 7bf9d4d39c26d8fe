//! `zhiyun backup` and `zhiyun restore` with the real binary: a SQLite database backed up while
//! `zhiyun serve` runs on it, restored into a fresh directory, holds every record (the command
//! line lists the same organisations and users, the same rows per table, and the restored
//! database serves its listings by search).

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn zhiyun(database: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_zhiyun"))
        .args(args)
        .env("ZHIYUN_DATABASE_URL", database)
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

fn serve(database: &Path) -> (Killed, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_zhiyun"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("ZHIYUN_DATABASE_URL", database)
        .env_remove("ZHIYUN_INDEX_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start zhiyun serve");
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (Killed(child), port)
}

/// "N tables, M rows (…)" of a backup's or a restore's report.
fn counts(report: &str) -> &str {
    let start = report.find(": ").expect("a summary") + 2;
    report[start..].lines().next().unwrap()
}

#[test]
fn a_backup_taken_while_serving_restores_into_a_fresh_directory() {
    let dir = std::env::temp_dir().join(format!("zhiyun-backup-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let live = dir.join("live").join("zhiyun.db");
    std::fs::create_dir_all(live.parent().unwrap()).unwrap();
    // Records: an organisation with a user, a listing imported for it.
    let uscc = "91310104MA1K3BTP2X";
    let uscc = {
        let first17 = &uscc[..17];
        format!(
            "{first17}{}",
            zhiyun_domain::ident::uscc_check_char(first17).unwrap()
        )
    };
    let org = zhiyun(
        &live,
        &["org", "add", "--kind", "university", "--name", "某大学"],
    );
    let org = org.trim();
    zhiyun(
        &live,
        &[
            "org",
            "add",
            "--kind",
            "enterprise",
            "--name",
            "某企业",
            "--uscc",
            &uscc,
            "--district",
            "310104",
            "--size-class",
            "small",
        ],
    );
    zhiyun(
        &live,
        &["user", "add", "--username", "teacher", "--org", org],
    );
    let valid = (chrono::Utc::now() + chrono::Duration::days(365)).format("%Y-%m-%d");
    let csv = dir.join("supplies.csv");
    std::fs::write(
        &csv,
        format!(
            "机构统一社会信用代码,标题,描述,技术领域,合作方式,IPC分类号,参考价格（万元）,所在区,联系人,联系电话,有效期至,关联专利申请号,技术成熟度\n\
             {uscc},钠离子电池正极材料,层状氧化物正极，循环寿命长,新材料,转让,H01M 4/13,面议,徐汇区,张明,13812345678,{valid},,中试\n"
        ),
    )
    .unwrap();

    // Backed up while the server holds the database.
    let (server, _) = serve(&live);
    let imported = zhiyun(
        &live,
        &[
            "import",
            "supplies",
            csv.to_str().unwrap(),
            "--mode",
            "all",
            "--status",
            "published",
        ],
    );
    assert!(imported.contains("已导入 1 条"), "{imported}");
    let file = dir.join("backups").join("zhiyun-backup.db");
    let backed = zhiyun(&live, &["backup", "--to", file.to_str().unwrap()]);
    assert!(backed.contains("listings 1"), "{backed}");
    let orgs = zhiyun(&live, &["org", "list"]);
    let users = zhiyun(&live, &["user", "list"]);
    drop(server);

    // Restored into a fresh directory: the same records.
    let restored = dir.join("restored").join("zhiyun.db");
    let report = zhiyun(
        &live,
        &[
            "restore",
            "--from",
            file.to_str().unwrap(),
            "--to",
            restored.to_str().unwrap(),
        ],
    );
    assert_eq!(counts(&report), counts(&backed), "{report}\n{backed}");
    assert_eq!(zhiyun(&restored, &["org", "list"]), orgs);
    assert_eq!(zhiyun(&restored, &["user", "list"]), users);
    // Never over an existing database.
    let refused = Command::new(env!("CARGO_BIN_EXE_zhiyun"))
        .args(["restore", "--from", file.to_str().unwrap()])
        .env("ZHIYUN_DATABASE_URL", &restored)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    // The restored database serves its listing by search (its index is built at start).
    let (_server, port) = serve(&restored);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::{Read, Write};
    s.write_all(
        format!(
            "GET /api/v1/listings?q=%E9%92%A0%E7%A6%BB%E5%AD%90 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .unwrap();
    let mut res = String::new();
    s.read_to_string(&mut res).unwrap();
    assert!(res.contains("\"total\":1"), "{res}");
    let _ = std::fs::remove_dir_all(&dir);
}
