//! Server-rendered SVG for the KPI dashboards (issue 16): yearly bars with the target path as a
//! line, and a schematic tile map of Shanghai's 16 districts. Titles, axes and units are drawn;
//! each chart has `role="img"` and a `<title>`, and the page puts the data table beside it, so
//! nothing needs JavaScript and everything prints. Floats only place the shapes: the numbers
//! written are the exact strings computed by the domain.

use std::fmt::Write;

/// One bar: the year (x label), its height and the text written above it.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    /// Drawn lighter (the base year, or a year still running).
    pub muted: bool,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" axis maximum and step for values up to `max`.
fn axis(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 0.25);
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| s * 4.0 >= max)
        .unwrap_or(10.0 * mag);
    (step * 4.0, step)
}

fn tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// Yearly bars, an optional line (the target path: `None` where a year has no point) and an
/// optional horizontal threshold (K6's 90 %).
pub fn bars_svg(
    title: &str,
    unit: &str,
    bars: &[Bar],
    line: &[Option<f64>],
    line_label: &str,
    threshold: Option<(f64, &str)>,
) -> String {
    draw(
        title,
        unit,
        bars,
        line,
        line_label,
        threshold,
        (560.0, 280.0),
        true,
    )
}

/// A small chart of bars only (the workbench's figures): the same drawing, 400 × 200, without
/// the target line and the legend (and without a unit line when `unit` is empty: the title
/// says it).
pub fn small_bars_svg(title: &str, unit: &str, bars: &[Bar]) -> String {
    draw(title, unit, bars, &[], "", None, (400.0, 200.0), false)
}

#[allow(clippy::too_many_arguments)]
fn draw(
    title: &str,
    unit: &str,
    bars: &[Bar],
    line: &[Option<f64>],
    line_label: &str,
    threshold: Option<(f64, &str)>,
    (w, h): (f64, f64),
    legend: bool,
) -> String {
    let (left, right, top, bottom) = (64.0, 16.0, 40.0, if legend { 44.0 } else { 24.0 });
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let max = bars
        .iter()
        .map(|b| b.value)
        .chain(line.iter().flatten().copied())
        .chain(threshold.map(|t| t.0))
        .fold(0.0f64, f64::max);
    let (top_v, step) = axis(max);
    let y = |v: f64| top + plot_h - (v / top_v * plot_h).clamp(0.0, plot_h);
    let n = bars.len().max(1) as f64;
    let slot = plot_w / n;
    let bw = (slot * 0.56).min(56.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img"><title>{t}</title>"#,
        t = esc(title)
    );
    let _ = write!(
        s,
        r##"<text x="{left}" y="18" font-size="14" font-weight="bold" fill="#222">{t}</text>"##,
        t = esc(title),
    );
    if !unit.is_empty() {
        let _ = write!(
            s,
            r##"<text x="{left}" y="34" font-size="11" fill="#555">单位：{u}</text>"##,
            u = esc(unit)
        );
    }
    // Grid and y axis.
    let mut v = 0.0;
    while v <= top_v + step / 2.0 {
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{yy:.1}" x2="{x2:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{tx:.1}" y="{ty:.1}" font-size="11" text-anchor="end" fill="#555">{l}</text>"##,
            x2 = w - right,
            tx = left - 6.0,
            ty = yy + 4.0,
            l = tick(v)
        );
        v += step;
    }
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{b:.1}" stroke="#333"/><line x1="{left}" y1="{b:.1}" x2="{r:.1}" y2="{b:.1}" stroke="#333"/>"##,
        b = top + plot_h,
        r = w - right
    );
    for (i, b) in bars.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        let yy = y(b.value);
        let fill = if b.muted { "#9bb3d6" } else { "#2f5597" };
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{yy:.1}" width="{bw:.1}" height="{bh:.1}" fill="{fill}"><title>{l}：{t}</title></rect><text x="{cx:.1}" y="{ty:.1}" font-size="11" text-anchor="middle" fill="#222">{t}</text><text x="{cx:.1}" y="{ly:.1}" font-size="12" text-anchor="middle" fill="#333">{l}</text>"##,
            x = cx - bw / 2.0,
            bh = top + plot_h - yy,
            ty = yy - 4.0,
            ly = top + plot_h + 16.0,
            l = esc(&b.label),
            t = esc(&b.text)
        );
    }
    let points: Vec<String> = line
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            v.map(|v| format!("{:.1},{:.1}", left + slot * (i as f64 + 0.5), y(v)))
        })
        .collect();
    if points.len() > 1 {
        let _ = write!(
            s,
            r##"<polyline points="{p}" fill="none" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 4"/>"##,
            p = points.join(" ")
        );
        for p in &points {
            let (px, py) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(s, r##"<circle cx="{px}" cy="{py}" r="3" fill="#c0392b"/>"##);
        }
    }
    if let Some((t, label)) = threshold {
        let yy = y(t);
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{yy:.1}" x2="{x2:.1}" y2="{yy:.1}" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 4"/><text x="{tx:.1}" y="{ty:.1}" font-size="11" text-anchor="start" fill="#c0392b">{l}</text>"##,
            x2 = w - right,
            tx = left + 4.0,
            ty = yy + 14.0,
            l = esc(label)
        );
    }
    if !legend {
        s.push_str("</svg>");
        return s;
    }
    // Legend.
    let ly = h - 10.0;
    let _ = write!(
        s,
        r##"<rect x="{left}" y="{ry:.1}" width="12" height="10" fill="#2f5597"/><text x="{tx:.1}" y="{ly:.1}" font-size="11" fill="#333">实际值（浅色：基期或年初至今）</text>"##,
        ry = ly - 9.0,
        tx = left + 16.0
    );
    if points.len() > 1 {
        let _ = write!(
            s,
            r##"<line x1="{x1:.1}" y1="{yy:.1}" x2="{x2:.1}" y2="{yy:.1}" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 4"/><text x="{tx:.1}" y="{ly:.1}" font-size="11" fill="#333">{l}</text>"##,
            x1 = left + 250.0,
            x2 = left + 280.0,
            yy = ly - 4.0,
            tx = left + 286.0,
            l = esc(line_label)
        );
    }
    s.push_str("</svg>");
    s
}

