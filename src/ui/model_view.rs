//! The model views: decision boundary (classifiers), regression diagnostics (elastic net) and
//! principal axes (PCA), each with its metrics. They draw the worker's [`ModelView`] only.

use egui::{Color32, RichText};
use egui_plot::{
    Bar, BarChart, Legend, Line, LineStyle, MarkerShape, PlotImage, PlotPoint, PlotPoints, Points,
};

use crate::analysis::live::{LiveResult, MapKind, Scores};
use crate::app::{ModelView, Prepared, RidgelineApp};
use crate::data::Target;
use crate::estimators::Fitted;
use crate::ui::scatter::build_series;
use crate::ui::{fmt_num, theme};

pub fn model_ui(ui: &mut egui::Ui, app: &mut RidgelineApp) {
    let current = match app.rt.data.as_ref().map(|d| &d.prepared) {
        Some(Ok(p)) => p.clone(),
        Some(Err(e)) => {
            ui.label(RichText::new(format!("No dataset to fit: {e}")).color(theme::ERROR));
            return;
        }
        None => {
            ui.centered_and_justified(|ui| ui.spinner());
            return;
        }
    };
    ui.horizontal(|ui| {
        // A regression's views are about every feature: no plane to choose.
        if app.settings.model.spec.kind != crate::estimators::ModelKind::ElasticNet {
            crate::ui::scatter::feature_axis_combos(ui, app, &current);
        }
        if app.model_busy() {
            ui.spinner()
                .on_hover_text("Computing; the last result stays on screen");
        }
        if app.rt.model.as_ref().is_some_and(|v| v.coarse) {
            ui.label(RichText::new("coarse while dragging").weak());
        }
    });
    if let Some(err) = &app.rt.model_error {
        ui.label(RichText::new(err).color(theme::ERROR));
    }
    let Some(view) = &app.rt.model else {
        if app.model_busy() {
            ui.centered_and_justified(|ui| ui.spinner());
        }
        return;
    };
    let texture = app.rt.map_texture.as_ref().map(|t| t.id());
    let p = &view.prepared;
    let (xa, ya) = view.axes;
    match &view.result.fitted {
        Fitted::Svm(_) | Fitted::Logistic(_) => boundary_ui(ui, p, view, texture, xa, ya),
        Fitted::ElasticNet(_) => regression_ui(ui, p, &view.result),
        Fitted::Pca(_) => pca_ui(ui, p, &view.result, xa, ya),
    }
}

/// Metrics of the last model update, for the side panel.
pub fn metrics_panel_ui(ui: &mut egui::Ui, app: &RidgelineApp) {
    if let Some(view) = &app.rt.model {
        metrics_ui(ui, &view.prepared, view);
    }
}

fn boundary_ui(
    ui: &mut egui::Ui,
    p: &Prepared,
    view: &ModelView,
    texture: Option<egui::TextureId>,
    xa: usize,
    ya: usize,
) {
    let result = &view.result;
    let names = &p.dataset.feature_names;
    let series = build_series(p, xa, ya);
    let support: Vec<[f64; 2]> = result
        .support_rows
        .iter()
        .map(|&i| [p.dataset.x[[i, xa]], p.dataset.x[[i, ya]]])
        .collect();
    crate::ui::plot(ui, "boundary")
        .legend(Legend::default())
        .x_axis_label(names[xa].clone())
        .y_axis_label(names[ya].clone())
        .show(ui, |plot_ui| {
            if let (Some(map), Some(tex)) = (&result.map, texture) {
                let s = &map.spec;
                let (dx, dy) = (
                    (s.x_range.1 - s.x_range.0) / (s.nx - 1) as f64,
                    (s.y_range.1 - s.y_range.0) / (s.ny - 1) as f64,
                );
                let centre = PlotPoint::new(
                    0.5 * (s.x_range.0 + s.x_range.1),
                    0.5 * (s.y_range.0 + s.y_range.1),
                );
                let size = egui::vec2(
                    ((s.x_range.1 - s.x_range.0) + dx) as f32,
                    ((s.y_range.1 - s.y_range.0) + dy) as f32,
                );
                plot_ui.image(PlotImage::new("decision map", tex, centre, size));
            }
            for (k, line) in view.boundary.iter().enumerate() {
                plot_ui.line(
                    Line::new(
                        if k == 0 { "decision boundary" } else { "" },
                        PlotPoints::from(line.clone()),
                    )
                    .color(theme::BOUNDARY)
                    .width(2.0),
                );
            }
            for (k, line) in view.margins.iter().enumerate() {
                plot_ui.line(
                    Line::new(
                        if k == 0 { "margins f(x) = ±1" } else { "" },
                        PlotPoints::from(line.clone()),
                    )
                    .color(theme::MARGIN)
                    .style(LineStyle::dashed_loose())
                    .width(1.0),
                );
            }
            for s in series {
                plot_ui.points(
                    Points::new(s.name.clone(), PlotPoints::from(s.points))
                        .color(s.color)
                        .radius(3.0)
                        .filled(!s.test)
                        .shape(MarkerShape::Circle),
                );
            }
            if !support.is_empty() {
                plot_ui.points(
                    Points::new(
                        format!("support vectors ({})", support.len()),
                        PlotPoints::from(support),
                    )
                    .color(theme::SUPPORT_RING)
                    .radius(6.0)
                    .filled(false)
                    .shape(MarkerShape::Circle),
                );
            }
        });
}

