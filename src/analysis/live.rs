//! One live update: prepare the data, fit the chosen estimator, score it on train and test,
//! and evaluate what the views draw (decision map, support vectors, predictions, projection).
//! Pure computation over a dataset: the GUI runs it on the worker, the benchmarks time it.

use std::time::Instant;

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::analysis::contour::iso_lines;
use crate::analysis::grid::{self, GridSpec};
use crate::analysis::metrics;
use crate::data::prep::{self, Split, Standardizer};
use crate::data::{Dataset, Target};
use crate::estimators::{self, Error, Fitted, ModelKind, ModelSpec, TargetView};
use crate::progress::Progress;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Which features the model sees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FitOn {
    /// Only the two features on the plot's axes: the map is the model itself (teaching view).
    #[default]
    ShownPair,
    /// Every feature; the map is a slice through the model with the others at their mean.
    AllFeatures,
}

/// What to compute.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveRequest {
    pub spec: ModelSpec,
    pub fit_on: FitOn,
    /// Dataset feature indices on the horizontal and vertical axes.
    pub axes: (usize, usize),
    /// Decision-map resolution (cells per side); 0 for none.
    pub grid_size: usize,
    pub standardize: bool,
    /// Fit the SVM on at most this many training rows (a seeded random sample), so the
    /// picture follows the hand: the solver's work grows faster than n. `None` fits on every
    /// row (the SMO engine has no row limit; linfa's refuses more than 10,000 and says so).
    pub max_svm_rows: Option<usize>,
}

/// Scores on one part of the data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    pub n: usize,
    pub accuracy: Option<f64>,
    pub log_loss: Option<f64>,
    /// Rows: true class, columns: predicted class.
    pub confusion: Option<Array2<usize>>,
    pub r2: Option<f64>,
    pub mse: Option<f64>,
}

/// What the shading of a decision map means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    /// Columns are class probabilities.
    Probability,
    /// Columns are decision values f(x) (one column for two classes, one per class else).
    Decision,
}

/// A model evaluated over the plane of the two shown features, in the data's own units.
#[derive(Clone, Debug)]
pub struct DecisionMap {
    pub spec: GridSpec,
    /// `(nx·ny) × k`, row `j·nx + i` at `(spec.x_at(i), spec.y_at(j))`.
    pub values: Array2<f64>,
    pub kind: MapKind,
    /// A one-vs-one SVM of more than two classes: each pair's decision value `f_ab` at the
    /// same points (`> 0` for `a`), from which the boundaries are drawn as smooth curves (the
    /// votes in `values` are whole numbers and jump).
    pub pairwise: Option<Pairwise>,
}

/// One-vs-one decision values over a map's grid.
#[derive(Clone, Debug)]
pub struct Pairwise {
    pub pairs: Vec<(usize, usize)>,
    /// `(nx·ny) × pairs`, rows as in [`DecisionMap::values`].
    pub values: Array2<f64>,
}

/// A polyline in the plane of the shown features.
pub type Polyline = Vec<[f64; 2]>;

/// A principal axis drawn over the data: from the mean, ±√λ along the component.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisSegment {
    pub from: [f64; 2],
    pub to: [f64; 2],
}

/// Everything one live update produces.
#[derive(Clone, Debug)]
pub struct LiveResult {
    pub fitted: Fitted,
    /// Dataset feature indices the model was fitted on, in order.
    pub features: Vec<usize>,
    pub scaler: Standardizer,
    pub train: Scores,
    pub test: Option<Scores>,
    pub map: Option<DecisionMap>,
    /// Decision boundary polylines on the map (f = 0, or p = ½; for several classes, where
    /// each class's score meets the best of the others).
    pub boundary: Vec<Polyline>,
    /// SVM margins f = ±1 (two classes).
    pub margins: Vec<Polyline>,
    /// Dataset rows that are support vectors (SVM).
    pub support_rows: Vec<usize>,
    /// Predicted value for every dataset row (regression).
    pub predictions: Option<Array1<f64>>,
    /// Projection z of every dataset row (PCA), `n × k`.
    pub projection: Option<Array2<f64>>,
    /// Sample covariance of the projected training rows (PCA): diagonal, with λᵢ on it.
    pub z_covariance: Option<Array2<f64>>,
    /// Principal axes in the plane of the shown features (PCA).
    pub axis_segments: Vec<AxisSegment>,
    pub fit_ms: f64,
    pub grid_ms: f64,
    /// `(rows fitted on, training rows)` when the SVM was fitted on a sample.
    pub subsampled: Option<(usize, usize)>,
}

