//! E-mail through a configured SMTP server (`ZHIYUN_SMTP_URL`; off when unset): the job that
//! works through the outbox, in every server process. Each pass claims what is due (a claim is one
//! process's alone until it runs out, so two servers on one database never send a mail twice),
//! sends it, and marks it sent; a failure is counted with its error and tried again later
//! (`domain::notify::retry_after_secs`), up to `MAIL_MAX_ATTEMPTS`.

use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use zhiyun_domain::notify::{MAIL_MAX_ATTEMPTS, retry_after_secs};

use crate::{Ctx, Error, Result};

/// Where mail goes and what it says it is from.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `smtp://host:port` (plain SMTP, as on an office intranet); `smtp://user:pass@host:port`
    /// with a login.
    pub smtp_url: String,
    /// The sender, e.g. `知运平台 <noreply@zhiyun.example>`.
    pub from: String,
    /// The site's address as users open it, for the links in mails (`http://zhiyun.example`).
    pub base_url: String,
}

/// How many mails one pass claims.
pub const BATCH: i64 = 20;
/// How long a claim holds (longer than a pass can take).
pub const CLAIM_SECS: i64 = 120;
/// How long one SMTP exchange may take.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// An SMTP server as `ZHIYUN_SMTP_URL` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    pub login: Option<(String, String)>,
}

/// `smtp://host[:port]` or `smtp://user:password@host[:port]` (port 25 by default). Plain SMTP:
/// TLS is not offered (an office relay on the intranet).
pub fn parse_smtp_url(url: &str) -> std::result::Result<SmtpServer, String> {
    let rest = url
        .trim()
        .strip_prefix("smtp://")
        .ok_or_else(|| format!("应以 smtp:// 开头：{url}"))?;
    let rest = rest.trim_end_matches('/');
    let (login, hostport) = match rest.rsplit_once('@') {
        Some((login, hp)) => {
            let (user, password) = login.split_once(':').unwrap_or((login, ""));
            (Some((user.to_string(), password.to_string())), hp)
        }
        None => (None, rest),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| format!("端口无效：{p}"))?),
        None => (hostport, 25),
    };
    if host.is_empty() {
        return Err(format!("缺少服务器地址：{url}"));
    }
    Ok(SmtpServer {
        host: host.to_string(),
        port,
        login,
    })
}

/// The mail a notification becomes: its subject, and a plain-text body with the link.
pub fn compose(body: &str, href: &str, base_url: &str) -> String {
    format!(
        "您好：\n\n{body}\n\n查看详情：{}{href}\n\n—— 知运 · 上海市知识产权运营服务集聚区平台\n\
         （系统自动发送，请勿直接回复。接收哪些通知可在“我的账户”中设置。）\n",
        base_url.trim_end_matches('/')
    )
}

fn message(
    settings: &Settings,
    to: &str,
    subject: &str,
    text: String,
) -> std::result::Result<Message, String> {
    let from: Mailbox = settings
        .from
        .parse()
        .map_err(|e| format!("发件人地址无效（{}）：{e}", settings.from))?;
    let to: Mailbox = to
        .parse()
        .map_err(|e| format!("收件人地址无效（{to}）：{e}"))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::Base64)
                .body(text),
        )
        .map_err(|e| format!("邮件无法生成：{e}"))
}

/// One pass over the outbox: claim what is due, send it, mark it. Reports what it did; an
/// unreachable server is an outcome of the mails (retried later), not an error of the job.
pub async fn send_outbox(ctx: &Ctx, settings: &Settings) -> Result<String> {
    let server = parse_smtp_url(&settings.smtp_url)
        .map_err(|e| Error::internal(format!("ZHIYUN_SMTP_URL 无效：{e}")))?;
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server.host)
        .port(server.port)
        .timeout(Some(SMTP_TIMEOUT));
    if let Some((user, password)) = server.login {
        builder = builder.credentials(Credentials::new(user, password));
    }
    let transport = builder.build();
    let owner = format!("mail:{}:{}", std::process::id(), crate::random_hex(4));
    let now = ctx.clock.now();
    let claimed = ctx
        .db
        .outbox_claim(&owner, now, now + CLAIM_SECS, BATCH)
        .await?;
    let (mut sent, mut failed) = (0, 0);
    for m in claimed {
        let text = compose(&m.body, &m.href, &settings.base_url);
        // The error, and whether it is for good (a refused address, a 5xx answer).
        let outcome: std::result::Result<(), (String, bool)> =
            match message(settings, &m.address, &m.subject, text) {
                Err(e) => Err((e, true)),
                Ok(msg) => transport
                    .send(msg)
                    .await
                    .map(|_| ())
                    .map_err(|e| (format!("发送失败：{e}"), e.is_permanent())),
            };
        let at = ctx.clock.now();
        match outcome {
            Ok(()) => {
                ctx.db.outbox_sent(m.id, &owner, at).await?;
                sent += 1;
            }
            Err((error, permanent)) => {
                let attempts = m.attempts + 1;
                let give_up = permanent || attempts >= MAIL_MAX_ATTEMPTS;
                tracing::warn!(mail = m.id, attempts, give_up, %error, "mail not sent");
                ctx.db
                    .outbox_failed(
                        m.id,
                        &owner,
                        &error,
                        at + retry_after_secs(attempts - 1),
                        give_up,
                    )
                    .await?;
                failed += 1;
            }
        }
    }
    Ok(format!("邮件：发送 {sent} 封，失败 {failed} 封"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_parse() {
        assert_eq!(
            parse_smtp_url("smtp://127.0.0.1:2525"),
            Ok(SmtpServer {
                host: "127.0.0.1".into(),
                port: 2525,
                login: None
            })
        );
        assert_eq!(
            parse_smtp_url("smtp://mail.example.com").map(|s| s.port),
            Ok(25)
        );
        assert_eq!(
            parse_smtp_url("smtp://zhiyun:s3cret@relay.gov:587").map(|s| s.login),
            Ok(Some(("zhiyun".into(), "s3cret".into())))
        );
        assert!(parse_smtp_url("smtps://x").is_err());
        assert!(parse_smtp_url("smtp://:25").is_err());
        assert!(parse_smtp_url("smtp://host:port").is_err());
    }

    #[test]
    fn a_mail_links_to_the_page() {
        let text = compose("正文", "/inbox", "http://zhiyun.example/");
        assert!(text.contains("正文") && text.contains("http://zhiyun.example/inbox"));
    }
}
