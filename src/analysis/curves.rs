//! Validation and learning curves, by k-fold cross-validation. No egui here.
//!
//! - A **validation curve** sweeps one hyper-parameter ([`Param`]) over a list of values and,
//!   at each value, cross-validates the model on the same seeded folds: the training score
//!   (on each fold's training part) and the held-out score, each as a mean with its 95 %
//!   Student-t interval over the folds. Where the two part is where the model over-fits.
//! - A **learning curve** fits on the first m rows of a seeded shuffle of each fold's training
//!   part, for growing m, and scores on those m rows and on the fold's held-out rows. As m
//!   grows the held-out error falls towards the training error (consistency); the gap left is
//!   the variance.
//!
//! Folds are [`cv::fold_of_rows`] (shuffled with the seed, stratified for classes): the same
//! for every value and size, and the same as [`cv::cross_validate`]'s, whose fold scores the
//! validation curve reproduces at each value. Scores: accuracy for classes, R² for regression,
//! for PCA the share of variance kept ([`Scoring`]); errors 1 − accuracy, MSE, the share lost.
//! Folds are fitted in parallel (rayon) and collected in order, so results are deterministic.
//! `emit` receives the curve so far after each value or size.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::cv;
use crate::analysis::folds::{self, Bands, CvSettings, Eval, Scoring};
use crate::data::{Dataset, Target};
use crate::estimators::svm::{Gamma, Kernel};
use crate::estimators::{Error, ModelKind, ModelSpec};
use crate::progress::Progress;

/// A hyper-parameter a validation curve can sweep, in scikit-learn's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Param {
    /// SVM: C; logistic regression: C = 1/α.
    C,
    /// SVM, RBF or polynomial kernel: γ.
    Gamma,
    /// Logistic regression: the L2 weight α; elastic net: the penalty α.
    Alpha,
    /// Elastic net: the share of L1 in the penalty.
    L1Ratio,
    /// SVM, polynomial kernel: the degree.
    Degree,
    /// PCA: the number of components.
    NComponents,
}

impl Param {
    pub const ALL: [Param; 6] = [
        Param::C,
        Param::Gamma,
        Param::Alpha,
        Param::L1Ratio,
        Param::Degree,
        Param::NComponents,
    ];