/// What a model is fitted on: the chosen features, standardised (or not) with the training
/// rows' statistics, and the rows it is fitted on.
pub struct Design {
    /// Dataset feature indices the model sees, in order.
    pub features: Vec<usize>,
    pub scaler: Standardizer,
    /// Every dataset row in the model's space (`n × features`).
    pub z_all: Array2<f64>,
    /// The rows the model is fitted on: every training row, or a sample for a large SVM.
    pub fit_rows: Vec<usize>,
    /// `(rows fitted on, training rows)` when fitted on a sample.
    pub subsampled: Option<(usize, usize)>,
}

impl Design {
    /// The target of `rows`, owned, in the form the estimators take (see [`Self::target`]).
    pub fn target_of(ds: &Dataset, rows: &[usize]) -> OwnedTarget {
        match &ds.target {
            Target::Classes { y, names } => {
                OwnedTarget::Classes(rows.iter().map(|&i| y[i]).collect(), names.len())
            }
            Target::Values(v) => OwnedTarget::Values(rows.iter().map(|&i| v[i]).collect()),
        }
    }
}

/// A target taken out of a dataset for some rows.
pub enum OwnedTarget {
    Classes(Vec<usize>, usize),
    Values(Vec<f64>),
}

impl OwnedTarget {
    pub fn view(&self) -> TargetView<'_> {
        match self {
            OwnedTarget::Classes(y, n_classes) => TargetView::Classes {
                y: ndarray::ArrayView1::from(&y[..]),
                n_classes: *n_classes,
            },
            OwnedTarget::Values(v) => TargetView::Values(ndarray::ArrayView1::from(&v[..])),
        }
    }
}

/// Choose the features, fit the scaler on the training rows and pick the rows to fit on.
pub fn design(ds: &Dataset, split: &Split, req: &LiveRequest) -> Result<Design, Error> {
    let p = ds.n_features();
    let (a, b) = req.axes;
    if a >= p || b >= p {
        return Err(Error::Data("the plot's axes must both be features".into()));
    }
    let features: Vec<usize> = match req.fit_on {
        FitOn::ShownPair if a != b => vec![a, b],
        FitOn::ShownPair => vec![a],
        FitOn::AllFeatures => (0..p).collect(),
    };
    if split.train.len() < 2 {
        return Err(Error::Data(
            "fewer than 2 training rows: lower the test share".into(),
        ));
    }
    let x_all = ds.x.select(Axis(1), &features);
    let names: Vec<String> = features
        .iter()
        .map(|&j| ds.feature_names[j].clone())
        .collect();
    let scaler = prep::scaler_for(x_all.view(), &split.train, req.standardize, &names)?;
    let z_all = scaler.transform(x_all.view());
    let fit_rows: Vec<usize> = match req.max_svm_rows {
        Some(max) if req.spec.kind == ModelKind::Svm && split.train.len() > max => {
            let mut rng = ChaCha8Rng::seed_from_u64(0);
            let mut picked = rand::seq::index::sample(&mut rng, split.train.len(), max).into_vec();
            picked.sort_unstable();
            picked.into_iter().map(|k| split.train[k]).collect()
        }
        _ => split.train.clone(),
    };
    let subsampled =
        (fit_rows.len() < split.train.len()).then_some((fit_rows.len(), split.train.len()));
    Ok(Design {
        features,
        scaler,
        z_all,
        fit_rows,
        subsampled,
    })
}

