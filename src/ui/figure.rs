//! The thin layer that draws a [`Figure`] with egui_plot, and writes it as SVG. What is drawn
//! is decided by the figure builders in [`crate::figure`]; this file only maps roles to
//! colours (via [`theme::tone`]) and items to egui_plot items.

use egui_plot::{
    Bar as PlotBar, BarChart, FilledArea, HLine, Legend, LineStyle, MarkerShape, PlotPoints,
    PlotResponse, PlotUi, Points, VLine,
};

use crate::figure::{Axis, Figure, Item};
use crate::ui::theme;

/// Draw `fig` in `plot` (a [`crate::ui::plot`] with its size already set). `under` draws
/// first (e.g. a decision map's image); `over` draws last (e.g. a draggable marker).
pub fn figure_ui<R>(
    ui: &mut egui::Ui,
    fig: &Figure,
    plot: egui_plot::Plot<'_>,
    under: impl FnOnce(&mut PlotUi<'_>),
    over: impl FnOnce(&mut PlotUi<'_>) -> R,
) -> PlotResponse<R> {
    let mut plot = plot
        .x_axis_label(axis_label(&fig.x))
        .y_axis_label(axis_label(&fig.y));
    // A legend would cover most of a narrow or short plot (its height as drawn last frame);
    // hovering still names every line.
    let height_id = egui::Id::unique(("figure-height", &fig.id));
    let last_height: f32 = ui
        .ctx()
        .data(|d| d.get_temp(height_id))
        .unwrap_or(f32::INFINITY);
    let mut entries: Vec<&str> = fig
        .items
        .iter()
        .map(Item::name)
        .filter(|n| !n.is_empty())
        .collect();
    entries.sort_unstable();
    entries.dedup();
    let legend_fits = entries.len() as f32 * 18.0 + 12.0 <= 0.8 * last_height;
    if fig.legend && ui.available_width() >= 560.0 && legend_fits {
        // Entries in the order the figure lists them (PC1, PC2, … PC10, not as text), over a
        // translucent background so the data under a legend stays visible.
        plot = plot.legend(
            Legend::default()
                .follow_insertion_order(true)
                .background_alpha(0.6),
        );
    }
    if fig.equal_aspect {
        plot = plot.data_aspect(1.0);
    }
    for &v in &fig.y.include {
        plot = plot.include_y(to_plot(&fig.y, v));
    }
    for &v in &fig.x.include {
        plot = plot.include_x(to_plot(&fig.x, v));
    }
    // Decades on log axes; 1-2-5 label steps chosen by width on linear ones.
    if fig.x.log {
        plot = plot
            .x_grid_spacer(|input| log_marks(input, 80.0))
            .x_axis_formatter(|mark, _| log_tick(mark.value));
    }
    if fig.y.log {
        plot = plot
            .y_grid_spacer(|input| log_marks(input, 30.0))
            .y_axis_formatter(|mark, _| log_tick(mark.value));
    }
    if let Some(names) = fig.x.categories.clone() {
        plot = plot
            .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
            .x_axis_formatter(move |mark, _| category(&names, mark.value));
    }
    if let Some(names) = fig.y.categories.clone() {
        plot = plot
            .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
            .y_axis_formatter(move |mark, _| category(&names, mark.value));
    }
    crate::ui::export::note_figure(ui.ctx(), fig);
    let shown = plot.show(ui, |plot_ui| {
        under(plot_ui);
        for item in &fig.items {
            draw_item(plot_ui, fig, item);
        }
        over(plot_ui)
    });
    let height = shown.response.rect.height();
    ui.ctx().data_mut(|d| d.insert_temp(height_id, height));
    // Name the plot for screen readers (and UI tests): "plot: <title or id>".
    let name = format!(
        "plot: {}",
        if fig.title.is_empty() {
            &fig.id
        } else {
            &fig.title
        }
    );
    shown
        .response
        .widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Figure, true, &name));
    shown
}