    /// The name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Param::C => "c",
            Param::Gamma => "gamma",
            Param::Alpha => "alpha",
            Param::L1Ratio => "l1-ratio",
            Param::Degree => "degree",
            Param::NComponents => "n-components",
        }
    }

    /// The name on an axis.
    pub fn label(self) -> &'static str {
        match self {
            Param::C => "C",
            Param::Gamma => "γ",
            Param::Alpha => "α",
            Param::L1Ratio => "l1_ratio",
            Param::Degree => "degree",
            Param::NComponents => "n_components",
        }
    }

    pub fn from_name(name: &str) -> Option<Param> {
        Param::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether values are spread over decades (plot on a log axis).
    pub fn is_log(self) -> bool {
        matches!(self, Param::C | Param::Gamma | Param::Alpha)
    }

    /// Whether values must be whole numbers.
    pub fn is_integer(self) -> bool {
        matches!(self, Param::Degree | Param::NComponents)
    }

    /// `spec` with this parameter set to each of `values`, every value checked before any
    /// is used.
    pub fn specs(&self, spec: &ModelSpec, values: &[f64]) -> Result<Vec<ModelSpec>, Error> {
        values
            .iter()
            .map(|&v| {
                let mut s = spec.clone();
                self.apply(&mut s, v).map(|()| s)
            })
            .collect()
    }

    /// The parameters `spec`'s model (with its kernel) has.
    pub fn of(spec: &ModelSpec) -> Vec<Param> {
        Param::ALL
            .into_iter()
            .filter(|p| p.check(spec).is_ok())
            .collect()
    }

    /// `Ok` when `spec`'s model has this parameter; else an [`Error::Param`] saying which it has.
    pub fn check(&self, spec: &ModelSpec) -> Result<(), Error> {
        let has = match (self, spec.kind) {
            (Param::C, ModelKind::Svm | ModelKind::Logistic) => true,
            (Param::Gamma, ModelKind::Svm) => {
                if spec.svm.kernel == Kernel::Linear {
                    return Err(Error::Param(
                        "gamma has no effect on the linear kernel: choose the RBF or \
                         polynomial kernel to sweep it"
                            .into(),
                    ));
                }
                true
            }
            (Param::Degree, ModelKind::Svm) => {
                if spec.svm.kernel != Kernel::Poly {
                    return Err(Error::Param(
                        "degree is a parameter of the polynomial kernel only: choose it to \
                         sweep the degree"
                            .into(),
                    ));
                }
                true
            }
            (Param::Alpha, ModelKind::Logistic | ModelKind::ElasticNet) => true,
            (Param::L1Ratio, ModelKind::ElasticNet) => true,
            (Param::NComponents, ModelKind::Pca) => true,
            _ => false,
        };
        if has {
            return Ok(());
        }
        let names: Vec<&str> = match spec.kind {
            ModelKind::Svm => match spec.svm.kernel {
                Kernel::Linear => vec!["c"],
                Kernel::Rbf => vec!["c", "gamma"],
                Kernel::Poly => vec!["c", "gamma", "degree"],
            },
            ModelKind::Logistic => vec!["c", "alpha"],
            ModelKind::ElasticNet => vec!["alpha", "l1-ratio"],
            ModelKind::Pca => vec!["n-components"],
        };
        Err(Error::Param(format!(
            "{} is not a parameter of {} (its parameters: {})",
            self.name(),
            spec.kind.label(),
            names.join(", ")
        )))
    }

    /// Set this parameter of `spec` to `value`, checked: the model must have it, integers must
    /// be whole, and the model's own range check must pass (its message names the range).
    pub fn apply(&self, spec: &mut ModelSpec, value: f64) -> Result<(), Error> {
        self.check(spec)?;
        if !value.is_finite() {
            return Err(Error::Param(format!(
                "{} must be a finite number, got {}",
                self.name(),
                crate::error::Num(value)
            )));
        }
        if self.is_integer() && (value.fract() != 0.0 || !(0.0..=1e6).contains(&value)) {
            return Err(Error::Param(format!(
                "{} must be a whole number, got {}",
                self.name(),
                crate::error::Num(value)
            )));
        }
        match (self, spec.kind) {
            (Param::C, ModelKind::Svm) => spec.svm.c = value,
            (Param::C, _) => {
                if value <= 0.0 {
                    return Err(Error::Param(format!(
                        "C must be a finite number > 0 (C = 1/alpha), got {}",
                        crate::error::Num(value)
                    )));
                }
                spec.logistic.alpha = 1.0 / value;
            }
            (Param::Gamma, _) => spec.svm.gamma = Gamma::Value(value),
            (Param::Degree, _) => spec.svm.degree = value as u32,
            (Param::Alpha, ModelKind::Logistic) => spec.logistic.alpha = value,
            (Param::Alpha, _) => spec.elastic_net.alpha = value,
            (Param::L1Ratio, _) => spec.elastic_net.l1_ratio = value,
            (Param::NComponents, _) => spec.pca.n_components = value as usize,
        }
        spec.validate()
    }

    /// The parameter's value in `spec`; `None` when the model does not have it, or for
    /// γ = `scale` (its value depends on the data).
    pub fn current(&self, spec: &ModelSpec) -> Option<f64> {
        self.check(spec).ok()?;
        match (self, spec.kind) {
            (Param::C, ModelKind::Svm) => Some(spec.svm.c),
            (Param::C, _) => Some(spec.logistic.c()),
            (Param::Gamma, _) => match spec.svm.gamma {
                Gamma::Value(g) => Some(g),
                Gamma::Scale => None,
            },
            (Param::Degree, _) => Some(f64::from(spec.svm.degree)),
            (Param::Alpha, ModelKind::Logistic) => Some(spec.logistic.alpha),
            (Param::Alpha, _) => Some(spec.elastic_net.alpha),
            (Param::L1Ratio, _) => Some(spec.elastic_net.l1_ratio),
            (Param::NComponents, _) => Some(spec.pca.n_components as f64),
        }
    }

    /// A sensible grid: half-decades for C (10⁻³…10³), γ (10⁻³…10²) and α (10⁻⁴…10²),
    /// 0, 0.1, …, 1 for l1_ratio, 1…6 for the degree, 1…min(p, 20) components.
    pub fn default_values(&self, n_features: usize) -> Vec<f64> {
        match self {
            Param::C => log_grid(-3.0, 3.0, 13),
            Param::Gamma => log_grid(-3.0, 2.0, 11),
            Param::Alpha => log_grid(-4.0, 2.0, 13),
            Param::L1Ratio => (0..=10).map(|i| f64::from(i) / 10.0).collect(),
            Param::Degree => (1..=6).map(f64::from).collect(),
            Param::NComponents => (1..=n_features.clamp(1, 20)).map(|k| k as f64).collect(),
        }
    }
}

