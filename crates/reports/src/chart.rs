//! Horizontal bar charts of a survey item's answers, drawn two ways from one layout:
//!
//! - [`BarChart::svg`] for the pages: title, numbered bars with their labels, the count and
//!   share at each bar's end, an x axis with ticks and its unit — no script, no outside service;
//! - [`BarChart::png`] for the DOCX report (docx-rs embeds PNG): the same bars, axes and grid,
//!   the bar numbers on the left and the counts at the bars' ends in a small built-in digit font.
//!   Chinese labels are not drawn (that would need a font rasteriser); the report puts the data
//!   table, numbered the same way, right under each chart.
//!
//! The PNG is encoded with the `png` crate, already in the build through docx-rs.

use zhiyun_domain::decimal::Dec2;
use zhiyun_domain::survey::{ItemKind, ItemResult};

/// One bar: its label, count and share of the item's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartBar {
    pub label: String,
    pub count: u64,
    pub pct: Option<Dec2>,
    /// Drawn in the accent colour (the top two boxes of a rating).
    pub highlight: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    pub title: String,
    /// The axis' unit, e.g. `回答份数（份）`.
    pub unit: String,
    pub bars: Vec<ChartBar>,
}

const BLUE: [u8; 3] = [0x2f, 0x55, 0x97];
const GREEN: [u8; 3] = [0x2e, 0x7d, 0x32];
const GREY: [u8; 3] = [0xd0, 0xd0, 0xd0];
const INK: [u8; 3] = [0x22, 0x22, 0x22];
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&#39;".to_string(),
            c if c.is_control() => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// At most `n` characters, with an ellipsis when cut.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// A "nice" axis maximum and tick step for counts up to `max`: 1, 2 or 5 × 10ⁿ steps, 4–10 ticks.
pub fn axis(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            let s = step * m;
            if max.div_ceil(s) <= 5 {
                return (max.div_ceil(s) * s, s);
            }
        }
        step *= 10;
    }
}

impl BarChart {
    /// The chart of an item's answers (ratings 5 → 1, the top two highlighted; options in
    /// order); `None` for a text item.
    pub fn of_item(item: &ItemResult) -> Option<BarChart> {
        if item.kind == ItemKind::Text {
            return None;
        }
        Some(BarChart {
            title: format!("第 {} 题：{}", item.number, item.text),
            unit: "回答份数（份）".into(),
            bars: item
                .bars
                .iter()
                .map(|b| ChartBar {
                    label: b.label.clone(),
                    count: b.count,
                    pct: b.pct,
                    highlight: item.kind == ItemKind::Rating && b.value >= 4,
                })
                .collect(),
        })
    }

    fn color(&self, b: &ChartBar) -> [u8; 3] {
        if b.highlight { GREEN } else { BLUE }
    }