/// Grid marks for a linear axis whose tick labels need `label_px` points between them
/// (egui_plot paints a label only when its step is wider than 60 points on x, 20 on y).
/// The labelled step is the smallest of 1, 2, 5 × 10ᵏ that is wide enough, so every axis
/// has several labels and none crowd; finer unlabelled lines divide it (nested, so a coarse
/// label never falls between finer ones). egui_plot's default has powers of ten only, which
/// leaves an axis spanning less than two decades with one or two labels.
fn nice_marks(input: egui_plot::GridInput, label_px: f64) -> Vec<egui_plot::GridMark> {
    let (min, max) = input.bounds;
    let base = input.base_step_size;
    if !(min.is_finite() && max.is_finite() && base.is_finite() && base > 0.0 && max > min) {
        return Vec::new();
    }
    // egui_plot's base step is 8 points (its default minimum grid spacing).
    let points_per_unit = 8.0 / base;
    let wanted = label_px / points_per_unit;
    let mut e = wanted.log10().floor() as i32;
    let label = loop {
        let found = [1.0, 2.0, 5.0]
            .into_iter()
            .map(|m| m * 10f64.powi(e))
            .find(|s| *s >= wanted);
        if let Some(s) = found {
            break s;
        }
        e += 1;
    };
    // The finer lines: a fifth (of a 1 or 5 step) or a half (of a 2 step).
    let mantissa = label / 10f64.powi(label.log10().floor() as i32);
    let minor = if (mantissa - 2.0).abs() < 1e-9 {
        label / 2.0
    } else {
        label / 5.0
    };
    let fine = if minor >= base { minor } else { label };
    let (first, last) = ((min / fine).ceil(), (max / fine).floor());
    if !(last - first).is_finite() || last - first > 10_000.0 {
        return Vec::new();
    }
    let mut marks = Vec::new();
    let mut i = first;
    while i <= last {
        let value = i * fine;
        let r = value / label;
        let step_size = if (r - r.round()).abs() < 1e-6 {
            label
        } else {
            fine
        };
        marks.push(egui_plot::GridMark { value, step_size });
        i += 1.0;
    }
    marks
}

/// [`nice_marks`] for a horizontal axis (labels need about 60 points).
pub fn nice_x_spacer(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    nice_marks(input, 64.0)
}

/// [`nice_marks`] for a vertical axis (labels need about 20 points).
pub fn nice_y_spacer(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    nice_marks(input, 24.0)
}

/// Draw `fig` in a plot that does not pan: a press or a drag in it picks the x under the
/// pointer (in the figure's own units, so 10^x on a log axis). The views use it for markers
/// that the hand moves (α on a path, a parameter on a validation curve).
pub fn pick_x_ui(ui: &mut egui::Ui, fig: &Figure, plot: egui_plot::Plot<'_>) -> Option<f64> {
    let response = figure_ui(
        ui,
        fig,
        plot.allow_drag(false),
        |_| {},
        |plot_ui: &mut PlotUi<'_>| {
            let r = plot_ui.response();
            if r.dragged() || r.clicked() || r.drag_started() {
                // Not `pointer_coordinate()`: it subtracts the drag delta to follow a pan,
                // and this plot does not pan.
                let pos = r.interact_pointer_pos()?;
                Some(plot_ui.transform().value_from_position(pos).x)
            } else {
                None
            }
        },
    );
    response
        .inner
        .map(|x| from_plot(&fig.x, x))
        .filter(|x| x.is_finite())
}

/// The hover text of a plot whose x axis is α on a log scale: the line's name, α and the
/// value (after `y_prefix`), or only α away from the lines.
pub fn alpha_hover(pos: &egui_plot::HoverPosition<'_>, y_prefix: &str) -> Option<String> {
    use crate::figure::builders::fmt_num;
    match pos {
        egui_plot::HoverPosition::NearDataPoint {
            plot_name,
            position,
            ..
        } => Some(format!(
            "{plot_name}\nα = {}\n{y_prefix}{}",
            fmt_num(10f64.powf(position.x)),
            fmt_num(position.y)
        )),
        egui_plot::HoverPosition::Elsewhere { position } => {
            Some(format!("α = {}", fmt_num(10f64.powf(position.x))))
        }
    }
}

fn axis_label(axis: &Axis) -> String {
    if axis.log && !axis.label.is_empty() {
        format!("{} (log scale)", axis.label)
    } else {
        axis.label.clone()
    }
}

/// A value in the plot's coordinates (log₁₀ on a log axis).
pub fn to_plot(axis: &Axis, v: f64) -> f64 {
    if axis.log { v.log10() } else { v }
}

/// A value back from the plot's coordinates.
pub fn from_plot(axis: &Axis, v: f64) -> f64 {
    if axis.log { 10f64.powf(v) } else { v }
}

/// The label of a decade (`v` in log₁₀ units); the lines between decades have none.
fn log_tick(v: f64) -> String {
    if (v - v.round()).abs() > 1e-9 {
        return String::new();
    }
    let k = v.round() as i32;
    if k.abs() >= 4 {
        format!("1e{k}")
    } else {
        crate::figure::builders::fmt_num(10f64.powi(k))
    }
}