/// Where each district sits on the schematic map (column, row): north to the top, the Huangpu
/// river's east (浦东) to the right, Chongming at the top.
const TILES: [(&str, u8, u8); 16] = [
    ("310151", 3, 0),
    ("310114", 1, 1),
    ("310113", 2, 1),
    ("310118", 0, 2),
    ("310107", 1, 2),
    ("310106", 2, 2),
    ("310109", 3, 2),
    ("310110", 4, 2),
    ("310117", 0, 3),
    ("310105", 1, 3),
    ("310104", 2, 3),
    ("310101", 3, 3),
    ("310115", 4, 3),
    ("310116", 1, 4),
    ("310112", 2, 4),
    ("310120", 3, 4),
];

/// One district on the map.
#[derive(Debug, Clone)]
pub struct Tile {
    pub code: &'static str,
    pub name: &'static str,
    /// `met`, `on_track`, `at_risk`, `missed` or `unknown`.
    pub status: &'static str,
    /// The figure written under the name.
    pub text: String,
    pub href: String,
}

pub fn status_colour(status: &str) -> &'static str {
    match status {
        "met" => "#2e7d32",
        "on_track" => "#66a36b",
        "at_risk" => "#e0a100",
        "missed" => "#c0392b",
        _ => "#b0b0b0",
    }
}

/// The 16 districts as tiles coloured by status, each a link to its dashboard.
pub fn tile_map_svg(title: &str, tiles: &[Tile]) -> String {
    let (cw, ch, gap) = (104.0, 64.0, 6.0);
    let (w, h) = (5.0 * (cw + gap) + gap, 5.0 * (ch + gap) + gap + 56.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="mt"><title id="mt">{t}</title>"#,
        t = esc(title)
    );
    for (code, col, row) in TILES {
        let Some(t) = tiles.iter().find(|t| t.code == code) else {
            continue;
        };
        let x = gap + f64::from(col) * (cw + gap);
        let y = gap + f64::from(row) * (ch + gap);
        let _ = write!(
            s,
            r##"<a href="{href}"><rect x="{x:.1}" y="{y:.1}" width="{cw}" height="{ch}" rx="6" fill="{c}"><title>{n}：{tx}</title></rect><text x="{cx:.1}" y="{ny:.1}" font-size="14" text-anchor="middle" fill="#fff" font-weight="bold">{n}</text><text x="{cx:.1}" y="{vy:.1}" font-size="12" text-anchor="middle" fill="#fff">{tx}</text></a>"##,
            href = esc(&t.href),
            c = status_colour(t.status),
            n = esc(t.name),
            tx = esc(&t.text),
            cx = x + cw / 2.0,
            ny = y + 26.0,
            vy = y + 46.0
        );
    }
    let ly = 5.0 * (ch + gap) + gap + 20.0;
    let mut lx = gap;
    for (status, label) in [
        ("met", "已达标"),
        ("on_track", "进展正常"),
        ("at_risk", "存在风险"),
        ("missed", "未达标"),
        ("unknown", "无法判断"),
    ] {
        let _ = write!(
            s,
            r##"<rect x="{lx:.1}" y="{ry:.1}" width="14" height="14" fill="{c}"/><text x="{tx:.1}" y="{ly:.1}" font-size="12" fill="#333">{label}</text>"##,
            c = status_colour(status),
            ry = ly - 11.0,
            tx = lx + 18.0
        );
        lx += 96.0;
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_covers_the_largest_value_in_four_steps() {
        for max in [0.9, 5.0, 42.0, 2180.0, 8539.9] {
            let (top, step) = axis(max);
            assert!(top >= max && top < max * 2.6 + 1.0, "{max}: {top}");
            assert!((top - step * 4.0).abs() < 1e-9);
        }
    }

    #[test]
    fn k1_charts_carry_their_title_unit_bars_and_the_target_path() {
        let bars: Vec<Bar> = [("2020", 2180.0), ("2021", 3098.0)]
            .iter()
            .map(|(l, v)| Bar {
                label: l.to_string(),
                value: *v,
                text: format!("{v:.2}"),
                muted: false,
            })
            .collect();
        let svg = bars_svg(
            "K1 质押融资金额",
            "万元",
            &bars,
            &[Some(2180.0), Some(2834.0)],
            "目标路径",
            None,
        );
        assert!(svg.contains("<title>K1 质押融资金额</title>"));
        assert!(svg.contains("单位：万元"));
        assert_eq!(svg.matches("<rect").count(), 3, "two bars and a legend key");
        assert!(svg.contains("3098.00") && svg.contains("<polyline"));
    }

    #[test]
    fn the_map_draws_all_sixteen_districts_once() {
        let tiles: Vec<Tile> = zhiyun_domain::district::all()
            .map(|d| Tile {
                code: d.code,
                name: d.name,
                status: "met",
                text: "1".into(),
                href: format!("/kpis?district={}", d.code),
            })
            .collect();
        assert_eq!(tiles.len(), 16);
        let svg = tile_map_svg("K1", &tiles);
        assert_eq!(svg.matches("<a href=").count(), 16);
        for t in &tiles {
            assert!(svg.contains(t.name), "{}", t.name);
        }
    }
}