    /// The chart as an inline SVG element (`role="img"`, titled), `width` px wide.
    pub fn svg(&self, width: u32) -> String {
        let (label_w, right_w, bar_h, gap, top, bottom) =
            (150u32, 120u32, 26u32, 12u32, 40u32, 56u32);
        let n = self.bars.len() as u32;
        let height = top + n * (bar_h + gap) + bottom;
        let plot_w = width.saturating_sub(label_w + right_w).max(60);
        let (axis_max, step) = axis(self.bars.iter().map(|b| b.count).max().unwrap_or(0));
        let x_of = |v: u64| label_w as f64 + plot_w as f64 * v as f64 / axis_max as f64;
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet"><title>{title}</title>"#,
            title = escape(&self.title)
        );
        s.push_str(&format!(
            r#"<text x="{x}" y="22" font-size="15" font-weight="bold" fill="{ink}">{t}</text>"#,
            x = 4,
            ink = hex(INK),
            t = escape(&self.title)
        ));
        let plot_bottom = top + n * (bar_h + gap);
        // Grid and ticks.
        let mut v = 0;
        while v <= axis_max {
            let x = x_of(v);
            s.push_str(&format!(
                r#"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{plot_bottom}" stroke="{g}" stroke-width="1"/><text x="{x:.1}" y="{ty}" font-size="12" text-anchor="middle" fill="{ink}">{v}</text>"#,
                g = hex(GREY),
                ty = plot_bottom + 16,
                ink = hex(INK)
            ));
            v += step;
        }
        for (i, b) in self.bars.iter().enumerate() {
            let y = top + i as u32 * (bar_h + gap) + gap / 2;
            let w = x_of(b.count) - label_w as f64;
            let pct = b.pct.map(|p| format!("（{p}%）")).unwrap_or_default();
            s.push_str(&format!(
                r#"<text x="{lx}" y="{ty}" font-size="13" text-anchor="end" fill="{ink}">{num}. {label}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="{bar_h}" fill="{c}"><title>{full}：{count} 份{pct}</title></rect><text x="{vx:.1}" y="{ty}" font-size="13" fill="{ink}">{count} 份{pct}</text>"#,
                lx = label_w - 8,
                ty = y + bar_h / 2 + 5,
                ink = hex(INK),
                num = i + 1,
                label = escape(&cut(&b.label, 9)),
                full = escape(&b.label),
                c = hex(self.color(b)),
                vx = label_w as f64 + w + 6.0,
                count = b.count,
            ));
        }
        // Axes and the unit.
        s.push_str(&format!(
            r#"<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{plot_bottom}" stroke="{ink}" stroke-width="1.5"/><line x1="{label_w}" y1="{plot_bottom}" x2="{xe}" y2="{plot_bottom}" stroke="{ink}" stroke-width="1.5"/><text x="{ux}" y="{uy}" font-size="12" text-anchor="middle" fill="{ink}">{unit}</text></svg>"#,
            ink = hex(INK),
            xe = label_w + plot_w,
            ux = label_w + plot_w / 2,
            uy = plot_bottom + 36,
            unit = escape(&self.unit)
        ));
        s
    }

    /// The chart as a PNG, `width` × the height its bars need (about 2.4 : 1 for five bars).
    pub fn png(&self, width: u32) -> Vec<u8> {
        let (w, h, pixels) = self.raster(width);
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().expect("PNG header to memory");
            writer
                .write_image_data(&pixels)
                .expect("PNG data to memory");
        }
        out
    }

    /// The PNG's size and RGB pixels.
    pub fn raster(&self, width: u32) -> (u32, u32, Vec<u8>) {
        let scale = (width / 400).max(1);
        let (label_w, right_w) = (40 * scale, 70 * scale);
        let (bar_h, gap, top, bottom) = (22 * scale, 10 * scale, 10 * scale, 24 * scale);
        let n = self.bars.len().max(1) as u32;
        let height = top + n * (bar_h + gap) + bottom;
        let plot_w = width.saturating_sub(label_w + right_w).max(10);
        let mut c = Canvas::new(width, height);
        let (axis_max, step) = axis(self.bars.iter().map(|b| b.count).max().unwrap_or(0));
        let x_of = |v: u64| label_w + (u64::from(plot_w) * v / axis_max) as u32;
        let plot_bottom = top + n * (bar_h + gap);
        let mut v = 0;
        while v <= axis_max {
            let x = x_of(v);
            c.rect(x, top, scale.max(1), plot_bottom - top, GREY);
            let label = v.to_string();
            let tw = digits_width(&label, scale);
            c.digits(
                x.saturating_sub(tw / 2),
                plot_bottom + 4 * scale,
                &label,
                scale,
                INK,
            );
            v += step;
        }
        for (i, b) in self.bars.iter().enumerate() {
            let y = top + i as u32 * (bar_h + gap) + gap / 2;
            let x_end = x_of(b.count);
            c.rect(label_w, y, x_end - label_w, bar_h, self.color(b));
            let number = (i + 1).to_string();
            let ny = y + (bar_h - 7 * scale) / 2;
            c.digits(
                label_w.saturating_sub(digits_width(&number, scale) + 6 * scale),
                ny,
                &number,
                scale,
                INK,
            );
            c.digits(x_end + 4 * scale, ny, &b.count.to_string(), scale, INK);
        }
        c.rect(label_w, top, 2 * scale.div_ceil(2), plot_bottom - top, INK);
        c.rect(label_w, plot_bottom, plot_w, 2 * scale.div_ceil(2), INK);
        (width, height, c.pixels)
    }
}