/// Grid marks of a log axis (values in log₁₀ units): a labelled line every decade, or every
/// 2nd, 5th, 10th … decade when the axis is too short for each to have `label_px` points
/// (egui_plot draws a label only when its step is about 80 points wide on x, 30 on y), and
/// faint lines at 2 … 9 × each decade when there is room for them. (egui_plot's own log
/// spacer labels only the decades its step rule picks, which can leave a narrow plot with a
/// single label.)
pub fn log_marks(input: egui_plot::GridInput, label_px: f64) -> Vec<egui_plot::GridMark> {
    let (min, max) = input.bounds;
    let base = input.base_step_size;
    if !(min.is_finite() && max.is_finite() && base.is_finite() && base > 0.0 && max > min) {
        return Vec::new();
    }
    let points_per_decade = 8.0 / base;
    let every = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
        .into_iter()
        .find(|&k| k * points_per_decade >= label_px)
        .unwrap_or(100.0);
    let (first, last) = (min.floor(), max.ceil());
    if last - first > 1_000.0 {
        return Vec::new();
    }
    let mut marks = Vec::new();
    let mut k = first;
    while k <= last {
        let labelled = (k / every - (k / every).round()).abs() < 1e-9;
        marks.push(egui_plot::GridMark {
            value: k,
            step_size: if labelled {
                every
            } else {
                base.max(every / 10.0)
            },
        });
        // The lines at 2 … 9 × 10^k, when they are at least 6 points apart.
        if every == 1.0 && points_per_decade * (10f64 / 9.0).log10() >= 6.0 {
            for m in 2..=9 {
                marks.push(egui_plot::GridMark {
                    value: k + (m as f64).log10(),
                    step_size: base,
                });
            }
        }
        k += 1.0;
    }
    // Only marks inside the axis: egui_plot would label one past its end beside the plot.
    marks.retain(|m| m.value >= min - 1e-9 && m.value <= max + 1e-9);
    marks
}

