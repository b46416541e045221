//! The figures of the views, built from the computed results. Plain functions: no egui.

use crate::analysis::live::LiveResult;
use crate::data::Target;
use crate::estimators::Fitted;
use crate::state::{ModelView, Prepared};

use super::{Axis, Bar, Bars, Figure, Item, Line, Markers, Rule, Tone};

/// Format a number compactly for labels and tables.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let a = x.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        format!("{x:.3e}")
    } else {
        let s = format!("{x:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.to_string() }
    }
}

/// Value of scatter axis `axis` (a feature, or past the features the numeric target) at row `i`.
fn axis_value(p: &Prepared, axis: usize, i: usize) -> f64 {
    if axis < p.dataset.n_features() {
        p.dataset.x[[i, axis]]
    } else {
        p.dataset.target.as_f64(i)
    }
}

/// The drawn rows as markers, grouped by class (or by eighth of the target's range) and by
/// train / test: training rows filled (of `radius`), test rows as rings (of `test_radius`).
pub fn data_markers(
    p: &Prepared,
    xa: usize,
    ya: usize,
    radius: f32,
    test_radius: f32,
) -> Vec<Markers> {
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
                        "{} {} to {}",
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
    let mut out: Vec<Markers> = (0..2 * n_groups)
        .map(|k| {
            let g = k % n_groups;
            let test = k >= n_groups;
            Markers {
                name: if test {
                    format!("{} (test)", names[g])
                } else {
                    names[g].clone()
                },
                tone: if is_classes {
                    Tone::Class(g)
                } else {
                    Tone::Ramp(g as f64 / (n_groups - 1).max(1) as f64)
                },
                radius: if test { test_radius } else { radius },
                filled: !test,
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

/// Two columns against each other (the scatter view).
pub fn scatter_figure(p: &Prepared, xa: usize, ya: usize) -> Figure {
    let options = p.axis_options();
    let mut fig = Figure::new(
        "scatter",
        "",
        Axis::new(options[xa].clone()),
        Axis::new(options[ya].clone()),
    );
    for m in data_markers(p, xa, ya, 3.0, 3.5) {
        fig.push(Item::Markers(m));
    }
    fig
}

/// The classifier's plane: decision boundary, margins, the data and the support vectors. The
/// decision map's shading is drawn underneath by the view (it is an image, not a series).
/// A decision boundary (solid) and the margins f(x) = ±1 (dashed), each named once.
fn boundary_items<'a>(
    boundary: &'a [crate::analysis::live::Polyline],
    margins: &'a [crate::analysis::live::Polyline],
) -> impl Iterator<Item = Item> + 'a {
    let lines = |set: &'a [crate::analysis::live::Polyline], name: &'static str, margin: bool| {
        set.iter().enumerate().map(move |(k, line)| {
            Item::Line(Line {
                name: if k == 0 { name } else { "" }.into(),
                points: line.clone(),
                tone: if margin { Tone::Margin } else { Tone::Boundary },
                width: if margin { 1.0 } else { 2.0 },
                dashed: margin,
            })
        })
    };
    lines(boundary, "decision boundary", false).chain(lines(margins, "margins f(x) = ±1", true))
}

pub fn boundary_figure(view: &ModelView) -> Figure {
    let p = &view.prepared;
    let (xa, ya) = view.axes;
    let r = &view.result;
    let names = &p.dataset.feature_names;
    let mut fig = Figure::new(
        "boundary",
        "",
        Axis::new(names[xa].clone()),
        Axis::new(names[ya].clone()),
    );
    fig.items.extend(boundary_items(&r.boundary, &r.margins));
    for m in data_markers(p, xa, ya, 3.0, 3.0) {
        fig.push(Item::Markers(m));
    }
    if !r.support_rows.is_empty() {
        // Rings small enough that hundreds of them leave the map readable.
        let radius = match r.support_rows.len() {
            0..=100 => 6.0,
            101..=400 => 4.5,
            _ => 3.5,
        };
        fig.push(Item::Markers(Markers {
            name: format!("support vectors ({})", r.support_rows.len()),
            points: r
                .support_rows
                .iter()
                .map(|&i| [p.dataset.x[[i, xa]], p.dataset.x[[i, ya]]])
                .collect(),
            tone: Tone::Support,
            radius,
            filled: false,
        }));
    }
    fig
}

/// Regression diagnostics: predicted against actual, and residuals against predicted.
pub fn regression_figures(p: &Prepared, result: &LiveResult) -> Option<(Figure, Figure)> {
    let pred = result.predictions.as_ref()?;
    let Target::Values(y) = &p.dataset.target else {
        return None;
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
    let train_test = |train: Vec<[f64; 2]>, test: Vec<[f64; 2]>| {
        [
            Item::Markers(Markers {
                name: "train".into(),
                points: train,
                tone: Tone::Class(0),
                radius: 2.5,
                filled: true,
            }),
            Item::Markers(Markers {
                name: "test".into(),
                points: test,
                tone: Tone::Class(1),
                radius: 3.0,
                filled: false,
            }),
        ]
    };
    let mut fitted = Figure::new(
        "pred_vs_actual",
        "Predicted against actual",
        Axis::new("actual"),
        Axis::new("predicted"),
    )
    .with(Item::Line(Line {
        name: "y = ŷ".into(),
        points: vec![[lo, lo], [hi, hi]],
        tone: Tone::Margin,
        width: 1.0,
        dashed: true,
    }));
    fitted.equal_aspect = true;
    fitted.items.extend(train_test(train_pts, test_pts));
    let mut residuals = Figure::new(
        "residuals",
        "Residuals y − ŷ against ŷ",
        Axis::new("predicted"),
        Axis::new("residual"),
    )
    .with(Item::Rule(Rule {
        name: "0".into(),
        value: 0.0,
        vertical: false,
        tone: Tone::Margin,
        dashed: false,
    }));
    residuals.items.extend(train_test(train_res, test_res));
    Some((fitted, residuals))
}

/// The elastic net's coefficients as horizontal bars, one named row per feature.
pub fn coefficient_figure(p: &Prepared, result: &LiveResult) -> Option<Figure> {
    let Fitted::ElasticNet(model) = &result.fitted else {
        return None;
    };
    let names: Vec<String> = result
        .features
        .iter()
        .map(|&f| p.dataset.feature_names[f].clone())
        .collect();
    let bars = model
        .coef()
        .iter()
        .enumerate()
        .map(|(k, &w)| Bar {
            at: k as f64,
            value: w,
            label: names[k].clone(),
            tone: if w == 0.0 {
                Tone::Muted
            } else {
                Tone::Class(0)
            },
        })
        .collect();
    let mut y = Axis::new("");
    y.categories = Some(names);
    let mut fig = Figure::new("coefficients", "", Axis::new("w"), y).with(Item::Bars(Bars {
        name: "coefficients".into(),
        bars,
        horizontal: true,
        width: 0.7,
    }));
    fig.legend = false;
    Some(fig)
}

/// PCA: the principal axes over the data (half-length √λᵢ) and the projection z = (x − μ)V.
pub fn pca_figures(view: &ModelView) -> Option<(Figure, Figure)> {
    let p = &view.prepared;
    let r = &view.result;
    let z = r.projection.as_ref()?;
    let (xa, ya) = view.axes;
    let names = &p.dataset.feature_names;
    // Drawn in the space PCA was fitted in: standardised features, when they were (in raw
    // units a wide-ranged column squeezes the others into a strip, and the axes with them).
    let position = |f: usize| r.features.iter().position(|&g| g == f);
    let standardised =
        !(r.scaler.std.iter().all(|&s| s == 1.0) && r.scaler.mean.iter().all(|&m| m == 0.0));
    let to_fitted = |f: usize, v: f64| match position(f) {
        Some(k) if standardised => (v - r.scaler.mean[k]) / r.scaler.std[k],
        _ => v,
    };
    let label = |f: usize| {
        if standardised && position(f).is_some() {
            format!("{} (z-score)", names[f])
        } else {
            names[f].clone()
        }
    };
    let mut axes = Figure::new(
        "pca_axes",
        if standardised {
            "Principal axes over the standardised data (half-length √λᵢ)"
        } else {
            "Principal axes over the data (half-length √λᵢ)"
        },
        Axis::new(label(xa)),
        Axis::new(label(ya)),
    );
    axes.equal_aspect = true;
    for mut m in data_markers(p, xa, ya, 2.5, 2.5) {
        for pt in &mut m.points {
            *pt = [to_fitted(xa, pt[0]), to_fitted(ya, pt[1])];
        }
        axes.push(Item::Markers(m));
    }
    for (k, seg) in r.axis_segments.iter().enumerate() {
        axes.push(Item::Line(Line {
            name: format!("PC{}", k + 1),
            points: vec![
                [to_fitted(xa, seg.from[0]), to_fitted(ya, seg.from[1])],
                [to_fitted(xa, seg.to[0]), to_fitted(ya, seg.to[1])],
            ],
            tone: if k == 0 { Tone::Boundary } else { Tone::Margin },
            width: if k == 0 { 3.0 } else { 2.0 },
            dashed: false,
        }));
    }
    let k = z.ncols();
    let at = |i: usize| [z[[i, 0]], if k > 1 { z[[i, 1]] } else { 0.0 }];
    let whitened = view.spec.pca.whiten;
    let mut projection = Figure::new(
        "pca_projection",
        if whitened {
            "Whitened projection zᵢ/√λᵢ: unit variance in every component"
        } else {
            "Projection z = (x − μ)V"
        },
        Axis::new("z₁"),
        Axis::new(if k > 1 { "z₂" } else { "" }),
    );
    match &p.dataset.target {
        Target::Classes { y, names } => {
            for (c, name) in names.iter().enumerate() {
                projection.push(Item::Markers(Markers {
                    name: name.clone(),
                    points: p
                        .drawn_rows
                        .iter()
                        .filter(|&&i| y[i] == c)
                        .map(|&i| at(i))
                        .collect(),
                    tone: Tone::Class(c),
                    radius: 2.5,
                    filled: true,
                }));
            }
        }
        Target::Values(_) => projection.push(Item::Markers(Markers {
            name: "rows".into(),
            points: p.drawn_rows.iter().map(|&i| at(i)).collect(),
            tone: Tone::Class(0),
            radius: 2.5,
            filled: true,
        })),
    }
    Some((axes, projection))
}

/// The scree plot: each component's share of the total variance, and the cumulative share.
pub fn scree_figure(ratio: &[f64]) -> Figure {
    let mut y = Axis::new("share of the variance");
    y.include = vec![0.0, 1.0];
    let mut x = Axis::new("component");
    // Position k is PCk (position 0 is unused).
    x.categories = Some(
        std::iter::once(String::new())
            .chain((1..=ratio.len()).map(|k| format!("PC{k}")))
            .collect(),
    );
    let mut cum = 0.0;
    let cumulative = ratio
        .iter()
        .enumerate()
        .map(|(k, &r)| {
            cum += r;
            [(k + 1) as f64, cum]
        })
        .collect();
    Figure::new(
        "scree",
        "Scree: share of the total variance, and cumulative",
        x,
        y,
    )
    .with(Item::Bars(Bars {
        name: "explained variance ratio".into(),
        bars: ratio
            .iter()
            .enumerate()
            .map(|(k, &r)| Bar {
                at: (k + 1) as f64,
                value: r,
                label: format!("PC{}", k + 1),
                tone: Tone::Class(0),
            })
            .collect(),
        horizontal: false,
        width: 0.6,
    }))
    .with(Item::Line(Line {
        name: "cumulative".into(),
        points: cumulative,
        tone: Tone::Class(1),
        width: 2.0,
        dashed: false,
    }))
}

/// The loss view's figures: the training objective per iteration; beside it the held-out loss
/// (logistic, elastic net) or the KKT gap (SVM), each on its own axis since the scales differ.
pub fn loss_figures(curve: &crate::analysis::loss::LossCurve, log_y: bool) -> Vec<Figure> {
    let xs = &curve.iterations;
    let line = |name: &str, ys: &[f64], tone: Tone| {
        Item::Line(Line {
            name: name.into(),
            points: xs.iter().zip(ys).map(|(&x, &y)| [x, y]).collect(),
            tone,
            width: 2.0,
            dashed: false,
        })
    };
    let mut y = Axis::new(curve.objective_name.clone());
    y.log = log_y;
    let mut out = vec![
        Figure::new(
            "loss_train",
            "Training objective",
            Axis::new(curve.what.clone()),
            y,
        )
        .with(line("training objective", &curve.train, Tone::Class(0))),
    ];
    if let Some(held) = &curve.held_out {
        let name = curve
            .held_out_name
            .clone()
            .unwrap_or_else(|| "held-out loss".into());
        let mut y = Axis::new(name.clone());
        y.log = log_y;
        out.push(
            Figure::new(
                "loss_held_out",
                "Held-out loss",
                Axis::new(curve.what.clone()),
                y,
            )
            .with(line(&name, held, Tone::Class(1))),
        );
    }
    if let Some(gap) = &curve.gap {
        // The gap spans orders of magnitude and is positive: always on a log scale.
        let mut y = Axis::new("m(α) − M(α)");
        y.log = true;
        out.push(
            Figure::new(
                "loss_gap",
                "KKT gap (the solver stops below tol)",
                Axis::new(curve.what.clone()),
                y,
            )
            .with(line("KKT gap", gap, Tone::Class(1))),
        );
    }
    out
}

/// The path view's figures, all against α on a log scale, with the current α, the best α and
/// the one-standard-error α as vertical rules: the non-zero count, the coefficients of output
/// `output` (one line per feature), and the cross-validated error with its 95 % band.
pub struct PathFigures {
    pub nonzero: Figure,
    pub coefs: Figure,
    pub cv: Option<Figure>,
}

pub fn path_figures(
    r: &crate::analysis::path::PathResult,
    alpha_now: f64,
    output: usize,
) -> PathFigures {
    let alpha_axis = || {
        let mut a = Axis::new("α");
        a.log = true;
        a
    };
    let done = r.coefs.len();
    let alphas = &r.alphas[..done.min(r.alphas.len())];
    let cv = r.cv.as_ref();
    let rules = |fig: &mut Figure| {
        if let Some(a) = cv.and_then(|c| c.alpha_best) {
            fig.push(Item::Rule(Rule {
                name: format!("best α = {}", fmt_num(a)),
                value: a,
                vertical: true,
                tone: Tone::Class(2),
                dashed: true,
            }));
        }
        if let Some(a) = cv.and_then(|c| c.alpha_1se) {
            fig.push(Item::Rule(Rule {
                name: format!("1-SE α = {}", fmt_num(a)),
                value: a,
                vertical: true,
                tone: Tone::Class(3),
                dashed: true,
            }));
        }
        fig.push(Item::Rule(Rule {
            name: format!("α = {}", fmt_num(alpha_now)),
            value: alpha_now,
            vertical: true,
            tone: Tone::Boundary,
            dashed: false,
        }));
    };
    let mut nonzero = Figure::new(
        "path_nonzero",
        "Non-zero coefficients",
        alpha_axis(),
        Axis::new("non-zero"),
    )
    .with(Item::Line(Line {
        name: "non-zero coefficients".into(),
        points: alphas
            .iter()
            .zip(&r.n_nonzero)
            .map(|(&a, &k)| [a, k as f64])
            .collect(),
        tone: Tone::Margin,
        width: 1.5,
        dashed: false,
    }));
    nonzero.y.include = vec![0.0, r.n_features() as f64];
    nonzero.legend = false;
    rules(&mut nonzero);

    let output_name = r.outputs.get(output).cloned().unwrap_or_default();
    let mut coefs = Figure::new(
        "path_coefs",
        if r.outputs.len() > 1 {
            format!("Coefficients for {output_name}")
        } else {
            "Coefficients".into()
        },
        alpha_axis(),
        Axis::new("w (standardised features)"),
    );
    for (j, name) in r.features.iter().enumerate() {
        let points = (0..done)
            .filter_map(|i| Some([r.alphas[i], r.coef(i, output)?[j]]))
            .collect();
        coefs.push(Item::Line(Line {
            name: name.clone(),
            points,
            tone: Tone::Class(j),
            width: 1.5,
            dashed: false,
        }));
    }
    rules(&mut coefs);

    let cv_fig = cv.filter(|c| !c.mean.is_empty()).map(|c| {
        let n = c.mean.len().min(r.alphas.len());
        let mut fig = Figure::new(
            "path_cv",
            format!(
                "Cross-validated {} ({} of {} folds), mean and 95 % band",
                c.metric, c.folds_done, c.n_folds
            ),
            alpha_axis(),
            Axis::new(c.metric),
        )
        .with(Item::Band(super::Band {
            name: "95 % interval".into(),
            x: r.alphas[..n].to_vec(),
            lower: c.lo[..n].to_vec(),
            upper: c.hi[..n].to_vec(),
            tone: Tone::Class(1),
        }))
        .with(Item::Line(Line {
            name: format!("mean CV {}", c.metric),
            points: r.alphas[..n]
                .iter()
                .zip(&c.mean[..n])
                .map(|(&a, &m)| [a, m])
                .collect(),
            tone: Tone::Class(1),
            width: 2.0,
            dashed: false,
        }));
        rules(&mut fig);
        fig
    });
    PathFigures {
        nonzero,
        coefs,
        cv: cv_fig,
    }
}

/// A mean line and its 95 % band over `xs` (points with a NaN are left out of the line).
fn band_items(
    name: &str,
    xs: &[f64],
    band: &crate::analysis::folds::Band,
    tone: Tone,
) -> [Item; 2] {
    let n = xs.len().min(band.mean.len());
    [
        Item::Band(super::Band {
            name: format!("{name}, 95 % interval"),
            x: xs[..n].to_vec(),
            lower: band.lo[..n].to_vec(),
            upper: band.hi[..n].to_vec(),
            tone,
        }),
        Item::Line(Line {
            name: format!("{name} (mean of folds)"),
            points: xs[..n]
                .iter()
                .zip(&band.mean[..n])
                .map(|(&x, &y)| [x, y])
                .collect(),
            tone,
            width: 2.0,
            dashed: false,
        }),
    ]
}

fn current_rule(name: String, value: f64) -> Item {
    Item::Rule(Rule {
        name,
        value,
        vertical: true,
        tone: Tone::Boundary,
        dashed: false,
    })
}

/// Train and cross-validated score against the swept parameter, with the current value.
pub fn validation_figure(c: &crate::analysis::curves::ValidationCurve, current: f64) -> Figure {
    let mut x = Axis::new(c.param.label());
    x.log = c.param.is_log();
    let mut fig = Figure::new(
        "validation_curve",
        format!(
            "Validation curve: {} against {} ({}-fold CV)",
            c.metric,
            c.param.label(),
            c.folds
        ),
        x,
        Axis::new(c.metric),
    );
    fig.items.extend(band_items(
        "train",
        &c.values,
        &c.bands.train,
        Tone::Class(0),
    ));
    fig.items
        .extend(band_items("CV", &c.values, &c.bands.cv, Tone::Class(1)));
    fig.push(current_rule(
        format!("{} = {}", c.param.label(), fmt_num(current)),
        current,
    ));
    fig
}

/// Train and cross-validated error against the training-set size m.
pub fn learning_figure(c: &crate::analysis::curves::LearningCurve) -> Figure {
    let xs: Vec<f64> = c.sizes.iter().map(|&m| m as f64).collect();
    let mut fig = Figure::new(
        "learning_curve",
        format!(
            "Learning curve: {} against the training-set size m ({}-fold CV)",
            c.error_metric, c.folds
        ),
        Axis::new("training rows m"),
        Axis::new(c.error_metric),
    );
    fig.items.extend(band_items(
        "train",
        &xs,
        &c.bands.train_error,
        Tone::Class(0),
    ));
    fig.items
        .extend(band_items("CV", &xs, &c.bands.cv_error, Tone::Class(1)));
    fig.x.include = vec![0.0];
    fig.y.include = vec![0.0];
    fig
}

/// Bias², variance, their sum and the measured test MSE against α: the sum lies on the
/// measured MSE (MSE = bias² + variance, the noise inside the bias² when y is the truth).
pub fn bias_variance_figure(
    c: &crate::analysis::bias_variance::BiasVarianceCurve,
    alpha_now: f64,
) -> Figure {
    let mut x = Axis::new("α");
    x.log = true;
    let line = |name: &str, ys: &[f64], tone: Tone, width: f32, dashed: bool| {
        Item::Line(Line {
            name: name.into(),
            points: c.alphas.iter().zip(ys).map(|(&a, &y)| [a, y]).collect(),
            tone,
            width,
            dashed,
        })
    };
    let mut fig = Figure::new(
        "bias_variance",
        format!(
            "Bias–variance over {} bootstrap fits, {} test rows",
            c.boots, c.n_test
        ),
        x,
        Axis::new("squared error"),
    )
    .with(line("bias²", &c.bias2, Tone::Class(0), 2.0, false))
    .with(line("variance", &c.variance, Tone::Class(1), 2.0, false))
    .with(line("bias² + variance", &c.sum, Tone::Class(2), 2.0, true))
    .with(Item::Markers(Markers {
        name: "measured test MSE".into(),
        points: c.alphas.iter().zip(&c.mse).map(|(&a, &m)| [a, m]).collect(),
        tone: Tone::Class(5),
        radius: 4.0,
        filled: false,
    }));
    fig.y.include = vec![0.0];
    fig.push(current_rule(
        format!("α = {}", fmt_num(alpha_now)),
        alpha_now,
    ));
    fig
}

/// A against B: each fold's error, and each mean with its 95 % normal interval.
pub fn compare_figure(c: &crate::analysis::compare::Comparison) -> Figure {
    let k = c.a.folds.len();
    let mut x = Axis::new("");
    let mean_at = (k + 2) as f64;
    let mut names: Vec<String> = std::iter::once(String::new())
        .chain((1..=k).map(|f| format!("fold {f}")))
        .collect();
    names.push(String::new());
    names.push("mean ± 95 %".into());
    x.categories = Some(names);
    let mut fig = Figure::new(
        "compare",
        format!("{} of A and B on the same {} folds", c.error_metric, k),
        x,
        Axis::new(c.error_metric),
    );
    for (arm, name, tone, shift) in [
        (&c.a, "A (pinned)", Tone::Class(0), -0.12),
        (&c.b, "B (current)", Tone::Class(1), 0.12),
    ] {
        fig.push(Item::Markers(Markers {
            name: name.into(),
            points: arm
                .folds
                .iter()
                .enumerate()
                .map(|(f, &e)| [(f + 1) as f64 + shift, e])
                .collect(),
            tone,
            radius: 4.0,
            filled: true,
        }));
        fig.push(Item::Line(Line {
            name: name.into(),
            points: vec![
                [mean_at + shift, arm.ci95[0]],
                [mean_at + shift, arm.ci95[1]],
            ],
            tone,
            width: 3.0,
            dashed: false,
        }));
        fig.push(Item::Markers(Markers {
            name: name.into(),
            points: vec![[mean_at + shift, arm.mean]],
            tone,
            radius: 6.0,
            filled: true,
        }));
    }
    fig
}

/// The SVM path's figures against the swept parameter: support vectors (and the margin
/// width 2/‖w‖ for a linear kernel), and the error of the fit on every row with the CV error
/// and its 95 % band; the current value marked.
pub fn svm_path_figures(p: &crate::analysis::svm_path::SvmPath, current: f64) -> Vec<Figure> {
    let axis = || {
        let mut a = Axis::new(p.param.label());
        a.log = p.param.is_log();
        a
    };
    let rule = || {
        current_rule(
            format!("{} = {}", p.param.label(), fmt_num(current)),
            current,
        )
    };
    let line = |name: &str, ys: Vec<f64>, tone: Tone| {
        Item::Line(Line {
            name: name.into(),
            points: p.values.iter().zip(ys).map(|(&x, y)| [x, y]).collect(),
            tone,
            width: 2.0,
            dashed: false,
        })
    };
    let mut out = Vec::new();
    let mut sv = Figure::new(
        "svm_path_support",
        "Support vectors (fit on every training row)",
        axis(),
        Axis::new("support vectors"),
    )
    .with(line(
        "support vectors",
        p.n_support.iter().map(|&k| k as f64).collect(),
        Tone::Class(0),
    ));
    sv.y.include = vec![0.0];
    sv.push(rule());
    out.push(sv);
    if let Some(m) = &p.margin {
        let mut fig = Figure::new(
            "svm_path_margin",
            "Margin width 2/‖w‖ (linear kernel)",
            axis(),
            Axis::new("2/‖w‖"),
        )
        .with(line("margin width", m.clone(), Tone::Class(2)));
        fig.y.include = vec![0.0];
        fig.push(rule());
        out.push(fig);
    }
    let mut err = Figure::new(
        "svm_path_error",
        format!("Error: on the training rows, and {}-fold CV", p.folds),
        axis(),
        Axis::new("1 − accuracy"),
    )
    .with(line("train error", p.train_error.clone(), Tone::Class(0)));
    err.items.extend(band_items(
        "CV error",
        &p.values,
        &p.cv_error,
        Tone::Class(1),
    ));
    err.y.include = vec![0.0];
    err.push(rule());
    out.push(err);
    out
}

/// The Train view's loss per epoch: the training objective (mean loss + penalty, on every
/// training row after each epoch) and the test loss, on a log scale when `log_y`.
pub fn train_loss_figure(history: &[crate::train::EpochStats], log_y: bool) -> Figure {
    let line = |name: &str, points: Vec<[f64; 2]>, tone: Tone| {
        Item::Line(Line {
            name: name.into(),
            points,
            tone,
            width: 2.0,
            dashed: false,
        })
    };
    let mut y = Axis::new("loss");
    y.log = log_y;
    let mut fig = Figure::new("train_loss", "Loss per epoch", Axis::new("epoch"), y);
    fig.push(line(
        "training objective (loss + penalty)",
        history
            .iter()
            .map(|s| [s.epoch as f64, s.train_loss])
            .collect(),
        Tone::Class(0),
    ));
    let test: Vec<[f64; 2]> = history
        .iter()
        .filter_map(|s| s.test_loss.map(|l| [s.epoch as f64, l]))
        .collect();
    if !test.is_empty() {
        fig.push(line("test loss", test, Tone::Class(1)));
    }
    fig.legend = true;
    fig
}

/// The Train view's plane: the boundary (and ±1 margins of a linear SVM) of the run's frame
/// over the data in the plane `(xa, ya)`, or for one feature and a numeric target the fitted
/// curve over the data.
pub fn train_plane_figure(
    p: &Prepared,
    (xa, ya): (usize, usize),
    frame: &crate::train::frames::TrainFrame,
) -> Figure {
    let names = &p.dataset.feature_names;
    if let Some(curve) = &frame.curve {
        let mut fig = Figure::new(
            "train_plane",
            "",
            Axis::new(names[xa].clone()),
            Axis::new(p.dataset.target_name.clone()),
        );
        let (train, test): (Vec<usize>, Vec<usize>) =
            (0..p.dataset.n_rows()).partition(|&i| !p.is_test(i));
        if let Target::Values(v) = &p.dataset.target {
            for (name, rows, filled) in [("training rows", train, true), ("test rows", test, false)]
            {
                fig.push(Item::Markers(Markers {
                    name: name.into(),
                    points: rows.iter().map(|&i| [p.dataset.x[[i, xa]], v[i]]).collect(),
                    tone: Tone::Class(0),
                    radius: 3.0,
                    filled,
                }));
            }
        }
        fig.push(Item::Line(Line {
            name: "network's prediction".into(),
            points: curve.clone(),
            tone: Tone::Boundary,
            width: 2.0,
            dashed: false,
        }));
        fig.legend = true;
        return fig;
    }
    let mut fig = Figure::new(
        "train_plane",
        "",
        Axis::new(names[xa].clone()),
        Axis::new(names[ya].clone()),
    );
    fig.items
        .extend(boundary_items(&frame.boundary, &frame.margins));
    for m in data_markers(p, xa, ya, 3.0, 3.0) {
        fig.push(Item::Markers(m));
    }
    fig.legend = true;
    fig
}

/// L2 shrinkage: fᵢ(α) = λᵢ/(λᵢ + α(1 − ρ)) for each drawn eigen-direction against α, the
/// ratios the fits measured along the same directions as markers, and the current α.
pub fn shrinkage_figure(s: &crate::analysis::shrinkage::Shrinkage, alpha_now: f64) -> Figure {
    let mut x = Axis::new("α");
    x.log = true;
    let mut y = Axis::new("shrinkage factor λᵢ / (λᵢ + α(1 − ρ))");
    y.include = vec![0.0, 1.0];
    let mut fig = Figure::new(
        "shrinkage",
        "L2 shrinkage along the eigen-directions of XᵀX/n",
        x,
        y,
    );
    let grid = crate::analysis::curves::log_grid(-3.0, 3.0, 121);
    for (k, &i) in s.drawn.iter().enumerate() {
        fig.push(Item::Line(Line {
            name: format!("v{}: λ = {}", i + 1, fmt_num(s.eigenvalues[i])),
            points: grid.iter().map(|&a| [a, s.factor(i, a)]).collect(),
            tone: Tone::Class(k),
            width: 1.5,
            dashed: false,
        }));
        let measured: Vec<[f64; 2]> = s
            .fit_alphas
            .iter()
            .zip(&s.measured)
            .filter_map(|(&a, m)| m.get(k).filter(|v| v.is_finite()).map(|&v| [a, v]))
            .collect();
        if !measured.is_empty() {
            fig.push(Item::Markers(Markers {
                // The line's name: the legend shows one entry for both.
                name: format!("v{}: λ = {}", i + 1, fmt_num(s.eigenvalues[i])),
                points: measured,
                tone: Tone::Class(k),
                radius: 3.5,
                filled: true,
            }));
        }
    }
    fig.push(current_rule(
        format!("α = {}", fmt_num(alpha_now)),
        alpha_now,
    ));
    fig
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scree_cumulative_adds_up_the_shares() {
        let fig = scree_figure(&[0.5, 0.3, 0.2]);
        let Some(Item::Line(l)) = fig.item("cumulative") else {
            panic!("a cumulative line")
        };
        let ys: Vec<f64> = l.points.iter().map(|p| p[1]).collect();
        assert_eq!(ys, vec![0.5, 0.8, 1.0]);
        assert_eq!(fig.y.include, vec![0.0, 1.0]);
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(fmt_num(0.5), "0.5");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(1234567.0), "1.235e6");
        assert_eq!(fmt_num(f64::NAN), "—");
    }
}