/// `n` values from 10^`from` to 10^`to`, evenly spaced in the exponent.
pub fn log_grid(from: f64, to: f64, n: usize) -> Vec<f64> {
    match n {
        0 => Vec::new(),
        1 => vec![10f64.powf(from)],
        _ => (0..n)
            .map(|i| 10f64.powf(from + (to - from) * i as f64 / (n - 1) as f64))
            .collect(),
    }
}

/// A validation curve; partial (`done == false`) while it is computed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValidationCurve {
    pub param: Param,
    /// The values done so far, in the order asked.
    pub values: Vec<f64>,
    /// The score: `accuracy`, `r2` or `explained_variance_ratio`.
    pub metric: &'static str,
    /// The error: `1 - accuracy`, `mse` or `1 - explained_variance_ratio`.
    pub error_metric: &'static str,
    /// Number of folds k.
    pub folds: usize,
    /// Scores and errors at each value: train (on each fold's training part) and cv (on its
    /// held-out rows), mean and 95 % t-interval over the folds, and the fold scores.
    pub bands: Bands,
    /// Values where a fit failed (their scores are NaN), and why.
    pub notes: Vec<String>,
    pub done: bool,
}

/// Sweep `param` over `values`, cross-validating `spec` at each on `ds` with the same folds.
/// Every value is checked before any fit ([`Param::apply`]).
pub fn validation_curve(
    ds: &Dataset,
    spec: &ModelSpec,
    param: Param,
    values: &[f64],
    cv: &CvSettings,
    progress: &Progress,
    emit: &mut dyn FnMut(&ValidationCurve),
) -> Result<ValidationCurve, Error> {
    cv.check_for(ds, spec.kind)?;
    if values.is_empty() {
        return Err(Error::Param(format!(
            "give at least one value of {}",
            param.name()
        )));
    }
    let specs = param.specs(spec, values)?;
    let k = cv.folds;
    let fold = cv::fold_of_rows(&ds.target, k, cv.seed);
    let parts: Vec<(Vec<usize>, Vec<usize>)> = (0..k).map(|f| folds::fold_rows(&fold, f)).collect();
    let scoring = Scoring::of(ds, spec.kind);
    let mut curve = ValidationCurve {
        param,
        values: Vec::with_capacity(values.len()),
        metric: scoring.metric(),
        error_metric: scoring.error_metric(),
        folds: k,
        bands: Bands::default(),
        notes: Vec::new(),
        done: false,
    };
    progress.set_total((values.len() * k) as u64);
    progress.set(0);
    for (&value, s) in values.iter().zip(&specs) {
        progress.check()?;
        let results: Vec<Result<Vec<Eval>, Error>> = parts
            .par_iter()
            .map(|(train, test)| {
                let r = folds::fit_and_evaluate(
                    ds,
                    s,
                    train,
                    &[train, test],
                    cv.standardize,
                    &progress.child(),
                );
                progress.add(1);
                r
            })
            .collect();
        progress.check()?;
        let per_fold = collect_folds(results, &mut curve.notes, || {
            format!("{} = {value}", param.name())
        })?;
        curve.values.push(value);
        curve.bands.push(&per_fold);
        emit(&curve);
    }
    curve.done = true;
    Ok(curve)
}