fn category(names: &[String], v: f64) -> String {
    let k = v.round();
    if (v - k).abs() < 1e-6 && k >= 0.0 {
        names.get(k as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

fn points(fig: &Figure, pts: &[[f64; 2]]) -> PlotPoints<'static> {
    PlotPoints::from(
        pts.iter()
            .map(|p| [to_plot(&fig.x, p[0]), to_plot(&fig.y, p[1])])
            .filter(|p| p[0].is_finite() && p[1].is_finite())
            .collect::<Vec<_>>(),
    )
}

fn draw_item(plot_ui: &mut PlotUi<'_>, fig: &Figure, item: &Item) {
    match item {
        Item::Line(l) => {
            let mut line = egui_plot::Line::new(l.name.clone(), points(fig, &l.points))
                .color(theme::tone(l.tone))
                .width(l.width);
            if l.dashed {
                line = line.style(LineStyle::dashed_loose());
            }
            plot_ui.line(line);
        }
        Item::Markers(m) => plot_ui.points(
            Points::new(m.name.clone(), points(fig, &m.points))
                .color(theme::tone(m.tone))
                .radius(m.radius)
                .filled(m.filled)
                .shape(MarkerShape::Circle),
        ),
        Item::Band(b) => {
            let xs: Vec<f64> = b.x.iter().map(|&x| to_plot(&fig.x, x)).collect();
            let lo: Vec<f64> = b.lower.iter().map(|&y| to_plot(&fig.y, y)).collect();
            let hi: Vec<f64> = b.upper.iter().map(|&y| to_plot(&fig.y, y)).collect();
            plot_ui.add(
                FilledArea::new(b.name.clone(), &xs, &lo, &hi)
                    .fill_color(theme::tone(b.tone).gamma_multiply(0.25)),
            );
        }
        Item::Bars(b) => {
            let bars = b
                .bars
                .iter()
                .map(|bar| {
                    PlotBar::new(bar.at, bar.value)
                        .name(&bar.label)
                        .fill(theme::tone(bar.tone))
                })
                .collect();
            let mut chart = BarChart::new(b.name.clone(), bars).width(b.width);
            if b.horizontal {
                chart = chart.horizontal();
            }
            plot_ui.bar_chart(chart);
        }
        Item::Rule(r) => {
            let style = if r.dashed {
                LineStyle::dashed_loose()
            } else {
                LineStyle::Solid
            };
            let color = theme::tone(r.tone);
            if r.vertical {
                plot_ui.vline(
                    VLine::new(r.name.clone(), to_plot(&fig.x, r.value))
                        .color(color)
                        .style(style),
                );
            } else {
                plot_ui.hline(
                    HLine::new(r.name.clone(), to_plot(&fig.y, r.value))
                        .color(color)
                        .style(style),
                );
            }
        }
    }
}

/// The figure as a standalone SVG of `width × height` pixels: the items inside a frame with
/// the axis labels (no ticks), for reports and export.
pub fn to_svg(fig: &Figure, width: f64, height: f64) -> String {
    use std::fmt::Write as _;
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    let mut see = |x: f64, y: f64| {
        if x.is_finite() && y.is_finite() {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    };
    for item in &fig.items {
        match item {
            Item::Line(l) => l
                .points
                .iter()
                .for_each(|p| see(to_plot(&fig.x, p[0]), to_plot(&fig.y, p[1]))),
            Item::Markers(m) => m
                .points
                .iter()
                .for_each(|p| see(to_plot(&fig.x, p[0]), to_plot(&fig.y, p[1]))),
            Item::Band(b) => {
                for ((x, lo), hi) in b.x.iter().zip(&b.lower).zip(&b.upper) {
                    see(to_plot(&fig.x, *x), to_plot(&fig.y, *lo));
                    see(to_plot(&fig.x, *x), to_plot(&fig.y, *hi));
                }
            }
            Item::Bars(b) => b.bars.iter().for_each(|bar| {
                if b.horizontal {
                    see(0.0, bar.at);
                    see(bar.value, bar.at);
                } else {
                    see(bar.at, 0.0);
                    see(bar.at, bar.value);
                }
            }),
            Item::Rule(_) => {}
        }
    }
    if x0.partial_cmp(&x1) != Some(std::cmp::Ordering::Less) {
        (x0, x1) = (x0.min(0.0) - 0.5, x1.max(0.0) + 0.5);
    }
    if y0.partial_cmp(&y1) != Some(std::cmp::Ordering::Less) {
        (y0, y1) = (y0.min(0.0) - 0.5, y1.max(0.0) + 0.5);
    }
    let margin = 40.0;
    let sx = |x: f64| margin + (x - x0) / (x1 - x0) * (width - 2.0 * margin);
    let sy = |y: f64| height - margin - (y - y0) / (y1 - y0) * (height - 2.0 * margin);
    let hex = |t| {
        let c = theme::tone(t);
        format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b())
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        s,
        r##"<rect width="100%" height="100%" fill="#1b1b1b"/><rect x="{margin}" y="{margin}" width="{}" height="{}" fill="none" stroke="#888"/>"##,
        width - 2.0 * margin,
        height - 2.0 * margin
    );
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let _ = writeln!(
        s,
        r##"<text x="{}" y="{}" fill="#ddd" text-anchor="middle">{}</text>"##,
        width / 2.0,
        height - 8.0,
        esc(&axis_label(&fig.x))
    );
    let _ = writeln!(
        s,
        r##"<text x="12" y="{}" fill="#ddd" text-anchor="middle" transform="rotate(-90 12 {})">{}</text>"##,
        height / 2.0,
        height / 2.0,
        esc(&axis_label(&fig.y))
    );
    let _ = writeln!(
        s,
        r##"<text x="{}" y="24" fill="#eee" text-anchor="middle">{}</text>"##,
        width / 2.0,
        esc(&fig.title)
    );
    for item in &fig.items {
        match item {
            Item::Line(l) => {
                let d: Vec<String> = l
                    .points
                    .iter()
                    .map(|p| (to_plot(&fig.x, p[0]), to_plot(&fig.y, p[1])))
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
                    .map(|(x, y)| format!("{:.2},{:.2}", sx(x), sy(y)))
                    .collect();
                let dash = if l.dashed {
                    r#" stroke-dasharray="6 4""#
                } else {
                    ""
                };
                let _ = writeln!(
                    s,
                    r#"<polyline fill="none" stroke="{}" stroke-width="{}"{dash} points="{}"/>"#,
                    hex(l.tone),
                    l.width,
                    d.join(" ")
                );
            }
            Item::Markers(m) => {
                let color = hex(m.tone);
                let fill = if m.filled { color.as_str() } else { "none" };
                for p in &m.points {
                    let (x, y) = (to_plot(&fig.x, p[0]), to_plot(&fig.y, p[1]));
                    if x.is_finite() && y.is_finite() {
                        let _ = writeln!(
                            s,
                            r#"<circle cx="{:.2}" cy="{:.2}" r="{}" fill="{fill}" stroke="{color}"/>"#,
                            sx(x),
                            sy(y),
                            m.radius
                        );
                    }
                }
            }
            Item::Band(b) => {
                let mut pts: Vec<String> = Vec::new();
                for (x, hi) in b.x.iter().zip(&b.upper) {
                    pts.push(format!(
                        "{:.2},{:.2}",
                        sx(to_plot(&fig.x, *x)),
                        sy(to_plot(&fig.y, *hi))
                    ));
                }
                for (x, lo) in b.x.iter().zip(&b.lower).rev() {
                    pts.push(format!(
                        "{:.2},{:.2}",
                        sx(to_plot(&fig.x, *x)),
                        sy(to_plot(&fig.y, *lo))
                    ));
                }
                let _ = writeln!(
                    s,
                    r#"<polygon fill="{}" fill-opacity="0.25" stroke="none" points="{}"/>"#,
                    hex(b.tone),
                    pts.join(" ")
                );
            }
            Item::Bars(b) => {
                for bar in &b.bars {
                    let (rx0, rx1, ry0, ry1) = if b.horizontal {
                        (
                            sx(0.0_f64.min(bar.value)),
                            sx(0.0_f64.max(bar.value)),
                            sy(bar.at + b.width / 2.0),
                            sy(bar.at - b.width / 2.0),
                        )
                    } else {
                        (
                            sx(bar.at - b.width / 2.0),
                            sx(bar.at + b.width / 2.0),
                            sy(0.0_f64.max(bar.value)),
                            sy(0.0_f64.min(bar.value)),
                        )
                    };
                    let _ = writeln!(
                        s,
                        r#"<rect x="{rx0:.2}" y="{ry0:.2}" width="{:.2}" height="{:.2}" fill="{}"/>"#,
                        rx1 - rx0,
                        ry1 - ry0,
                        hex(bar.tone)
                    );
                }
            }
            Item::Rule(r) => {
                let (a, b2, c, d) = if r.vertical {
                    let x = sx(to_plot(&fig.x, r.value));
                    (x, margin, x, height - margin)
                } else {
                    let y = sy(to_plot(&fig.y, r.value));
                    (margin, y, width - margin, y)
                };
                let _ = writeln!(
                    s,
                    r#"<line x1="{a:.2}" y1="{b2:.2}" x2="{c:.2}" y2="{d:.2}" stroke="{}"/>"#,
                    hex(r.tone)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::{Line, Tone};

    #[test]
    fn labels_get_the_smallest_one_two_five_step_that_fits() {
        // 0..15 over 600 points: 40 points per unit (base step = 8 points = 0.2 units).
        let input = || egui_plot::GridInput {
            bounds: (0.0, 15.0),
            base_step_size: 0.2,
        };
        // x labels need 64 points: 1.6 units, so every 2; lines every 1 between them.
        let x = nice_x_spacer(input());
        let labelled: Vec<f64> = x
            .iter()
            .filter(|m| m.step_size == 2.0)
            .map(|m| m.value)
            .collect();
        assert_eq!(labelled, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0]);
        assert!(x.iter().all(|m| m.step_size == 2.0 || m.step_size == 1.0));
        // y labels need 24 points: 0.6 units, so every 1; lines every 0.2.
        let y = nice_y_spacer(input());
        assert_eq!(y.iter().filter(|m| m.step_size == 1.0).count(), 16);
        assert_eq!(y.len(), 76);
        assert!(
            nice_x_spacer(egui_plot::GridInput {
                bounds: (1.0, f64::NAN),
                base_step_size: 0.1,
            })
            .is_empty()
        );
    }

    #[test]
    fn svg_maps_the_data_range_onto_the_frame() {
        let fig = Figure::new(
            "f",
            "a & b",
            crate::figure::Axis::new("x"),
            crate::figure::Axis::new("y"),
        )
        .with(Item::Line(Line {
            name: "l".into(),
            points: vec![[0.0, 0.0], [1.0, 2.0]],
            tone: Tone::Class(0),
            width: 2.0,
            dashed: false,
        }));
        let svg = to_svg(&fig, 240.0, 140.0);
        // (0, 0) is the bottom-left corner of the frame, (1, 2) its top-right corner.
        assert!(
            svg.contains(r#"points="40.00,100.00 200.00,40.00""#),
            "{svg}"
        );
        assert!(svg.contains("a &amp; b"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
