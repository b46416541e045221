//! The scatter view: two columns against each other, coloured by class or by target value.
//! Training rows are filled dots, test rows rings.

use egui::RichText;
use egui_plot::{Legend, MarkerShape, PlotPoints, Points};

use crate::app::{Prepared, RidgelineApp};
use crate::data::Target;
use crate::ui::{fmt_num, theme};

/// The choices of a scatter axis: every feature, and the target when it is numeric.
pub fn axis_options(p: &Prepared) -> Vec<String> {
    let mut options = p.dataset.feature_names.clone();
    if matches!(p.dataset.target, Target::Values(_)) {
        options.push(p.dataset.target_name.clone());
    }
    options
}

/// Column of the axis `name` for dataset row `i`.
fn axis_value(p: &Prepared, axis: usize, i: usize) -> f64 {
    if axis < p.dataset.n_features() {
        p.dataset.x[[i, axis]]
    } else {
        p.dataset.target.as_f64(i)
    }
}

/// The axes the view settings name, falling back to the first two options.
pub fn chosen_axes(app: &RidgelineApp, p: &Prepared) -> (usize, usize) {
    let options = axis_options(p);
    let find = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| options.iter().position(|o| o == n))
    };
    let x = find(&app.settings.view.x_feature).unwrap_or(0);
    let y = find(&app.settings.view.y_feature).unwrap_or(if options.len() > 1 { 1 } else { 0 });
    (x, y)
}

pub fn scatter_ui(ui: &mut egui::Ui, app: &mut RidgelineApp) {
    let Some(view) = &app.rt.data else {
        ui.centered_and_justified(|ui| ui.spinner());
        return;
    };
    let prepared = match &view.prepared {
        Ok(p) => p.clone(),
        Err(e) => {
            ui.centered_and_justified(|ui| {
                ui.label(RichText::new(format!("No dataset to draw: {e}")).color(theme::ERROR))
            });
            return;
        }
    };
    let options = axis_options(&prepared);
    let (mut xa, mut ya) = chosen_axes(app, &prepared);
    ui.horizontal(|ui| {
        axis_combo(ui, "x axis", &options, &mut xa);
        axis_combo(ui, "y axis", &options, &mut ya);
        let n = prepared.dataset.n_rows();
        if prepared.drawn_rows.len() < n {
            ui.label(
                RichText::new(format!(
                    "showing a random {} of {} rows",
                    prepared.drawn_rows.len(),
                    n
                ))
                .weak(),
            );
        }
        ui.label(RichText::new("● train  ○ test").weak())
            .on_hover_text("Filled dots are training rows, rings are held-out test rows");
    });
    app.settings.view.x_feature = Some(options[xa].clone());
    app.settings.view.y_feature = Some(options[ya].clone());

    let series = build_series(&prepared, xa, ya);
    let (x_name, y_name) = (options[xa].clone(), options[ya].clone());
    crate::ui::plot(ui, "scatter")
        .legend(Legend::default())
        .x_axis_label(x_name.clone())
        .y_axis_label(y_name.clone())
        .label_formatter(move |pos| match pos {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{x_name} = {}\n{y_name} = {}",
                fmt_num(position.x),
                fmt_num(position.y)
            )),
            egui_plot::HoverPosition::Elsewhere { position } => {
                Some(format!("{} , {}", fmt_num(position.x), fmt_num(position.y)))
            }
        })
        .show(ui, |plot_ui| {
            for s in series {
                let points = Points::new(s.name.clone(), PlotPoints::from(s.points))
                    .color(s.color)
                    .radius(if s.test { 3.5 } else { 3.0 })
                    .filled(!s.test)
                    .shape(MarkerShape::Circle);
                plot_ui.points(points);
            }
        });
}

fn axis_combo(ui: &mut egui::Ui, label: &str, options: &[String], selected: &mut usize) {
    egui::ComboBox::from_label(label)
        .selected_text(options[*selected].as_str())
        .show_ui(ui, |ui| {
            egui::ScrollArea::vertical().max_height(300.0).show_rows(
                ui,
                18.0,
                options.len(),
                |ui, range| {
                    for i in range {
                        ui.selectable_value(selected, i, options[i].as_str());
                    }
                },
            );
        });
}

/// One group of points drawn in one colour.
pub struct Series {
    pub name: String,
    pub color: egui::Color32,
    pub test: bool,
    pub points: Vec<[f64; 2]>,
}

/// Group the drawn rows by class (or by tenth of the target's range) and by train / test.
pub fn build_series(p: &Prepared, xa: usize, ya: usize) -> Vec<Series> {
    let ds = &p.dataset;
    type GroupOf<'a> = Box<dyn Fn(usize) -> usize + 'a>;
    let (n_groups, group_of, names): (usize, GroupOf, Vec<String>) = match &ds.target {
        Target::Classes { y, names } => (names.len(), Box::new(move |i| y[i]), names.clone()),
        Target::Values(v) => {
            const BINS: usize = 8;
            let (lo, hi) = v
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                });
            let width = if hi > lo {
                (hi - lo) / BINS as f64
            } else {
                1.0
            };
            let names = (0..BINS)
                .map(|b| {
                    format!(
                        "{} {}–{}",
                        ds.target_name,
                        fmt_num(lo + width * b as f64),
                        fmt_num(lo + width * (b + 1) as f64)
                    )
                })
                .collect();
            (
                BINS,
                Box::new(move |i| (((v[i] - lo) / width) as usize).min(BINS - 1)),
                names,
            )
        }
    };
    let is_classes = matches!(ds.target, Target::Classes { .. });
    let mut out: Vec<Series> = (0..2 * n_groups)
        .map(|k| {
            let g = k % n_groups;
            let test = k >= n_groups;
            Series {
                name: if test {
                    format!("{} (test)", names[g])
                } else {
                    names[g].clone()
                },
                color: if is_classes {
                    theme::class_color(g)
                } else {
                    theme::ramp(g as f64 / (n_groups - 1).max(1) as f64)
                },
                test,
                points: Vec::new(),
            }
        })
        .collect();
    for &i in &p.drawn_rows {
        let k = group_of(i) + if p.is_test(i) { n_groups } else { 0 };
        out[k]
            .points
            .push([axis_value(p, xa, i), axis_value(p, ya, i)]);
    }
    out.retain(|s| !s.points.is_empty());
    out
}

/// The axes as feature indices (for model views, whose plane is always two features).
pub fn chosen_feature_axes(app: &RidgelineApp, p: &Prepared) -> (usize, usize) {
    feature_axes_of(&app.settings.view, p)
}

/// Combo boxes choosing the two features of a model view's plane.
pub fn feature_axis_combos(ui: &mut egui::Ui, app: &mut RidgelineApp, p: &Prepared) {
    let names = &p.dataset.feature_names;
    let (mut xa, mut ya) = chosen_feature_axes(app, p);
    axis_combo(ui, "x axis", names, &mut xa);
    axis_combo(ui, "y axis", names, &mut ya);
    app.settings.view.x_feature = Some(names[xa].clone());
    app.settings.view.y_feature = Some(names[ya].clone());
}

/// The feature indices the view settings name (for model updates, computed off the UI).
pub fn feature_axes_of(view: &crate::app::ViewSettings, p: &Prepared) -> (usize, usize) {
    let names = &p.dataset.feature_names;
    let find = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| names.iter().position(|o| o == n))
    };
    let x = find(&view.x_feature).unwrap_or(0);
    let y = find(&view.y_feature).unwrap_or(if names.len() > 1 {
        usize::from(x == 0)
    } else {
        0
    });
    (x, y)
}