/// Fold results in order: a failed solver is a NaN fold with a note, any other error stops.
fn collect_folds(
    results: Vec<Result<Vec<Eval>, Error>>,
    notes: &mut Vec<String>,
    at: impl Fn() -> String,
) -> Result<Vec<(Eval, Eval)>, Error> {
    let mut out = Vec::with_capacity(results.len());
    for (f, r) in results.into_iter().enumerate() {
        match r {
            Ok(e) => out.push((e[0], e[1])),
            Err(e) if folds::is_local(&e) => {
                notes.push(format!("{}: fold {} failed: {e}", at(), f + 1));
                out.push((Eval::NAN, Eval::NAN));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// The default learning-curve fractions: 8 steps from 0.1 to 1.0.
pub fn default_fractions() -> Vec<f64> {
    (0..8).map(|i| 0.1 + 0.9 * f64::from(i) / 7.0).collect()
}

/// The training-set sizes of a learning curve: m = round(f · n_min) for each fraction f, kept
/// in `1..=n_min`, where n_min is the smallest fold's training part (folds differ by a row or
/// so; every fold then fits on exactly m rows). Sorted, without repeats.
pub fn learning_sizes(fractions: &[f64], n_min: usize) -> Vec<usize> {
    let mut sizes: Vec<usize> = fractions
        .iter()
        .map(|f| ((f * n_min as f64).round() as usize).clamp(1, n_min.max(1)))
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// A learning curve; partial (`done == false`) while it is computed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LearningCurve {
    /// Training-set sizes m done so far (rows fitted on, in every fold).
    pub sizes: Vec<usize>,
    /// m as a share of the smallest fold's training part.
    pub fractions: Vec<f64>,
    /// Rows in the smallest fold's training part.
    pub n_train: usize,
    pub metric: &'static str,
    pub error_metric: &'static str,
    pub folds: usize,
    /// At each size: train (on the m rows fitted on) and cv (on the fold's held-out rows).
    pub bands: Bands,
    /// Sizes skipped (a class missing from the first m rows of a fold) and failed fits.
    pub notes: Vec<String>,
    pub done: bool,
}

/// The learning curve of `spec` on `ds` at the given `fractions` (each in (0, 1]) of the folds'
/// training parts ([`learning_sizes`]). In fold f the training part is shuffled once with the
/// seed (stream f + 1), class by class interleaved for classes so that every prefix keeps the
/// class shares; the model is fitted on its first m rows. For classes, a size where some fold's
/// first m rows miss a class of its training part is skipped with a note.
pub fn learning_curve(
    ds: &Dataset,
    spec: &ModelSpec,
    fractions: &[f64],
    cv: &CvSettings,
    progress: &Progress,
    emit: &mut dyn FnMut(&LearningCurve),
) -> Result<LearningCurve, Error> {
    cv.check_for(ds, spec.kind)?;
    spec.validate()?;
    if fractions.is_empty() {
        return Err(Error::Param(
            "give at least one training-set fraction".into(),
        ));
    }
    if let Some(f) = fractions
        .iter()
        .find(|f| !(f.is_finite() && **f > 0.0 && **f <= 1.0))
    {
        return Err(Error::Param(format!(
            "training-set fractions must be in (0, 1], got {}",
            crate::error::Num(*f)
        )));
    }
    let k = cv.folds;
    let fold = cv::fold_of_rows(&ds.target, k, cv.seed);
    let parts: Vec<(Vec<usize>, Vec<usize>)> = (0..k)
        .map(|f| {
            let (train, test) = folds::fold_rows(&fold, f);
            (shuffled(&ds.target, &train, cv.seed, f as u64 + 1), test)
        })
        .collect();
    let n_min = parts.iter().map(|p| p.0.len()).min().unwrap_or(0);
    let sizes = learning_sizes(fractions, n_min);
    let scoring = Scoring::of(ds, spec.kind);
    let mut curve = LearningCurve {
        sizes: Vec::with_capacity(sizes.len()),
        fractions: Vec::with_capacity(sizes.len()),
        n_train: n_min,
        metric: scoring.metric(),
        error_metric: scoring.error_metric(),
        folds: k,
        bands: Bands::default(),
        notes: Vec::new(),
        done: false,
    };
    progress.set_total((sizes.len() * k) as u64);
    progress.set(0);
    for &m in &sizes {
        progress.check()?;
        if let Some(why) = missing_class(&ds.target, &parts, m) {
            curve.notes.push(format!("m = {m} skipped: {why}"));
            progress.add(k as u64);
            emit(&curve);
            continue;
        }
        let results: Vec<Result<Vec<Eval>, Error>> = parts
            .par_iter()
            .map(|(train, test)| {
                let first = &train[..m];
                let r = folds::fit_and_evaluate(
                    ds,
                    spec,
                    first,
                    &[first, test],
                    cv.standardize,
                    &progress.child(),
                );
                progress.add(1);
                r
            })
            .collect();
        progress.check()?;
        let per_fold = collect_folds(results, &mut curve.notes, || format!("m = {m}"))?;
        curve.sizes.push(m);
        curve.fractions.push(m as f64 / n_min as f64);
        curve.bands.push(&per_fold);
        emit(&curve);
    }
    curve.done = true;
    Ok(curve)
}

/// `rows` in a seeded order (stream `stream` of `seed`). For classes, each class is shuffled
/// and the classes interleaved: the j-th row of a class of size n_c sits at (j + ½)/n_c, so
/// every prefix holds each class's share (rounded).
pub fn shuffled(target: &Target, rows: &[usize], seed: u64, stream: u64) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    match target {
        Target::Values(_) => {
            let mut order = rows.to_vec();
            order.shuffle(&mut rng);
            order
        }
        Target::Classes { y, names } => {
            let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
            for &i in rows {
                by_class[y[i]].push(i);
            }
            let mut keyed: Vec<(f64, usize, usize)> = Vec::with_capacity(rows.len());
            for (c, members) in by_class.iter_mut().enumerate() {
                members.shuffle(&mut rng);
                let n_c = members.len() as f64;
                for (j, &i) in members.iter().enumerate() {
                    keyed.push(((j as f64 + 0.5) / n_c, c, i));
                }
            }
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            keyed.into_iter().map(|(_, _, i)| i).collect()
        }
    }
}

/// For classes: which fold's first `m` training rows lack a class its training part has.
fn missing_class(target: &Target, parts: &[(Vec<usize>, Vec<usize>)], m: usize) -> Option<String> {
    let Target::Classes { y, names } = target else {
        return None;
    };
    for (f, (train, _)) in parts.iter().enumerate() {
        let mut in_part = vec![false; names.len()];
        let mut in_first = vec![false; names.len()];
        for (pos, &i) in train.iter().enumerate() {
            in_part[y[i]] = true;
            if pos < m {
                in_first[y[i]] = true;
            }
        }
        if let Some(c) = (0..names.len()).find(|&c| in_part[c] && !in_first[c]) {
            return Some(format!(
                "fold {}'s first {m} training rows have no '{}'",
                f + 1,
                names[c]
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimators::elastic_net::ElasticNetParams;

    fn spec(kind: ModelKind) -> ModelSpec {
        ModelSpec {
            kind,
            ..Default::default()
        }
    }

    #[test]
    fn names_are_the_cli_and_json_names() {
        for p in Param::ALL {
            assert_eq!(Param::from_name(p.name()), Some(p));
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.name())
            );
        }
        assert_eq!(Param::L1Ratio.name(), "l1-ratio");
        assert_eq!(Param::NComponents.name(), "n-components");
        assert_eq!(Param::from_name("C"), None);
    }

    #[test]
    fn apply_sets_the_right_field_and_current_reads_it_back() {
        // Logistic C = 4 is alpha = 1/4.
        let mut s = spec(ModelKind::Logistic);
        Param::C.apply(&mut s, 4.0).unwrap();
        assert_eq!(s.logistic.alpha, 0.25);
        assert_eq!(Param::C.current(&s), Some(4.0));
        Param::Alpha.apply(&mut s, 0.5).unwrap();
        assert_eq!(Param::C.current(&s), Some(2.0));

        let mut s = spec(ModelKind::Svm);
        assert_eq!(
            Param::Gamma.current(&s),
            None,
            "gamma = scale has no number"
        );
        Param::Gamma.apply(&mut s, 0.5).unwrap();
        assert_eq!(s.svm.gamma, Gamma::Value(0.5));
        Param::C.apply(&mut s, 7.0).unwrap();
        assert_eq!(s.svm.c, 7.0);
        assert_eq!(s.logistic, spec(ModelKind::Svm).logistic, "untouched");

        let mut s = spec(ModelKind::ElasticNet);
        Param::L1Ratio.apply(&mut s, 0.25).unwrap();
        Param::Alpha.apply(&mut s, 3.0).unwrap();
        assert_eq!((s.elastic_net.alpha, s.elastic_net.l1_ratio), (3.0, 0.25));

        let mut s = spec(ModelKind::Pca);
        Param::NComponents.apply(&mut s, 3.0).unwrap();
        assert_eq!(s.pca.n_components, 3);
    }

    #[test]
    fn a_parameter_the_model_lacks_or_a_bad_value_is_a_param_error() {
        let param_err = |r: Result<(), Error>, needle: &str| match r {
            Err(Error::Param(m)) => assert!(m.contains(needle), "{m:?} lacks {needle:?}"),
            other => panic!("expected a Param error, got {other:?}"),
        };
        let mut s = spec(ModelKind::ElasticNet);
        param_err(Param::Gamma.apply(&mut s, 1.0), "gamma is not a parameter");
        param_err(Param::C.apply(&mut s, 1.0), "alpha, l1-ratio");
        let mut s = spec(ModelKind::Logistic);
        param_err(Param::L1Ratio.apply(&mut s, 0.5), "l1-ratio is not");
        param_err(Param::C.apply(&mut s, 0.0), "C must be");
        let mut s = spec(ModelKind::Svm);
        s.svm.kernel = Kernel::Linear;
        param_err(Param::Gamma.apply(&mut s, 1.0), "linear kernel");
        s.svm.kernel = Kernel::Rbf;
        param_err(Param::Degree.apply(&mut s, 2.0), "polynomial kernel");
        s.svm.kernel = Kernel::Poly;
        param_err(Param::Degree.apply(&mut s, 2.5), "whole number");
        param_err(Param::Degree.apply(&mut s, 11.0), "degree must be");
        param_err(Param::C.apply(&mut s, f64::NAN), "finite");
        let mut s = spec(ModelKind::ElasticNet);
        s.elastic_net = ElasticNetParams::ridge(1.0);
        param_err(Param::L1Ratio.apply(&mut s, 1.5), "l1_ratio must be");
        param_err(Param::NComponents.apply(&mut s, 2.0), "n-components is not");
        assert_eq!(Param::of(&s), vec![Param::Alpha, Param::L1Ratio]);
        assert_eq!(
            Param::of(&spec(ModelKind::Svm)),
            vec![Param::C, Param::Gamma]
        );
    }

    #[test]
    fn default_grids() {
        let c = Param::C.default_values(4);
        assert_eq!(c.len(), 13);
        assert!((c[0] - 1e-3).abs() < 1e-15 && (c[12] - 1e3).abs() < 1e-9);
        assert!((c[1] / c[0] - 10f64.sqrt()).abs() < 1e-12, "half decades");
        assert_eq!(Param::L1Ratio.default_values(4)[3], 0.3);
        assert_eq!(
            Param::NComponents.default_values(4),
            vec![1.0, 2.0, 3.0, 4.0]
        );
        assert_eq!(Param::Degree.default_values(4).len(), 6);
    }

    #[test]
    fn learning_sizes_by_hand() {
        // 0.1 + 0.9·i/7 of 120: 12, 27.43, 42.86, 58.29, 73.71, 89.14, 104.57, 120.
        assert_eq!(
            learning_sizes(&default_fractions(), 120),
            vec![12, 27, 43, 58, 74, 89, 105, 120]
        );
        // Rounded into 1..=n, sorted, repeats dropped.
        assert_eq!(
            learning_sizes(&[1.0, 0.001, 0.5, 0.501], 10),
            vec![1, 5, 10]
        );
    }

    #[test]
    fn the_stratified_shuffle_keeps_class_shares_in_every_prefix() {
        // 30 of class 0, 10 of class 1, sorted.
        let y: Vec<usize> = (0..40).map(|i| usize::from(i >= 30)).collect();
        let t = Target::Classes {
            y: y.clone(),
            names: vec!["a".into(), "b".into()],
        };
        let rows: Vec<usize> = (0..40).collect();
        let order = shuffled(&t, &rows, 7, 1);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, rows, "a permutation");
        for m in [4, 8, 20, 40] {
            let ones = order[..m].iter().filter(|&&i| y[i] == 1).count();
            assert_eq!(ones, m / 4, "prefix {m}");
        }
        assert_eq!(order, shuffled(&t, &rows, 7, 1), "seeded");
        assert_ne!(order, shuffled(&t, &rows, 7, 2), "another stream");
    }
}