/// Run one update.
pub fn run(
    ds: &Dataset,
    split: &Split,
    req: &LiveRequest,
    progress: &Progress,
) -> Result<LiveResult, Error> {
    let (a, b) = req.axes;
    let Design {
        features,
        scaler,
        z_all,
        fit_rows,
        subsampled,
    } = design(ds, split, req)?;
    let x_all = ds.x.select(Axis(1), &features);
    let z_train = z_all.select(Axis(0), &fit_rows);
    let train_target = Design::target_of(ds, &fit_rows);
    let target = train_target.view();

    let start = Instant::now();
    let fitted = estimators::fit(&req.spec, z_train.view(), target, progress)?;
    let fit_ms = start.elapsed().as_secs_f64() * 1e3;
    progress.check()?;

    let train = score(&fitted, &z_all, ds, &split.train);
    let test = (!split.test.is_empty()).then(|| score(&fitted, &z_all, ds, &split.test));

    // The decision map, in the plane of the shown features (classifiers only).
    let start = Instant::now();
    let map = match (&fitted, req.grid_size) {
        (Fitted::Svm(_) | Fitted::Logistic(_), n) if n >= 2 && a != b => {
            let xs: Vec<f64> = ds.x.column(a).to_vec();
            let ys: Vec<f64> = ds.x.column(b).to_vec();
            let spec = GridSpec::around(&xs, &ys, 0.08, n, n);
            // Features off the axes sit at their training mean (0 after standardising).
            let base = x_all
                .select(Axis(0), &split.train)
                .mean_axis(Axis(0))
                .unwrap_or_else(|| Array1::zeros(features.len()));
            let fa = features.iter().position(|&f| f == a).unwrap_or(0);
            let fb = features.iter().position(|&f| f == b).unwrap_or(0);
            let (values, kind) = match &fitted {
                Fitted::Logistic(m) => (
                    grid::evaluate(&spec, base.view(), fa, fb, |pts| {
                        m.predict_proba(scaler.transform(pts).view())
                    }),
                    MapKind::Probability,
                ),
                Fitted::Svm(m) => (
                    grid::evaluate(&spec, base.view(), fa, fb, |pts| {
                        m.decision_function_ovo(scaler.transform(pts).view())
                    }),
                    MapKind::Decision,
                ),
                _ => unreachable!("matched above"),
            };
            // Several classes: shade by the vote, draw the boundaries from the pairs.
            let (values, pairwise) = match &fitted {
                Fitted::Svm(m) if m.n_classes() > 2 => (
                    m.ovr_from_ovo(values.view()),
                    Some(Pairwise {
                        pairs: m.pairs(),
                        values,
                    }),
                ),
                _ => (values, None),
            };
            Some(DecisionMap {
                spec,
                values,
                kind,
                pairwise,
            })
        }
        _ => None,
    };
    let (boundary, margins) = map.as_ref().map(decision_lines).unwrap_or_default();
    let grid_ms = start.elapsed().as_secs_f64() * 1e3;

    let support_rows = match &fitted {
        Fitted::Svm(m) => m.support_indices().iter().map(|&k| fit_rows[k]).collect(),
        _ => Vec::new(),
    };
    let predictions = fitted.predict_values(z_all.view());

    let (projection, z_covariance, axis_segments) = match &fitted {
        Fitted::Pca(m) => {
            let z = m.transform(z_all.view());
            let z_train = z.select(Axis(0), &split.train);
            let cov = covariance(z_train.view());
            let segments = principal_axes(m, &scaler, &features, a, b);
            (Some(z), Some(cov), segments)
        }
        _ => (None, None, Vec::new()),
    };

    Ok(LiveResult {
        fitted,
        features,
        scaler,
        train,
        test,
        map,
        boundary,
        margins,
        support_rows,
        predictions,
        projection,
        z_covariance,
        axis_segments,
        fit_ms,
        grid_ms,
        subsampled,
    })
}

