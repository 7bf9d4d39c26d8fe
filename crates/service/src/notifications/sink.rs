//! A local SMTP sink for tests: it speaks just enough SMTP (220 greeting; EHLO/HELO, MAIL, RCPT,
//! RSET, NOOP 250; DATA 354 … "." 250; QUIT 221) and keeps every message it accepts. It runs on
//! plain threads, so it serves whatever runtime (or other process) sends to it. Tests tell it to
//! refuse the next messages (451) to exercise retries.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The raw message (headers and body) as sent, dot-unstuffed.
    pub data: String,
}

impl Received {
    /// A header's value, unfolded, encoded words (RFC 2047, B or Q) decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let mut unfolded: Vec<String> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = unfolded.last_mut() {
                    last.push_str(line);
                }
            } else {
                unfolded.push(line.to_string());
            }
        }
        let prefix = format!("{}:", name.to_ascii_lowercase());
        unfolded
            .iter()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| decode_words(l[prefix.len()..].trim()))
    }

    /// The decoded subject.
    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    /// The body as text (base64 or plain).
    pub fn text(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let base64 = self
            .header("Content-Transfer-Encoding")
            .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
        if base64 {
            let joined: String = body.split_whitespace().collect();
            String::from_utf8_lossy(&b64(&joined)).into_owned()
        } else {
            body.to_string()
        }
    }
}

fn b64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Decode RFC 2047 encoded words; whitespace between two encoded words is dropped.
fn decode_words(s: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = s;
    let mut pending_space = String::new();
    loop {
        let Some(start) = rest.find("=?") else {
            bytes.extend_from_slice(pending_space.as_bytes());
            bytes.extend_from_slice(rest.as_bytes());
            break;
        };
        let (before, word) = rest.split_at(start);
        let parts: Vec<&str> = word[2..].splitn(3, '?').collect();
        let end = parts.get(2).and_then(|p| p.find("?="));
        let (Some(end), [_, enc, tail]) = (end, parts.as_slice()) else {
            bytes.extend_from_slice(rest.as_bytes());
            break;
        };
        if before.trim().is_empty() && !bytes.is_empty() {
            // between two encoded words: dropped
        } else {
            bytes.extend_from_slice(pending_space.as_bytes());
            bytes.extend_from_slice(before.as_bytes());
        }
        pending_space.clear();
        let data = &tail[..end];
        if enc.eq_ignore_ascii_case("b") {
            bytes.extend(b64(data));
        } else {
            let mut it = data.bytes();
            while let Some(c) = it.next() {
                match c {
                    b'_' => bytes.push(b' '),
                    b'=' => {
                        let h: String = it.by_ref().take(2).map(char::from).collect();
                        bytes.push(u8::from_str_radix(&h, 16).unwrap_or(b'?'));
                    }
                    c => bytes.push(c),
                }
            }
        }
        let consumed = 2 + parts[0].len() + 1 + enc.len() + 1 + end + 2;
        rest = &word[consumed..];
        let ws = rest.len() - rest.trim_start().len();
        pending_space = rest[..ws].to_string();
        rest = &rest[ws..];
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The sink: started on a free local port, serving until dropped with the process.
pub struct SmtpSink {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicUsize>,
}

impl SmtpSink {
    /// Listen on 127.0.0.1 (a free port) and serve each connection on its own thread.
    pub fn start() -> std::io::Result<SmtpSink> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let refuse: Arc<AtomicUsize> = Arc::default();
        let (r, f) = (received.clone(), refuse.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, f) = (r.clone(), f.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &r, &f);
                });
            }
        });
        Ok(SmtpSink {
            addr,
            received,
            refuse,
        })
    }

    /// `smtp://127.0.0.1:<port>`, for `ZHIYUN_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every message accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Refuse the next `n` messages with a temporary failure (451).
    pub fn refuse_next(&self, n: usize) {
        self.refuse.store(n, Ordering::SeqCst);
    }

    /// Wait (polling) until at least `n` messages arrived or `timeout` passed; the messages.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let until = Instant::now() + timeout;
        loop {
            let got = self.messages();
            if got.len() >= n || Instant::now() >= until {
                return got;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn serve(
    stream: TcpStream,
    received: &Mutex<Vec<Received>>,
    refuse: &AtomicUsize,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 zhiyun-test-sink ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let verb = cmd
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let path = |s: &str| {
            s.split_once(':')
                .map(|(_, p)| {
                    p.trim()
                        .trim_start_matches('<')
                        .split('>')
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
                .unwrap_or_default()
        };
        match verb.as_str() {
            "EHLO" => out.write_all(b"250-zhiyun-test-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?,
            "HELO" | "NOOP" => out.write_all(b"250 OK\r\n")?,
            "RSET" => {
                from.clear();
                to.clear();
                out.write_all(b"250 OK\r\n")?
            }
            "MAIL" => {
                from = path(&cmd);
                out.write_all(b"250 OK\r\n")?
            }
            "RCPT" => {
                to.push(path(&cmd));
                out.write_all(b"250 OK\r\n")?
            }
            "DATA" => {
                out.write_all(b"354 end with .\r\n")?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    let l = line.trim_end_matches(['\r', '\n']);
                    if l == "." {
                        break;
                    }
                    data.push_str(
                        l.strip_prefix('.')
                            .filter(|_| l.starts_with(".."))
                            .unwrap_or(l),
                    );
                    data.push_str("\r\n");
                }
                let refused = refuse
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if refused {
                    out.write_all(b"451 try again later\r\n")?;
                } else {
                    received
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(Received {
                            from: from.clone(),
                            to: std::mem::take(&mut to),
                            data,
                        });
                    out.write_all(b"250 OK queued\r\n")?;
                }
                to.clear();
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"502 not implemented\r\n")?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_decode() {
        assert_eq!(decode_words("=?utf-8?b?5L2g5aW9?="), "你好");
        assert_eq!(decode_words("=?utf-8?b?5L2g?= =?utf-8?b?5aW9?="), "你好");
        assert_eq!(decode_words("Re: =?UTF-8?Q?a_b=E4=BD=A0?="), "Re: a b你");
        assert_eq!(decode_words("plain"), "plain");
    }
}