/// 5 × 7 digits, one row per byte (bit 4 = leftmost column).
const DIGITS: [[u8; 7]; 10] = [
    [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e],
    [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
    [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f],
    [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
    [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02],
    [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
    [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e],
    [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
    [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e],
    [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
];

fn digits_width(s: &str, scale: u32) -> u32 {
    (s.len() as u32 * 6).saturating_sub(1) * scale
}

struct Canvas {
    w: u32,
    h: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(w: u32, h: u32) -> Canvas {
        Canvas {
            w,
            h,
            pixels: WHITE.repeat((w * h) as usize),
        }
    }

    fn rect(&mut self, x: u32, y: u32, w: u32, h: u32, color: [u8; 3]) {
        for yy in y..(y + h).min(self.h) {
            for xx in x..(x + w).min(self.w) {
                let i = ((yy * self.w + xx) * 3) as usize;
                self.pixels[i..i + 3].copy_from_slice(&color);
            }
        }
    }

    fn digits(&mut self, x: u32, y: u32, s: &str, scale: u32, color: [u8; 3]) {
        for (k, ch) in s.bytes().enumerate() {
            let Some(glyph) = ch
                .checked_sub(b'0')
                .and_then(|d| DIGITS.get(usize::from(d)))
            else {
                continue;
            };
            let gx = x + k as u32 * 6 * scale;
            for (row, bits) in glyph.iter().enumerate() {
                for col in 0..5u32 {
                    if bits & (0x10 >> col) != 0 {
                        self.rect(
                            gx + col * scale,
                            y + row as u32 * scale,
                            scale,
                            scale,
                            color,
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> BarChart {
        BarChart {
            title: "总体满意度 <测试>".into(),
            unit: "回答份数（份）".into(),
            bars: [
                ("非常满意", 4, true),
                ("满意", 4, true),
                ("一般", 1, false),
                ("不满意", 1, false),
                ("非常不满意", 0, false),
            ]
            .into_iter()
            .map(|(l, c, h)| ChartBar {
                label: l.into(),
                count: c,
                pct: Dec2::pct(u128::from(c), 10),
                highlight: h,
            })
            .collect(),
        }
    }

    #[test]
    fn axes_are_round() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(4), (4, 1));
        assert_eq!(axis(7), (8, 2));
        assert_eq!(axis(23), (25, 5));
        assert_eq!(axis(120), (150, 50));
    }

    #[test]
    fn t7_the_svg_names_its_bars_values_and_unit() {
        let svg = chart().svg(640);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>总体满意度 &lt;测试&gt;</title>"));
        assert!(svg.contains("1. 非常满意") && svg.contains("5. 非常不满意"));
        assert!(svg.contains("4 份（40.00%）") && svg.contains("0 份（0.00%）"));
        assert!(svg.contains("回答份数（份）"));
        assert_eq!(svg.matches("<rect").count(), 5);
    }

    #[test]
    fn t7_the_png_is_a_png_with_bars_in_their_colours() {
        let c = chart();
        let (w, h, px) = c.raster(1200);
        assert_eq!(px.len(), (w * h * 3) as usize);
        let at = |x: u32, y: u32| {
            let i = ((y * w + x) * 3) as usize;
            [px[i], px[i + 1], px[i + 2]]
        };
        // The middle of the first bar is green (a top-two box), of the third blue; past the
        // first bar's end it is white.
        let scale = 3;
        let bar_mid = |i: u32| 10 * scale + i * 32 * scale + 5 * scale + 11 * scale;
        assert_eq!(at(40 * scale + 20, bar_mid(0)), GREEN);
        assert_eq!(at(40 * scale + 20, bar_mid(2)), BLUE);
        assert_eq!(at(w - 10, bar_mid(0)), WHITE);
        let png = c.png(1200);
        assert!(png.starts_with(&[0x89, b'P', b'N', b'G']));
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (w, h));
    }
}
