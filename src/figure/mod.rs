//! Figures as data: what a plot shows (lines, markers, bands, bars, rules, axis labels), built
//! by plain functions with no egui, then drawn by the thin egui_plot layer in
//! `ui::figure`, exported to CSV here and to SVG there, and tested without rendering.
//!
//! Colours are named by role ([`Tone`]); the UI's theme decides what each role looks like.

pub mod builders;

use std::fmt::Write as _;

/// A colour by role.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tone {
    /// Class `k`'s colour (also the k-th series of a multi-line plot).
    Class(usize),
    /// A position in `[0, 1]` on the sequential ramp (binned numeric targets).
    Ramp(f64),
    /// Decision boundaries and the leading principal axis.
    Boundary,
    /// Margins, reference lines and the other principal axes.
    Margin,
    /// Rings around support vectors.
    Support,
    /// Shrunk-to-zero or inactive things.
    Muted,
}

/// A polyline.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub name: String,
    pub points: Vec<[f64; 2]>,
    pub tone: Tone,
    pub width: f32,
    pub dashed: bool,
}

/// Scattered points.
#[derive(Clone, Debug, PartialEq)]
pub struct Markers {
    pub name: String,
    pub points: Vec<[f64; 2]>,
    pub tone: Tone,
    pub radius: f32,
    pub filled: bool,
}

/// The area between two curves over the same x values (a confidence band).
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub name: String,
    pub x: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    pub tone: Tone,
}

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub at: f64,
    pub value: f64,
    pub label: String,
    pub tone: Tone,
}

/// A bar chart; horizontal bars grow along x and stand at y = `at`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bars {
    pub name: String,
    pub bars: Vec<Bar>,
    pub horizontal: bool,
    pub width: f64,
}

/// A horizontal or vertical line across the whole plot.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub name: String,
    pub value: f64,
    pub vertical: bool,
    pub tone: Tone,
    pub dashed: bool,
}

/// What a figure is made of.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Line(Line),
    Markers(Markers),
    Band(Band),
    Bars(Bars),
    Rule(Rule),
}

impl Item {
    pub fn name(&self) -> &str {
        match self {
            Item::Line(l) => &l.name,
            Item::Markers(m) => &m.name,
            Item::Band(b) => &b.name,
            Item::Bars(b) => &b.name,
            Item::Rule(r) => &r.name,
        }
    }
}

/// One axis of a figure.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Axis {
    pub label: String,
    /// Drawn on a log₁₀ scale (the data stay in their own units).
    pub log: bool,
    /// Names for integer positions (e.g. one feature per row of a horizontal bar chart).
    pub categories: Option<Vec<String>>,
    /// Values the view must include (e.g. 0 and 1 for a share).
    pub include: Vec<f64>,
}

impl Axis {
    pub fn new(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            ..Self::default()
        }
    }
}

/// A whole plot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figure {
    /// Unique among the figures on screen (egui_plot keeps zoom and pan by it).
    pub id: String,
    pub title: String,
    pub x: Axis,
    pub y: Axis,
    pub items: Vec<Item>,
    /// One unit on x is as long as one on y.
    pub equal_aspect: bool,
    pub legend: bool,
}

impl Figure {
    pub fn new(id: impl Into<String>, title: impl Into<String>, x: Axis, y: Axis) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            x,
            y,
            items: Vec::new(),
            equal_aspect: false,
            legend: true,
        }
    }

    pub fn with(mut self, item: Item) -> Self {
        self.items.push(item);
        self
    }

    pub fn push(&mut self, item: Item) {
        self.items.push(item);
    }

    /// The item named `name`, if any.
    pub fn item(&self, name: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.name() == name)
    }

    /// The data behind the figure, one row per point: `series,kind,x,y` (bands give two
    /// rows per x, `lower` and `upper`; bars give `at,value`; rules their value).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("series,kind,x,y\n");
        let quote = |s: &str| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut row = |name: &str, kind: &str, x: f64, y: f64| {
            let _ = writeln!(out, "{},{kind},{x},{y}", quote(name));
        };
        for item in &self.items {
            match item {
                Item::Line(l) => l
                    .points
                    .iter()
                    .for_each(|p| row(&l.name, "line", p[0], p[1])),
                Item::Markers(m) => m
                    .points
                    .iter()
                    .for_each(|p| row(&m.name, "point", p[0], p[1])),
                Item::Band(b) => {
                    for ((x, lo), hi) in b.x.iter().zip(&b.lower).zip(&b.upper) {
                        row(&b.name, "lower", *x, *lo);
                        row(&b.name, "upper", *x, *hi);
                    }
                }
                Item::Bars(b) => {
                    for bar in &b.bars {
                        let name = if bar.label.is_empty() {
                            b.name.clone()
                        } else {
                            format!("{}: {}", b.name, bar.label)
                        };
                        row(&name, "bar", bar.at, bar.value);
                    }
                }
                Item::Rule(r) => {
                    let kind = if r.vertical { "vrule" } else { "hrule" };
                    if r.vertical {
                        row(&r.name, kind, r.value, f64::NAN);
                    } else {
                        row(&r.name, kind, f64::NAN, r.value);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_one_row_per_point_and_quotes_names() {
        let fig = Figure::new("f", "t", Axis::new("x"), Axis::new("y"))
            .with(Item::Line(Line {
                name: "a, b".into(),
                points: vec![[1.0, 2.0], [3.0, 4.5]],
                tone: Tone::Class(0),
                width: 1.0,
                dashed: false,
            }))
            .with(Item::Band(Band {
                name: "cv".into(),
                x: vec![0.5],
                lower: vec![1.0],
                upper: vec![2.0],
                tone: Tone::Class(1),
            }));
        assert_eq!(
            fig.to_csv(),
            "series,kind,x,y\n\"a, b\",line,1,2\n\"a, b\",line,3,4.5\ncv,lower,0.5,1\ncv,upper,0.5,2\n"
        );
    }
}