fn regression_ui(ui: &mut egui::Ui, p: &Prepared, result: &LiveResult) {
    let Some(pred) = &result.predictions else {
        return;
    };
    let Target::Values(y) = &p.dataset.target else {
        return;
    };
    let Fitted::ElasticNet(model) = &result.fitted else {
        return;
    };
    let mut train_pts = Vec::new();
    let mut test_pts = Vec::new();
    let mut train_res = Vec::new();
    let mut test_res = Vec::new();
    for &i in &p.drawn_rows {
        let (pt, res) = ([y[i], pred[i]], [pred[i], y[i] - pred[i]]);
        if p.is_test(i) {
            test_pts.push(pt);
            test_res.push(res);
        } else {
            train_pts.push(pt);
            train_res.push(res);
        }
    }
    let (lo, hi) = y
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let height = ui.available_height();
    ui.columns(2, |cols| {
        cols[0].label("Predicted against actual");
        crate::ui::plot(&cols[0], "pred_vs_actual")
            .height(height * 0.55)
            .legend(Legend::default())
            .x_axis_label("actual")
            .y_axis_label("predicted")
            .data_aspect(1.0)
            .show(&mut cols[0], |plot_ui| {
                plot_ui.line(
                    Line::new("y = ŷ", PlotPoints::from(vec![[lo, lo], [hi, hi]]))
                        .color(theme::MARGIN)
                        .style(LineStyle::dashed_loose()),
                );
                plot_ui.points(
                    Points::new("train", PlotPoints::from(train_pts))
                        .color(theme::class_color(0))
                        .radius(2.5),
                );
                plot_ui.points(
                    Points::new("test", PlotPoints::from(test_pts))
                        .color(theme::class_color(1))
                        .radius(3.0)
                        .filled(false),
                );
            });
        cols[1].label("Residuals y − ŷ against ŷ");
        crate::ui::plot(&cols[1], "residuals")
            .height(height * 0.55)
            .legend(Legend::default())
            .x_axis_label("predicted")
            .y_axis_label("residual")
            .show(&mut cols[1], |plot_ui| {
                plot_ui.hline(egui_plot::HLine::new("0", 0.0).color(theme::MARGIN));
                plot_ui.points(
                    Points::new("train", PlotPoints::from(train_res))
                        .color(theme::class_color(0))
                        .radius(2.5),
                );
                plot_ui.points(
                    Points::new("test", PlotPoints::from(test_res))
                        .color(theme::class_color(1))
                        .radius(3.0)
                        .filled(false),
                );
            });
    });
    ui.label(format!(
        "Coefficients ({} of {} non-zero) — in the {} space the model was fitted in",
        model.n_nonzero(),
        model.coef().len(),
        if result.scaler.std.iter().all(|&s| s == 1.0)
            && result.scaler.mean.iter().all(|&m| m == 0.0)
        {
            "raw"
        } else {
            "standardised"
        }
    ));
    let names: Vec<String> = result
        .features
        .iter()
        .map(|&f| p.dataset.feature_names[f].clone())
        .collect();
    let bars: Vec<Bar> = model
        .coef()
        .iter()
        .enumerate()
        .map(|(k, &w)| {
            Bar::new(k as f64, w).name(&names[k]).fill(if w == 0.0 {
                Color32::GRAY
            } else {
                theme::class_color(0)
            })
        })
        .collect();
    // Horizontal bars, one named grid line per feature.
    crate::ui::plot(ui, "coefficients")
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
        .y_axis_formatter(move |mark, _| {
            let k = mark.value.round();
            if (mark.value - k).abs() < 1e-6 && k >= 0.0 {
                names.get(k as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_axis_label("w")
        .show(ui, |plot_ui| {
            plot_ui.bar_chart(BarChart::new("coefficients", bars).width(0.7).horizontal());
        });
}

fn pca_ui(ui: &mut egui::Ui, p: &Prepared, result: &LiveResult, xa: usize, ya: usize) {
    let Fitted::Pca(model) = &result.fitted else {
        return;
    };
    let Some(z) = &result.projection else { return };
    let names = &p.dataset.feature_names;
    let height = ui.available_height();
    ui.columns(2, |cols| {
        cols[0].label("Principal axes over the data (half-length √λᵢ)");
        let series = build_series(p, xa, ya);
        crate::ui::plot(&cols[0], "pca_axes")
            .height(height * 0.55)
            .legend(Legend::default())
            .data_aspect(1.0)
            .x_axis_label(names[xa].clone())
            .y_axis_label(names[ya].clone())
            .show(&mut cols[0], |plot_ui| {
                for s in series {
                    plot_ui.points(
                        Points::new(s.name.clone(), PlotPoints::from(s.points))
                            .color(s.color)
                            .radius(2.5)
                            .filled(!s.test),
                    );
                }
                for (k, seg) in result.axis_segments.iter().enumerate() {
                    plot_ui.line(
                        Line::new(
                            format!("PC{}", k + 1),
                            PlotPoints::from(vec![seg.from, seg.to]),
                        )
                        .color(if k == 0 {
                            theme::BOUNDARY
                        } else {
                            theme::MARGIN
                        })
                        .width(if k == 0 { 3.0 } else { 2.0 }),
                    );
                }
            });
        cols[1].label("Projection z = (x − μ)V");
        let k = z.ncols();
        let mut groups: Vec<(String, Color32, Vec<[f64; 2]>)> = Vec::new();
        match &p.dataset.target {
            Target::Classes { y, names } => {
                for (c, name) in names.iter().enumerate() {
                    let pts = p
                        .drawn_rows
                        .iter()
                        .filter(|&&i| y[i] == c)
                        .map(|&i| [z[[i, 0]], if k > 1 { z[[i, 1]] } else { 0.0 }])
                        .collect();
                    groups.push((name.clone(), theme::class_color(c), pts));
                }
            }
            Target::Values(_) => {
                let pts = p
                    .drawn_rows
                    .iter()
                    .map(|&i| [z[[i, 0]], if k > 1 { z[[i, 1]] } else { 0.0 }])
                    .collect();
                groups.push(("rows".into(), theme::class_color(0), pts));
            }
        }
        crate::ui::plot(&cols[1], "pca_projection")
            .height(height * 0.55)
            .legend(Legend::default())
            .x_axis_label("z₁")
            .y_axis_label(if k > 1 { "z₂" } else { "" })
            .show(&mut cols[1], |plot_ui| {
                for (name, color, pts) in groups {
                    plot_ui.points(
                        Points::new(name, PlotPoints::from(pts))
                            .color(color)
                            .radius(2.5),
                    );
                }
            });
    });
    ui.columns(2, |cols| {
        cols[0].label("Scree: share of the total variance, and cumulative");
        let ratio = model.explained_variance_ratio();
        let bars: Vec<Bar> = ratio
            .iter()
            .enumerate()
            .map(|(k, &r)| Bar::new((k + 1) as f64, r).name(format!("PC{}", k + 1)))
            .collect();
        let mut cum = 0.0;
        let cumulative: Vec<[f64; 2]> = ratio
            .iter()
            .enumerate()
            .map(|(k, &r)| {
                cum += r;
                [(k + 1) as f64, cum]
            })
            .collect();
        crate::ui::plot(&cols[0], "scree")
            .legend(Legend::default())
            .include_y(0.0)
            .include_y(1.0)
            .show(&mut cols[0], |plot_ui| {
                plot_ui.bar_chart(
                    BarChart::new("explained variance ratio", bars)
                        .width(0.6)
                        .color(theme::class_color(0)),
                );
                plot_ui.line(
                    Line::new("cumulative", PlotPoints::from(cumulative))
                        .color(theme::class_color(1))
                        .width(2.0),
                );
            });
        cols[1].label("Covariance of z (training rows): diagonal, λᵢ on the diagonal");
        if let Some(cov) = &result.z_covariance {
            egui::Grid::new("z_cov")
                .striped(true)
                .show(&mut cols[1], |ui| {
                    for r in 0..cov.nrows() {
                        for c in 0..cov.ncols() {
                            let v = cov[[r, c]];
                            let text = if r == c {
                                RichText::new(fmt_num(v)).strong()
                            } else {
                                RichText::new(fmt_num(if v.abs() < 1e-12 { 0.0 } else { v })).weak()
                            };
                            ui.label(text);
                        }
                        ui.end_row();
                    }
                });
        }
    });
}

fn metrics_ui(ui: &mut egui::Ui, p: &Prepared, view: &ModelView) {
    let r = &view.result;
    ui.heading("Metrics");
    let scores = |ui: &mut egui::Ui, name: &str, s: &Scores| {
        ui.strong(format!("{name} ({} rows)", s.n));
        if let Some(a) = s.accuracy {
            ui.label(format!("accuracy {:.3}", a));
        }
        if let Some(l) = s.log_loss {
            ui.label(format!("log-loss {:.4}", l)).on_hover_text(
                "Mean cross-entropy −(1/n) Σ log p(yᵢ | xᵢ): what maximum likelihood minimises",
            );
        }
        if let Some(v) = s.r2 {
            ui.label(format!("R² {:.4}", v))
                .on_hover_text("1 − Σ(y − ŷ)² / Σ(y − ȳ)²");
        }
        if let Some(v) = s.mse {
            ui.label(format!("MSE {}", fmt_num(v)))
                .on_hover_text("(1/n) Σ (y − ŷ)² = bias² + variance + noise, in expectation");
        }
    };
    scores(ui, "train", &r.train);
    if let Some(t) = &r.test {
        scores(ui, "test", t);
    } else {
        ui.label(RichText::new("no test rows (test share 0)").weak());
    }
    let confusion = r
        .test
        .as_ref()
        .and_then(|t| t.confusion.as_ref())
        .or(r.train.confusion.as_ref());
    if let Some(m) = confusion {
        ui.separator();
        ui.strong(if r.test.is_some() {
            "Confusion (test): rows true, columns predicted"
        } else {
            "Confusion (train)"
        });
        let names = p.dataset.target.class_names();
        egui::Grid::new("confusion").striped(true).show(ui, |ui| {
            ui.label("");
            for n in names {
                ui.label(RichText::new(n).small());
            }
            ui.end_row();
            for (i, n) in names.iter().enumerate() {
                ui.label(RichText::new(n).small());
                for j in 0..names.len() {
                    let v = m[[i, j]];
                    ui.label(if i == j {
                        RichText::new(v.to_string()).strong()
                    } else {
                        RichText::new(v.to_string())
                    });
                }
                ui.end_row();
            }
        });
    }
    ui.separator();
    match &r.fitted {
        Fitted::Svm(m) => {
            let fitted_rows = r.subsampled.map_or(p.split.train.len(), |(used, _)| used);
            if let Some((used, total)) = r.subsampled {
                ui.label(
                    RichText::new(format!(
                        "fitted on a random {used} of {total} training rows"
                    ))
                    .color(theme::WARNING),
                )
                .on_hover_text(
                    "The SVM's kernel matrix grows as n²: the live view fits a seeded sample. \
                     `ridgeline fit` uses every row (up to 10,000).",
                );
            }
            ui.label(format!(
                "support vectors {} of {}",
                m.n_support(),
                fitted_rows
            ))
            .on_hover_text(
                "Training points with αᵢ > 0: only they enter f(x) = Σ αᵢ yᵢ k(xᵢ, x) − ρ",
            );
            ui.label(format!("γ used {}", fmt_num(m.gamma())));
            ui.label(format!("iterations {}", m.n_iter()));
        }
        Fitted::Logistic(m) => {
            ui.label(format!(
                "{} (‖∇‖ = {})",
                if m.converged() {
                    "converged"
                } else {
                    "not converged: raise max_iter"
                },
                fmt_num(m.grad_norm())
            ))
            .on_hover_text("Norm of the objective's gradient at the fitted weights");
            ui.label(format!(
                "classes {} ({})",
                m.n_classes(),
                if m.n_classes() == 2 {
                    "sigmoid"
                } else {
                    "softmax"
                }
            ));
        }
        Fitted::ElasticNet(m) => {
            ui.label(format!(
                "non-zero coefficients {} of {}",
                m.n_nonzero(),
                m.coef().len()
            ));
            ui.label(format!("intercept {}", fmt_num(m.intercept())));
            ui.label(format!("iterations {}", m.n_iter()));
            ui.label(format!("duality gap {}", fmt_num(m.duality_gap())));
        }
        Fitted::Pca(m) => {
            for (k, (l, q)) in m
                .explained_variance()
                .iter()
                .zip(m.explained_variance_ratio().iter())
                .enumerate()
            {
                ui.label(format!(
                    "PC{}: λ = {}, {:.1} % of the variance",
                    k + 1,
                    fmt_num(*l),
                    100.0 * q
                ));
            }
        }
    }
    ui.label(format!("fit {:.1} ms, map {:.1} ms", r.fit_ms, r.grid_ms))
        .on_hover_text("Measured on the worker thread");
    if let Some(MapKind::Decision) = r.map.as_ref().map(|m| m.kind) {
        ui.label(
            RichText::new("shading: decision value f(x); white line f = 0, dashed f = ±1").weak(),
        );
    } else if r.map.is_some() {
        ui.label(RichText::new("shading: class probability; white line p = ½").weak());
    }
}