/// The decision boundary and, for a two-class decision function, the ±1 margins of a map.
pub fn decision_lines(map: &DecisionMap) -> (Vec<Polyline>, Vec<Polyline>) {
    if let Some(p) = &map.pairwise {
        return (pairwise_boundaries(map, p), Vec::new());
    }
    let k = map.values.ncols();
    let column = |c: usize| map.values.column(c).to_vec();
    let mut boundary = Vec::new();
    let mut margins = Vec::new();
    match (map.kind, k) {
        (MapKind::Decision, 1) => {
            let f = column(0);
            boundary = iso_lines(&map.spec, &f, 0.0);
            margins = iso_lines(&map.spec, &f, 1.0);
            margins.extend(iso_lines(&map.spec, &f, -1.0));
        }
        (MapKind::Probability, 2) => boundary = iso_lines(&map.spec, &column(1), 0.5),
        _ => {
            // Several classes: where each class's score meets the best of the others.
            for c in 0..k {
                let g: Vec<f64> = map
                    .values
                    .rows()
                    .into_iter()
                    .map(|r| {
                        let best_other = (0..k)
                            .filter(|&o| o != c)
                            .map(|o| r[o])
                            .fold(f64::NEG_INFINITY, f64::max);
                        r[c] - best_other
                    })
                    .collect();
                boundary.extend(iso_lines(&map.spec, &g, 0.0));
            }
        }
    }
    (boundary, margins)
}

/// The boundaries of a one-vs-one classifier: for each class c, where it stops beating every
/// other class, h_c(x) = min over b of f_cb(x) = 0 (f_cb the pair's decision value, positive
/// for c). Each h_c is continuous, so the curves are smooth; a region where no class beats
/// all the others (a cycle of the pairwise votes, decided by libsvm's tie rule) is left
/// between them.
fn pairwise_boundaries(map: &DecisionMap, p: &Pairwise) -> Vec<Polyline> {
    let k = map.values.ncols();
    let mut out = Vec::new();
    for c in 0..k {
        let h: Vec<f64> = p
            .values
            .rows()
            .into_iter()
            .map(|r| {
                p.pairs
                    .iter()
                    .zip(r.iter())
                    .filter_map(|(&(a, b), &v)| {
                        if a == c {
                            Some(v)
                        } else if b == c {
                            Some(-v)
                        } else {
                            None
                        }
                    })
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        out.extend(iso_lines(&map.spec, &h, 0.0));
    }
    out
}

fn score(fitted: &Fitted, z_all: &Array2<f64>, ds: &Dataset, rows: &[usize]) -> Scores {
    let z = z_all.select(Axis(0), rows);
    let mut s = Scores {
        n: rows.len(),
        ..Default::default()
    };
    match &ds.target {
        Target::Classes { y, names } => {
            let truth: Vec<usize> = rows.iter().map(|&i| y[i]).collect();
            if let Some(pred) = fitted.predict_classes(z.view()) {
                s.accuracy = Some(metrics::accuracy(&truth, &pred));
                s.confusion = Some(metrics::confusion_matrix(&truth, &pred, names.len()));
            }
            if let Some(proba) = fitted.predict_proba(z.view()) {
                s.log_loss = Some(metrics::log_loss(&truth, proba.view()));
            }
        }
        Target::Values(v) => {
            if let Some(pred) = fitted.predict_values(z.view()) {
                let truth: Vec<f64> = rows.iter().map(|&i| v[i]).collect();
                let pred = pred.to_vec();
                s.r2 = Some(metrics::r2(&truth, &pred));
                s.mse = Some(metrics::mse(&truth, &pred));
            }
        }
    }
    s
}

/// Sample covariance (divisor n − 1) of the rows of `z`.
pub fn covariance(z: ArrayView2<f64>) -> Array2<f64> {
    let n = z.nrows();
    let mean = z
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(z.ncols()));
    let c = &z - &mean;
    c.t().dot(&c) / (n.max(2) - 1) as f64
}

/// Each principal axis as a segment through the mean, ±√λᵢ long, projected onto the plane of
/// features `a`, `b` and mapped back to the data's own units.
fn principal_axes(
    m: &estimators::pca::PcaModel,
    scaler: &Standardizer,
    features: &[usize],
    a: usize,
    b: usize,
) -> Vec<AxisSegment> {
    let (Some(fa), Some(fb)) = (
        features.iter().position(|&f| f == a),
        features.iter().position(|&f| f == b),
    ) else {
        return Vec::new();
    };
    if fa == fb {
        return Vec::new();
    }
    let to_raw = |k: usize, z: f64| z * scaler.std[k] + scaler.mean[k];
    let mean = m.mean();
    m.components()
        .rows()
        .into_iter()
        .zip(m.explained_variance().iter())
        .map(|(c, &lambda)| {
            let r = lambda.max(0.0).sqrt();
            let end = |s: f64| {
                [
                    to_raw(fa, mean[fa] + s * r * c[fa]),
                    to_raw(fb, mean[fb] + s * r * c[fb]),
                ]
            };
            AxisSegment {
                from: end(-1.0),
                to: end(1.0),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::builtin::Builtin;
    use crate::data::dataset::{Roles, build_dataset};
    use crate::data::generate::Generator;
    use crate::data::prep::{PrepSettings, split};

    fn moons(n: usize) -> (Dataset, Split) {
        let table = Builtin::Generated {
            kind: Generator::Moons,
            n,
            noise: 0.1,
            seed: 1,
        }
        .load()
        .unwrap();
        let ds = build_dataset(&table, &Roles::default()).unwrap();
        let sp = split(&ds.target, &PrepSettings::default());
        (ds, sp)
    }

    fn request(kind: ModelKind) -> LiveRequest {
        LiveRequest {
            spec: ModelSpec {
                kind,
                ..Default::default()
            },
            fit_on: FitOn::ShownPair,
            axes: (0, 1),
            grid_size: 30,
            standardize: true,
            max_svm_rows: None,
        }
    }

    #[test]
    fn a_large_svm_is_fitted_on_a_sample_of_training_rows() {
        let (ds, sp) = moons(400);
        let mut req = request(ModelKind::Svm);
        req.max_svm_rows = Some(100);
        let r = run(&ds, &sp, &req, &Progress::new()).unwrap();
        assert_eq!(r.subsampled, Some((100, 300)));
        assert!(r.support_rows.iter().all(|i| sp.train.contains(i)));
        // scored on every training row all the same
        assert_eq!(r.train.n, 300);
    }

    #[test]
    fn a_large_svm_is_sampled_for_the_hand_and_fitted_on_every_row_otherwise() {
        // 16,000 moons: 12,000 training rows, more than the old 10,000-row limit.
        let (ds, sp) = moons(16_000);
        assert_eq!(sp.train.len(), 12_000);
        let mut req = request(ModelKind::Svm);
        req.max_svm_rows = Some(3_000);
        let d = design(&ds, &sp, &req).unwrap();
        assert_eq!(d.subsampled, Some((3_000, 12_000)));
        // The same seeded sample every time (the picture does not flicker while dragging).
        assert_eq!(design(&ds, &sp, &req).unwrap().fit_rows, d.fit_rows);
        // Every row: fitted, with the progress filled (1000 per binary problem).
        req.max_svm_rows = None;
        let progress = Progress::new();
        let r = run(&ds, &sp, &req, &progress).unwrap();
        assert_eq!(r.subsampled, None);
        assert_eq!(progress.fraction(), Some(1.0));
        let Fitted::Svm(m) = &r.fitted else { panic!() };
        assert!(m.converged());
        assert!(r.train.accuracy.unwrap() > 0.95);
        // A cancelled job stops inside the fit.
        let cancelled = Progress::new();
        cancelled.cancel();
        assert!(matches!(
            run(&ds, &sp, &req, &cancelled),
            Err(Error::Cancelled)
        ));
    }

    #[test]
    fn a_several_class_svm_map_shows_the_voted_class() {
        // Three blobs: the map's largest column at each cell is the class the one-vs-one
        // SVMs vote for there (what the shading colours), i.e. the model's prediction.
        let table = Builtin::Generated {
            kind: Generator::Blobs,
            n: 300,
            noise: 1.0,
            seed: 2,
        }
        .load()
        .unwrap();
        let ds = build_dataset(&table, &Roles::default()).unwrap();
        let sp = split(&ds.target, &PrepSettings::default());
        let r = run(&ds, &sp, &request(ModelKind::Svm), &Progress::new()).unwrap();
        let map = r.map.as_ref().unwrap();
        assert_eq!(map.values.ncols(), 3);
        let Fitted::Svm(m) = &r.fitted else { panic!() };
        let pts = map
            .spec
            .points(ndarray::Array1::<f64>::zeros(2).view(), 0, 1);
        let pred = m.predict(r.scaler.transform(pts.view()).view());
        let mut checked = 0;
        for (row, &p) in map.values.rows().into_iter().zip(&pred) {
            // votes = the nearest integer (the confidence term is within ±⅓); where two
            // classes tie in votes libsvm takes the first and the shading the surer one.
            let votes: Vec<f64> = row.iter().map(|v| v.round()).collect();
            let top = votes.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            if votes.iter().filter(|&&v| v == top).count() > 1 {
                continue;
            }
            let best = (0..3).fold(0, |b, c| if row[c] > row[b] { c } else { b });
            assert_eq!(best, p, "{row}");
            checked += 1;
        }
        assert!(checked > map.values.nrows() / 2);
        assert!(!r.boundary.is_empty());
    }

    #[test]
    fn the_map_is_the_model_at_standardised_grid_points() {
        // The map lives in the data's own units; the model in z-scores. At any cell the map
        // must equal the model's probability at that point standardised by hand.
        let (ds, sp) = moons(200);
        let r = run(&ds, &sp, &request(ModelKind::Logistic), &Progress::new()).unwrap();
        let map = r.map.as_ref().unwrap();
        let Fitted::Logistic(m) = &r.fitted else {
            panic!()
        };
        let train = ds.x.select(Axis(0), &sp.train);
        let mean = train.mean_axis(Axis(0)).unwrap();
        let std = train.std_axis(Axis(0), 0.0);
        for (i, j) in [(0, 0), (7, 21), (29, 29)] {
            let (x, y) = (map.spec.x_at(i), map.spec.y_at(j));
            let z = ndarray::array![[(x - mean[0]) / std[0], (y - mean[1]) / std[1]]];
            let p = m.predict_proba(z.view());
            let cell = map.values.row(j * map.spec.nx + i);
            assert!((cell[1] - p[[0, 1]]).abs() < 1e-12);
        }
    }

    #[test]
    fn pca_projection_has_a_diagonal_covariance_with_lambda_on_it() {
        let (ds, sp) = moons(300);
        let r = run(&ds, &sp, &request(ModelKind::Pca), &Progress::new()).unwrap();
        let cov = r.z_covariance.unwrap();
        let Fitted::Pca(m) = &r.fitted else { panic!() };
        assert!(cov[[0, 1]].abs() < 1e-12);
        for k in 0..2 {
            assert!((cov[[k, k]] - m.explained_variance()[k]).abs() < 1e-9);
        }
        // Two axes, each through the data mean (its midpoint) in the raw units.
        assert_eq!(r.axis_segments.len(), 2);
        let mean = ds.x.select(Axis(0), &sp.train).mean_axis(Axis(0)).unwrap();
        for s in &r.axis_segments {
            let mid = [(s.from[0] + s.to[0]) / 2.0, (s.from[1] + s.to[1]) / 2.0];
            assert!((mid[0] - mean[0]).abs() < 1e-9 && (mid[1] - mean[1]).abs() < 1e-9);
        }
    }
}
